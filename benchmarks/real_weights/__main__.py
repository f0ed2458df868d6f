"""python -m benchmarks.real_weights [--quick] [--sizes 512,1024,768x512] [--out FILE]

Strength and fidelity of the reward path on real decoder weights (TAEF2) and real photos:
latent-gradient size per resolution, what a 30-step guided run does at the default
strengths, and how closely the cheaper decodes (smaller scale, tiles) keep the gradient.
Prints the tables and writes docs/real_weights.md (FILE)."""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

from .config import FULL, QUICK
from .photos import PHOTOS
from .report import COMMAND, calibration_hint, fidelity_table, markdown, strength_table, targets_table
from .run import run_benchmark
from .taef2 import REPO, weights_dir

DOCS = REPO / "docs" / "real_weights.md"
#: One thread: on a shared 2-core machine two threads were up to 6x slower (they wait on each other).
THREADS = 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (about a minute), for checks")
    parser.add_argument("--sizes", help="comma-separated image sizes, 512 or WIDTHxHEIGHT (default: "
                        f"{','.join(FULL.sizes)}; --quick: {','.join(QUICK.sizes)})")
    parser.add_argument("--photos", type=int, help=f"use the first N of {', '.join(PHOTOS)} (default "
                        f"{len(FULL.photos)}; each costs as much as the first)")
    parser.add_argument("--threads", type=int, default=THREADS, help=f"torch threads (default {THREADS})")
    parser.add_argument("--out", type=Path, default=DOCS, help="markdown file to write (default docs/real_weights.md)")
    args = parser.parse_args(argv)
    if not (weights_dir() / "taef2_decoder.pth").exists():
        sys.exit(f"TAEF2 weights not found in {weights_dir()} (set LAGS_WEIGHTS_DIR)")
    torch.set_num_threads(args.threads)
    config = QUICK if args.quick else FULL
    if args.sizes:
        config = replace(config, sizes=tuple(s.strip() for s in args.sizes.split(",") if s.strip()))
    if args.photos:
        config = replace(config, photos=PHOTOS[:args.photos])
    print(f"real-weights benchmark ({'quick' if args.quick else 'full'}): {config.describe()}")
    start, cpu_start = time.perf_counter(), time.process_time()
    rows = run_benchmark(config)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    timing = f"{wall:.0f} s wall, {cpu:.0f} s CPU" + (" (other work shared the cores)" if wall * args.threads > 1.2 * cpu
                                                      else "")
    for text in (strength_table(rows), targets_table(rows), calibration_hint(rows), fidelity_table(rows)):
        print("\n" + text)
    command = COMMAND + " ".join([""] + (argv if argv is not None else sys.argv[1:]))
    machine = (f"{platform.machine()} CPU, {os.cpu_count()} cores, {args.threads} torch thread(s), "
               f"Python {platform.python_version()}, torch {torch.__version__}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(rows, command, machine, config.describe(), timing))
    print(f"\nwrote {args.out}; {timing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
