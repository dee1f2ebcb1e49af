#!/usr/bin/env bash
# Held-out quality of one spec, outside Temporal (docs/QUALITY.md): writes the dataset the spec would train on
# (with its held-out cases), fine-tunes with the spec's model, LoRA and training settings and predicts with
# python-activities/bench/bench_quality.py, and scores val, the suite and the held-out cases with `tooltune score`.
# Usage: scripts/quality-bench.sh <spec.yaml> <out-dir> [bench_quality.py flags that override the spec: --lr --epochs --rank ...]
set -euo pipefail
spec=$1; out=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The activities keep every path inside the workers' roots: here, the output folder's parent and the project.
export TOOLTUNE_ARTIFACTS_ROOT=${TOOLTUNE_ARTIFACTS_ROOT:-$(dirname "$out")}
export TOOLTUNE_INPUT_ROOTS=${TOOLTUNE_INPUT_ROOTS:-$root:$(dirname "$out")}
export TOOLTUNE_CACHE_DIR=${TOOLTUNE_CACHE_DIR:-$(dirname "$out")/.cache}
npx --prefix "$root" tooltune dataset "$spec" --out "$out/data" >/dev/null
# The spec with its defaults filled in, as the workflow sees it: bench_quality.py takes its settings from it.
npx --prefix "$root" tooltune validate "$spec" --json > "$out/spec.json"
# The blind held-out files (specs/holdout/mcp-holdout-{2,3,4}.jsonl) beside the spec's own, rendered with the spec's
# prompt; when the spec's own is one of them, its copy (holdout_cases.jsonl) goes, so nothing is predicted twice.
(cd "$root" && npx tsx -e 'import { rmSync } from "node:fs";
import { SCORED_HOLDOUT_FILES, writeHoldoutCases } from "./lib/holdout/holdout-cases";
import { loadSpec } from "./lib/spec/load-spec";
const [specPath, data] = process.argv.slice(-2);
void (async () => {
  const { spec, holdoutFile } = await loadSpec({ specPath });
  for (const [label, holdoutPath] of SCORED_HOLDOUT_FILES) {
    await writeHoldoutCases({ holdoutPath, toolsPath: `${data}/tools.json`, promptTools: spec.dataset.prompt_tools, outPath: `${data}/${label}_cases.jsonl` });
    if (holdoutFile === holdoutPath) rmSync(`${data}/holdout_cases.jsonl`, { force: true });
  }
})();' "$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")" "$out/data")
start=$(date +%s)
"$root/python-activities/.venv/bin/python" "$root/python-activities/bench/bench_quality.py" \
  --data "$out/data" --out "$out/run" --spec "$out/spec.json" "$@"
echo "wall time: $(( $(date +%s) - start )) s"
for pred in "$out"/run/pred-*_cases.jsonl; do
  [ -f "$pred" ] || continue
  set=$(basename "$pred" _cases.jsonl); set=${set#pred-}
  npx --prefix "$root" tooltune score --cases "$out/data/${set}_cases.jsonl" --predictions "$out/run/pred-${set}_cases.jsonl" \
    --tools "$out/data/tools.json" --json > "$out/run/score-$set.json" || true
  node -e 'const r=require(process.argv[1]);const d=r.detection;console.log(`${process.argv[2]}: tool ${(r.tool_accuracy*100).toFixed(1)} % param ${(r.param_accuracy*100).toFixed(1)} % detection ${(r.tool_detection*100).toFixed(1)} % false calls ${d.false_calls}/${d.no_tool_cases}`)' \
    "$out/run/score-$set.json" "$set"
done
