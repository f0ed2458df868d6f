"""python -m benchmarks.toy2d [--quick] [--out-dir DIR | --update-docs]: run the 2-D benchmark,
print the table and write DIR/benchmark_2d.md and DIR/benchmark_2d.png. DIR defaults to
./lags_demo_output (git-ignored), so a demo run changes no tracked file; --update-docs writes
the committed docs/benchmark_2d.* instead."""
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
DEMO_OUTPUT = Path("lags_demo_output")  # relative to where it runs; .gitignore lists it


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.toy2d", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (seconds), for tests")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out-dir", type=Path, default=DEMO_OUTPUT,
                       help=f"where the .md and .png go (default: ./{DEMO_OUTPUT}/)")
    where.add_argument("--update-docs", action="store_true", help="write them into docs/ (the committed copies)")
    args = parser.parse_args(argv)
    out_dir = DOCS if args.update_docs else args.out_dir
    torch.set_num_threads(1)
    start = time.perf_counter()
    config = QUICK if args.quick else FULL
    print(f"2-D benchmark ({'quick' if args.quick else 'full'}): {config.describe()}")
    result = run_benchmark(config)
    out_dir.mkdir(parents=True, exist_ok=True)
    md_path, png_path = out_dir / "benchmark_2d.md", out_dir / "benchmark_2d.png"
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
