#!/usr/bin/env bash
# Every test, as CI runs them: set up (first time only), type check, lint, the vitest suites (unit,
# workflow with stub activities, and the end-to-end run of specs/examples/tiny.yaml on a real server
# with both workers), then the Python worker's pytest suite (including the kill -9 resume test).
#   scripts/test.sh --fast   skips the slow ones (vitest e2e, pytest -m slow)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

fast=0
[ "${1:-}" = "--fast" ] && fast=1

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "type check"
npx tsc --noEmit -p .
step "lint"
npx eslint .
step "vitest"
if [ "$fast" = 1 ]; then
  npx vitest run
else
  TOOLTUNE_E2E=1 npx vitest run
fi
step "pytest (python-activities)"
if [ "$fast" = 1 ]; then
  python-activities/.venv/bin/python -m pytest -q -m "not slow" python-activities/tests
else
  python-activities/.venv/bin/python -m pytest -q python-activities/tests
fi
