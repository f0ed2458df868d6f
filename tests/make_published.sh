#!/usr/bin/env bash
# Regenerates what ComfyUI publishes from this pack: the node-spec snapshot, the example
# workflows (example_workflows/*.json; their notes quote docs/performance.md and
# docs/memory.md), their thumbnails (example_workflows/*.jpg), the node sizes the layout
# reserves (tests/node_sizes.json) and the help pages' chart pictures (web/docs/images/).
# Needs COMFYUI_PATH, Node.js with playwright-core (npm ci in tests/e2e) and Chromium.
#   COMFYUI_PATH=/path/to/ComfyUI bash tests/make_published.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${COMFYUI_PATH:?set COMFYUI_PATH to a ComfyUI checkout}"
export PYTHON="${PYTHON:-$PWD/.venv/bin/python}"  # the browser test starts ComfyUI with it
"$PYTHON" tests/host/make_node_specs.py
workflows() { "$PYTHON" tests/make_workflows.py && "$PYTHON" tests/make_learned_workflows.py; }
browser() { (cd tests/e2e && LAGS_UPDATE_THUMBNAILS=1 node --test --test-reporter=spec published_workflows.test.mjs); }
workflows
# The first browser run measures the pack's node sizes in the frontend (it may report overlaps
# when they changed); the workflows are laid out again with them, and the second run must pass.
browser || echo "first pass: node sizes measured; laying the workflows out again"
workflows
browser
