#!/usr/bin/env bash
# Set up a fresh virtual environment and run every test (the README's test command).
# In-host tests run too when COMFYUI_PATH points at a ComfyUI checkout; otherwise they
# are skipped with the reason shown.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${LAGS_VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip
# torch is never a dependency of the pack (users have their CUDA build); on CPU
# machines this exact version is the local CPU wheel.
"$PY" -m pip install -q "torch==2.13.0"
"$PY" -m pip install -q -r requirements-test.txt
# open_clip without its deps: they would pull a CUDA torchvision that cannot load here
# (the tests use a test-only torchvision stand-in when the real one is missing).
"$PY" -m pip install -q --no-deps "open-clip-torch>=2.24"
if [ -n "${COMFYUI_PATH:-}" ]; then
  grep -vE '^(torch|torchvision|torchaudio|kornia|spandrel)([<>=~ ]|$)' "$COMFYUI_PATH/requirements.txt" > "$VENV/comfy-requirements.txt"
  "$PY" -m pip install -q -r "$VENV/comfy-requirements.txt" requests
  # Browser end-to-end tests: playwright-core drives Debian's chromium (apt-get install chromium).
  if command -v npm >/dev/null && [ ! -d tests/e2e/node_modules/playwright-core ]; then
    (cd tests/e2e && npm ci --no-audit --no-fund --silent) || echo "npm ci failed: browser e2e tests will be skipped"
  fi
  export PYTHON="$PWD/$PY"  # the e2e tests start ComfyUI with this interpreter
fi
exec "$PY" -m pytest "$@"
