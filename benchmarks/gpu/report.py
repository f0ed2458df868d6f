"""The GPU block of docs/performance.md (host-free): written by python -m benchmarks.gpu, kept by
python -m benchmarks.perf when it regenerates the rest of the file."""
from __future__ import annotations

from ..markdown import table

GPU_BLOCK = "gpu"
COMMAND = "COMFYUI_PATH=/path/to/ComfyUI python -m benchmarks.gpu"
CPU_CHECK_COMMAND = "COMFYUI_PATH=/path/to/ComfyUI python -m benchmarks.gpu --cpu-check --out FILE"
HEADERS = ["option", "guided steps", "steps with a probe", "wall s", "× plain (wall)",
           "peak GiB (torch.cuda.max_memory_allocated)", "peak above plain GiB"]
INTRO = (f"`{COMMAND}` on a machine with a CUDA GPU: SDXL's exact UNet and VAE architectures (random weights; "
         "the UNet adds the N(0, I) prior's exact eps so that sampling denoises), TAESD for SDXL and a "
         "ViT-H/14-shaped tower as a PickScore-sized reward, through ComfyUI's executor (core KSampler and "
         "LAGS Weighted Sampler), 1024², 30 steps euler/karras, cfg 5, fp16 UNet; one warm-up of every option "
         "first; wall time of the whole prompt with CUDA synchronised, peak memory by "
         "`torch.cuda.max_memory_allocated` (reset before each option; the UNet's weights included). It "
         "rewrites only this block. The command itself is tested on CPU at a small size "
         f"(`{CPU_CHECK_COMMAND}`, `tests/host/test_gpu_benchmark.py`).")


def not_run_block(reason: str, options=None) -> str:
    """reason: why not, e.g. "not run: no GPU lent to this task"."""
    from .config import VARIANTS

    rows = [[v.label, "-", "-", "not run", "not run", "not run", "-"] for v in (options or VARIANTS)]
    return "\n\n".join(["## GPU", f"**{reason[0].upper()}{reason[1:]}.** {INTRO}", table(HEADERS, rows)])


def _gib(nbytes) -> str:
    return "-" if nbytes is None else f"{nbytes / 2**30:.2f}"


def results_block(rows: list, machine: dict, config) -> str:
    plain = next(r for r in rows if r.plain)
    body = []
    for r in rows:
        above = None if r.peak is None or plain.peak is None else r.peak - plain.peak
        body.append([r.label, "-" if r.plain else r.guided, "-" if r.plain else r.probed, f"{r.wall:.2f}",
                     f"{r.wall / plain.wall:.2f}×", _gib(r.peak), "-" if r.plain else _gib(above)])
    lines = [f"- {k}: {v}" for k, v in machine.items()] + [f"- Run: {config.describe()}."]
    return "\n\n".join(["## GPU", INTRO, "\n".join(lines), table(HEADERS, body)])
