"""python -m benchmarks.epsilon_sweep [--quick] [--out FILE]: sweep the engine's
finite-difference step and write docs/epsilon_sweep.md (a few minutes on 2 CPU cores)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from guidance.engine import DEFAULT_EPSILON, DEFAULT_SKIP_BELOW
from guidance.sampling import karras_sigmas
from schedulers import PaperAlpha

from .cases import conv_cases, mixture_cases, sweep_case
from .report import markdown

DOCS = Path(__file__).resolve().parents[2] / "docs"
EPSILONS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 2e-2, 5e-2, 1e-1, 2e-1, 3e-1, 1.0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.epsilon_sweep", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a 4x32x32 latent and 6 sigmas (seconds)")
    parser.add_argument("--out", type=Path, default=DOCS / "epsilon_sweep.md")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    start = time.perf_counter()
    sigmas = karras_sigmas(30)[:-1]  # SDXL's 30-step Karras schedule, 14.6 .. 0.029
    if args.quick:
        sigmas = sigmas[::6]
    cases = mixture_cases(64 if args.quick else 256) + conv_cases(32 if args.quick else 128)
    results = {}
    for case in cases:
        print(f"sweeping {case.name} over {len(sigmas)} sigmas", flush=True)
        results[case.name] = sweep_case(case, sigmas.tolist(), EPSILONS)
    guided = (PaperAlpha(10.0)(sigmas) >= DEFAULT_SKIP_BELOW).tolist()
    text = markdown(sigmas.tolist(), guided, EPSILONS, results, DEFAULT_EPSILON, quick=args.quick)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    print(f"wrote {args.out} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
