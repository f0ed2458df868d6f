"""Warm-up and interleaved timed rounds, shared by the CPU and GPU benchmarks (host-free)."""
from __future__ import annotations


def interleaved(variants, rounds: int, warmup_steps: int, run, cost, describe, log=print) -> dict:
    """A short untimed run of every variant, then `rounds` rounds running each variant once in turn
    (a burst of load on a shared machine hits all of them alike); per label, the run with the least
    cost(result) is kept. run(variant, steps, round) with steps None for the full run and round
    None for the warm-up; describe(result) -> the log line's numbers."""
    for variant in variants:
        log(f"  warm-up: {variant.label}")
        run(variant, warmup_steps, None)
    best: dict = {}
    for r in range(rounds):
        for variant in variants:
            result = run(variant, None, r)
            log(f"  round {r + 1}/{rounds}: {variant.label}: {describe(result)}")
            if variant.label not in best or cost(result) < cost(best[variant.label]):
                best[variant.label] = result
    return best
