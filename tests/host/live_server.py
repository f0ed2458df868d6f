"""A throw-away ComfyUI server with this pack installed (test-only).

Starts `main.py --cpu` from COMFYUI_PATH with a temporary --base-directory whose
custom_nodes/ holds a symlink to the repository, so nothing is written into the
ComfyUI checkout and no models are visible (folder-listing combos come back
empty). The torchvision stand-in in tests/host/stubs is put on PYTHONPATH only
when a real torchvision cannot be imported.
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STUBS = Path(__file__).resolve().parent / "stubs"
PACK_FOLDER = "ComfyUI-LAGS"
START_TIMEOUT_S = 180


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _needs_torchvision_stand_in() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import torchvision"], capture_output=True)
    return probe.returncode != 0


def _get_json(url: str, timeout: float = 30.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


@dataclass
class LiveServer:
    url: str
    log_path: Path

    def object_info(self) -> dict:
        return _get_json(self.url + "/object_info", timeout=120)

    def system_stats(self) -> dict:
        return _get_json(self.url + "/system_stats")

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]


@contextlib.contextmanager
def comfy_server(comfyui_path: str | os.PathLike, pack_root: Path = REPO):
    """Yield a LiveServer while ComfyUI runs; stop it (by its pid) afterwards."""
    comfyui_path = Path(comfyui_path)
    with tempfile.TemporaryDirectory(prefix="lags-comfy-") as base:
        custom_nodes = Path(base) / "custom_nodes"
        custom_nodes.mkdir()
        (custom_nodes / PACK_FOLDER).symlink_to(pack_root, target_is_directory=True)
        env = dict(os.environ)
        if _needs_torchvision_stand_in():
            env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(STUBS)) if p)
        port = _free_port()
        log_path = Path(base) / "server.log"
        command = [
            sys.executable, str(comfyui_path / "main.py"), "--cpu", "--listen", "127.0.0.1",
            "--port", str(port), "--disable-auto-launch", "--disable-api-nodes", "--base-directory", base,
        ]
        with open(log_path, "w") as log:
            process = subprocess.Popen(command, cwd=comfyui_path, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"ComfyUI exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
                try:
                    _get_json(url + "/system_stats", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"ComfyUI did not answer in {START_TIMEOUT_S}s:\n{log_path.read_text()[-4000:]}")
                    time.sleep(0.5)
            yield LiveServer(url, log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
