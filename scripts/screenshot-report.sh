#!/usr/bin/env bash
# Screenshot of a run's report.html with headless Chromium (Debian package `chromium`), for docs and reviews.
# Usage: scripts/screenshot-report.sh <run folder | report.html> [out.png] [width] [height]
#   e.g. scripts/screenshot-report.sh artifacts/runs/demo-20261129-120000-ab12 docs/report-screenshot.png
# Install the browser once with: apt-get install -y chromium
set -euo pipefail
src="${1:?usage: scripts/screenshot-report.sh <run folder | report.html> [out.png] [width] [height]}"
out="${2:-report-screenshot.png}"
width="${3:-1280}"
height="${4:-4000}"
if [[ -d "$src" ]]; then src="$src/report.html"; fi
if [[ ! -f "$src" ]]; then
  echo "screenshot-report: $src not found (run \`npx tooltune report <run folder>\` to make it)" >&2
  exit 1
fi
browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser="$b"; break; fi
done
if [[ -z "$browser" ]]; then
  echo "screenshot-report: no Chromium found; install it with: apt-get install -y chromium" >&2
  exit 1
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
abs_src="$(cd "$(dirname "$src")" && pwd)/$(basename "$src")"
abs_out="$(mkdir -p "$(dirname "$out")" && cd "$(dirname "$out")" && pwd)/$(basename "$out")"
"$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
  --window-size="$width,$height" --screenshot="$abs_out" "file://$abs_src" >/dev/null 2>&1
[[ -s "$abs_out" ]] || { echo "screenshot-report: Chromium wrote no screenshot" >&2; exit 1; }
echo "$abs_out"
