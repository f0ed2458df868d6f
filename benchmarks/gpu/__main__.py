"""COMFYUI_PATH=/path/to/ComfyUI python -m benchmarks.gpu [--cpu-check] [--out FILE]

On a machine with a CUDA GPU: SDXL's exact UNet and VAE (random weights), 1024^2, 30 steps, cfg 5,
fp16; plain KSampler against the LAGS node defaults and each option, through ComfyUI's executor.
Writes wall-time ratios and torch.cuda.max_memory_allocated per option into the GPU block of
docs/performance.md (FILE). --cpu-check runs the same code on CPU at a small size (SDXL's layouts
at a small width, 64 px, 3 steps, fp32) and writes only where --out says."""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

from ..comfy_host import REPO, boot, machine
from ..markdown import replace_block
from .config import CPU_CHECK, DEFAULT
from .report import GPU_BLOCK, results_block

DOCS = REPO / "docs" / "performance.md"
COMMAND = "python -m benchmarks.gpu"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=COMMAND, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cpu-check", action="store_true", help="run on CPU at a small size (a check of the command)")
    p.add_argument("--size", type=int, help="image side in pixels (default 1024; 64 with --cpu-check)")
    p.add_argument("--steps", type=int, help="sampler steps (default 30; 3 with --cpu-check)")
    p.add_argument("--rounds", type=int, help="timed rounds, fastest kept (default 1)")
    p.add_argument("--out", type=Path, help="markdown file whose GPU block is replaced (default "
                                            "docs/performance.md on CUDA; nothing is written with --cpu-check "
                                            "unless given)")
    p.add_argument("--no-write", action="store_true", help="print only")
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if not args.cpu_check and not torch.cuda.is_available():
        sys.exit(f"{COMMAND}: no CUDA GPU here (torch.cuda.is_available() is False); "
                 "--cpu-check runs the command on CPU at a small size")
    config = CPU_CHECK if args.cpu_check else DEFAULT
    overrides = {k: v for k, v in (("image_size", args.size), ("steps", args.steps), ("rounds", args.rounds))
                 if v is not None}
    config = replace(config, **overrides)
    started, load_before = time.perf_counter(), os.getloadavg()
    host = boot(COMMAND, cpu=args.cpu_check)
    from . import models, run

    print(f"LAGS GPU benchmark: {config.describe()}")
    built = models.build(host, config)
    rows = run.run_all(run.GpuBench(host, config, built))
    text = results_block(rows, machine(built.describe(), load_before, cpu=args.cpu_check), config)
    print(text)
    out = args.out or (None if args.cpu_check else DOCS)
    if out is not None and not args.no_write:
        existing = out.read_text() if out.exists() else ""
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(replace_block(existing, GPU_BLOCK, text))
        print(f"wrote the GPU block of {out}")
    print(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
