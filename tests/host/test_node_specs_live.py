"""tests/node_specs.json equals what a live ComfyUI with this pack reports.

When this fails, a node's inputs changed (here or in ComfyUI): rerun
`COMFYUI_PATH=... python tests/host/make_node_specs.py`, review the diff, and
check the workflows still pass tests/test_workflows.py.
"""
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.append(str(HERE.parent))  # tests/: the workflow helpers

from live_server import comfy_server  # noqa: E402
from make_node_specs import PACK_PREFIX, wanted_types  # noqa: E402
from workflow_spec import load_specs, normalise_node_info  # noqa: E402

COMFYUI_PATH = os.environ.get("COMFYUI_PATH", "")
pytestmark = pytest.mark.skipif(not COMFYUI_PATH, reason="COMFYUI_PATH is not set: the live-spec check needs a "
                                "ComfyUI checkout, e.g. COMFYUI_PATH=/work/ComfyUI python -m pytest tests/host")


@pytest.fixture(scope="module")
def live_info():
    with comfy_server(COMFYUI_PATH) as server:
        info = server.object_info()
        log = server.log_tail()
    assert any(name.startswith(PACK_PREFIX) for name in info), "the pack did not load:\n" + log
    return info


def _without_folder_listings(live: dict, stored: dict) -> dict:
    """Model-file combos list whatever the machine has; the snapshot keeps them empty."""
    for live_input, stored_input in zip(live["inputs"], stored["inputs"]):
        if stored_input.get("file_list") and live_input.get("type") == "COMBO":
            live_input.update(options=[], file_list=True)
    return live


def test_every_needed_node_type_is_in_the_snapshot(live_info):
    assert sorted(wanted_types(live_info) - set(load_specs())) == []


@pytest.mark.parametrize("node_type", sorted(load_specs()))
def test_snapshot_matches_live_object_info(live_info, node_type):
    stored = load_specs()[node_type]
    assert node_type in live_info, f"{node_type} is no longer offered by ComfyUI"
    live = _without_folder_listings(normalise_node_info(live_info[node_type]), stored)
    assert live == stored
