"""Runs the browser end-to-end tests (tests/e2e/*.test.mjs) when their tools are present.

They need COMFYUI_PATH, Node.js, Debian's Chromium and playwright-core (npm ci in
tests/e2e); anything missing is a visible skip with the reason.
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent.parent / "e2e"
CHROMIUM = next((p for p in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium") if p and Path(p).exists()), None)

missing = (
    "COMFYUI_PATH is not set" if not os.environ.get("COMFYUI_PATH")
    else "Node.js is not installed" if shutil.which("node") is None
    else "Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)" if CHROMIUM is None
    else "playwright-core is not installed (cd tests/e2e && npm ci)" if not (E2E / "node_modules" / "playwright-core").is_dir()
    else None
)


@pytest.mark.skipif(missing is not None, reason=f"browser end-to-end tests skipped: {missing}")
@pytest.mark.parametrize("suite", sorted(p.name for p in E2E.glob("*.test.mjs")))
def test_browser_end_to_end(suite):
    run = subprocess.run(["node", "--test", "--test-reporter=spec", suite], cwd=E2E,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "ℹ fail 0" in run.stdout and "ℹ skipped 0" in run.stdout, run.stdout[-3000:]
