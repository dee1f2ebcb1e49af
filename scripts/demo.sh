#!/usr/bin/env bash
# The demo: set up (first time only), then run specs/examples/cpu-demo.yaml on the embedded Temporal
# server with both workers: LoRA fine-tuning of SmolLM2-135M-Instruct on the CPU, baseline against fine-tuned
# on val, the guide's suite and the held-out requests.
# The server keeps running afterwards so the Web UI (http://localhost:8233) keeps the run's history;
# `npx tooltune server stop` stops it. Extra arguments go to `tooltune run` (for example --json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node bin/tooltune.mjs run specs/examples/cpu-demo.yaml "$@"
