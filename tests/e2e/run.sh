#!/usr/bin/env bash
# Runs the web extension's tests: the pure-JS unit tests (always) and the end-to-end
# test in headless Chromium against a real ComfyUI (when COMFYUI_PATH is set; skipped
# with the reason otherwise). Output (screenshots, trace) goes to tests/e2e/output/.
#   COMFYUI_PATH=/path/to/ComfyUI bash tests/e2e/run.sh
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
cd ../..
node --test tests/js/
node --test --test-reporter=spec tests/e2e/
