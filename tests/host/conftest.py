"""In-host tests: real ComfyUI in-process. They SKIP (with the reason shown by -ra) when
COMFYUI_PATH is not set. The harness lives in harness.py (test-only, never shipped)."""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


def pytest_collection_modifyitems(config, items):
    if harness.COMFYUI_PATH:
        return
    here = Path(__file__).resolve().parent
    skip = pytest.mark.skip(reason=harness.SKIP_REASON)
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def host():
    if not harness.COMFYUI_PATH:
        pytest.skip(harness.SKIP_REASON)
    return harness.boot()
