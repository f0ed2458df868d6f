"""python -m benchmarks.toy2d [--quick] [--out-dir DIR]: run the 2-D benchmark, print the
table and write DIR/benchmark_2d.md and DIR/benchmark_2d.png (DIR defaults to docs/)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from ..markdown import extract_block
from .config import FULL, QUICK
from .report import SENSITIVITY_BLOCK, markdown, plot, results_table, targets_table
from .run import run_benchmark

DOCS = Path(__file__).resolve().parents[2] / "docs"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.toy2d", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (seconds), for tests")
    parser.add_argument("--out-dir", type=Path, default=DOCS, help="where the .md and .png go (default: docs/)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    start = time.perf_counter()
    config = QUICK if args.quick else FULL
    print(f"2-D benchmark ({'quick' if args.quick else 'full'}): {config.describe()}")
    result = run_benchmark(config)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    md_path, png_path = args.out_dir / "benchmark_2d.md", args.out_dir / "benchmark_2d.png"
    kept = extract_block(md_path.read_text(), SENSITIVITY_BLOCK) if md_path.exists() else None
    plot(result, png_path)
    md_path.write_text(markdown(result, png_path.name, kept))
    print(results_table(result))
    print(f"\nnoise floor (q vs q): {result.noise_floor[0]:.4f} ± {result.noise_floor[1]:.4f}; "
          f"best DPS-style a = {result.best_dps_alpha:g}")
    print(targets_table(result))
    print(f"\nwrote {md_path} and {png_path} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
