"""COMFYUI_PATH=/path/to/ComfyUI python -m benchmarks.memory [--quick | --full] [--out FILE]

Peak memory of one reward-gradient evaluation through the pack's reward path, with
ComfyUI's exact SDXL VAE and TAESD architectures (random weights) on CPU: plain autograd at
several sizes (linear fits, extrapolated to 1024^2), fixed decode scales, the new defaults
(decode_scale auto, tiled within the memory budget) for every shipped pixel reward, a
batch, and the time cost of tiling. Prints the tables and writes docs/memory.md (FILE)."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import torch

from .config import DEFAULT, FULL, QUICK

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "memory.md"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="everything at a quarter of the size (about 3 min)")
    size.add_argument("--full", action="store_true",
                      help="also measure directly what the default run derives (1024² full-resolution tiled "
                           "frequency, decode_scale 0.5, batch frequency): tens of minutes")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--no-clip", action="store_true", help="skip the CLIP model activations estimate")
    p.add_argument("--out", type=Path, default=DOCS, help="markdown file to write (default docs/memory.md)")
    p.add_argument("--no-write", action="store_true", help="print only")
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    config = QUICK if args.quick else FULL if args.full else DEFAULT
    started, load_before = time.perf_counter(), os.getloadavg()
    from ..comfy_host import boot, machine

    host = boot("python -m benchmarks.memory")
    torch.set_num_threads(args.threads)  # after the boot: the harness sets one thread for tests
    from . import clip_activations, report, rows
    from .bench import MemoryBench

    print(f"LAGS memory benchmark: {config.describe()}")
    bench = MemoryBench(host, config)
    tables = rows.all_tables(bench)
    clip = None
    if config.clip_arch and not args.no_clip:
        print(f"  CLIP activations: open_clip {config.clip_arch}")
        try:
            clip = clip_activations.measure(config.clip_arch, seed=config.seed)
        except ImportError as e:
            print(f"  skipped: {e}")
    result = report.MemoryReport(config, tables, machine(bench.decoders.describe(), load_before),
                                 bench.default_budget, clip, time.perf_counter() - started)
    text = report.markdown(result)
    print(text)
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
