"""Regenerate tests/node_specs.json from a live ComfyUI's /object_info.

    COMFYUI_PATH=/path/to/ComfyUI python tests/host/make_node_specs.py

The snapshot holds the input/output specs of every node type the shipped
workflows use (plus a few core nodes they are built from), so tests/test_workflows.py can check the
workflows without a ComfyUI; tests/host/test_node_specs_live.py fails when the
live specs drift from it (then rerun this script and review the diff).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # live_server, workflow_spec (test helpers)

from live_server import REPO, comfy_server  # noqa: E402
from published import published_workflows  # noqa: E402
from workflow_spec import NOTE_TYPES, SNAPSHOT, normalise_node_info  # noqa: E402

PACK_PREFIX = "LAGS"


def workflow_node_types() -> set[str]:
    types = set()
    for path in published_workflows():
        types |= {n["type"] for n in json.loads(path.read_text(encoding="utf-8"))["nodes"]}
    return types - set(NOTE_TYPES)


#: Core nodes the shipped workflows are built from (listed so a fresh checkout,
#: before any workflow exists, still gets them).
CORE_TYPES = {
    "CheckpointLoaderSimple", "CLIPTextEncode", "EmptyLatentImage", "KSampler",
    "VAEDecode", "SaveImage", "PreviewImage", "PrimitiveInt", "PrimitiveFloat", "FluxGuidance",
    "EmptySD3LatentImage",
}


def wanted_types(info: dict) -> set[str]:
    """Only what workflows use: other pack nodes may be absent where their optional
    dependencies are (learned rewards), which must not make the snapshot machine-dependent."""
    return CORE_TYPES | workflow_node_types()


def build_snapshot(info: dict, comfyui_version: str) -> dict:
    missing = sorted(wanted_types(info) - set(info))
    if missing:
        raise SystemExit(f"node types not offered by the live ComfyUI: {missing}")
    return {
        "about": "Input/output specs of the node types the shipped workflows use, "
        "normalised from /object_info by tests/host/make_node_specs.py. Do not edit by hand.",
        "comfyui_version": comfyui_version,
        "nodes": {name: normalise_node_info(info[name]) for name in sorted(wanted_types(info))},
    }


def main() -> None:
    comfyui = os.environ.get("COMFYUI_PATH")
    if not comfyui:
        raise SystemExit("set COMFYUI_PATH to a ComfyUI checkout")
    with comfy_server(comfyui) as server:
        info = server.object_info()
        version = server.system_stats()["system"].get("comfyui_version", "unknown")
        if not any(name.startswith(PACK_PREFIX) for name in info):
            raise SystemExit("the pack's nodes did not load:\n" + server.log_tail())
    snapshot = build_snapshot(info, version)
    SNAPSHOT.write_text(json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT.relative_to(REPO)}: {len(snapshot['nodes'])} node types, ComfyUI {version}")


if __name__ == "__main__":
    main()
