"""Real ComfyUI in-process for the benchmarks (the test harness in tests/host), and the machine
lines their reports start with (shared by benchmarks.perf, .memory and .gpu)."""
from __future__ import annotations

import logging
import os
import platform
import resource
import sys
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]


def boot(command: str, cpu: bool = True):
    """harness.boot() with core nodes' missing-dependency tracebacks silenced and no progress
    bars; exits with a message naming `command` when COMFYUI_PATH is not set."""
    if not os.environ.get("COMFYUI_PATH"):
        sys.exit(f"COMFYUI_PATH is not set: point it at a ComfyUI checkout, e.g. COMFYUI_PATH=/work/ComfyUI {command}")
    sys.path.insert(0, str(REPO / "tests" / "host"))
    import harness

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # core nodes whose optional dependencies are missing log tracebacks
    try:
        host = harness.boot(cpu=cpu)
    finally:
        root.setLevel(level)
    import comfy.utils

    comfy.utils.PROGRESS_BAR_ENABLED = False  # no tqdm bars between the log lines (same for every variant)
    return host


def cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
                platform.processor() or "?")


def machine(models: str, load_before, cpu: bool = True) -> dict:
    try:
        import comfyui_version

        comfy = comfyui_version.__version__
    except ImportError:
        comfy = "?"
    load_after = os.getloadavg()
    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else "none (torch.cuda.is_available() is False)"
    return {
        "CPU": f"{cpu_name()}, {os.cpu_count()} cores, torch.set_num_threads({torch.get_num_threads()})",
        "Software": f"Python {platform.python_version()}, torch {torch.__version__}, ComfyUI {comfy} "
                    f"({'--cpu, ' if cpu else ''}in-process)",
        "Load average (1 min) before / after": f"{load_before[0]:.1f} / {load_after[0]:.1f} "
                                               "(other jobs share this machine)",
        "Models": models,
        "Process peak RSS": f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB over the whole "
                            "benchmark (resource.getrusage ru_maxrss: models, ComfyUI, allocator caches)",
        "GPU": gpu,
    }
