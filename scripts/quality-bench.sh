#!/usr/bin/env bash
# Held-out quality of one demo setting, outside Temporal (docs/QUALITY.md): writes the dataset a spec would
# train on (with its held-out cases), fine-tunes and predicts with python-activities/bench/bench_quality.py,
# and scores val, the suite and the held-out cases with `tooltune score`.
# Usage: scripts/quality-bench.sh <spec.yaml> <out-dir> [bench_quality.py options: --package --lr --epochs --rank ...]
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
# The second, third and fourth held-out sets (specs/holdout/mcp-holdout-{2,3,4}.jsonl), rendered like the first.
(cd "$root" && npx tsx -e 'import { HOLDOUT_2_FILE, HOLDOUT_3_FILE, HOLDOUT_4_FILE, writeHoldoutCases } from "./lib/holdout/holdout-cases";
const data = process.argv[process.argv.length - 1];
for (const [n, holdoutPath] of [[2, HOLDOUT_2_FILE], [3, HOLDOUT_3_FILE], [4, HOLDOUT_4_FILE]] as const)
  void writeHoldoutCases({ holdoutPath, toolsPath: `${data}/tools.json`, promptTools: "none", outPath: `${data}/holdout${n}_cases.jsonl` });' "$out/data")
start=$(date +%s)
"$root/python-activities/.venv/bin/python" "$root/python-activities/bench/bench_quality.py" \
  --data "$out/data" --out "$out/run" "$@"
echo "wall time: $(( $(date +%s) - start )) s"
for set in val suite holdout holdout2 holdout3 holdout4; do
  [ -f "$out/run/pred-${set}_cases.jsonl" ] || continue
  npx --prefix "$root" tooltune score --cases "$out/data/${set}_cases.jsonl" --predictions "$out/run/pred-${set}_cases.jsonl" \
    --tools "$out/data/tools.json" --json > "$out/run/score-$set.json" || true
  node -e 'const r=require(process.argv[1]);const d=r.detection;console.log(`${process.argv[2]}: tool ${(r.tool_accuracy*100).toFixed(1)} % param ${(r.param_accuracy*100).toFixed(1)} % detection ${(r.tool_detection*100).toFixed(1)} % false calls ${d.false_calls}/${d.no_tool_cases}`)' \
    "$out/run/score-$set.json" "$set"
done
