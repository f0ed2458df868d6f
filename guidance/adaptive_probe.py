"""Adaptive probe: whether a guided `lags` step pays the finite-difference call for J v (host-free).

J = dD/dx tends to the family's flat-data Jacobian J0 (families.identity_jacobian: I for VE,
I/(1-sigma) for flow) as the noise level falls (VE: J = I + sigma^2 H), so at low noise the
probe's J v is close to J0 v, which costs nothing. Every probing step measures how far apart
they are,

    gap = ||J v - J0 v|| / ||J0 v||   (pooled over the batch: sqrt of the ratio of the sums of squares),

and a later step at a lower level s' skips the probe (uses J0 v, the tweedie direction) while

    gap * s / s' <= threshold        (s: the level of the latest probe)

i.e. the gap may grow at most like 1/level as the noise falls before it is measured again.
That growth allowance is what the exact 2-D mixture (benchmarks/toy2d) needs: its gap is not
monotone in sigma (0.23 at sigma 0.30, back up to 0.61 at sigma 0.10, where the level reaches
its 0.08-wide components), about 1/sigma growth, which the rule never skips past. Where the gap
keeps shrinking (unit-scale data: the in-host exact mixture), each probe licenses a longer
stretch without one. A step at a higher level than the latest probe (restart samplers, a new
pass) always probes; so does every step after a probe whose gap could not be measured.

The choice never removes guidance: unprobed steps are guided with J0 v. threshold 0 probes
every guided step (the method as published).
"""
from __future__ import annotations

import math

import torch

#: Derived from the exact test beds (docs/performance.md, "Adaptive probe"; python -m
#: benchmarks.perf.probe_quality): the largest threshold of the sweep at which, on the 2-D
#: benchmark, W2 moves by less than its subsample sd and samples move no more than halving
#: epsilon moves them (the method's own numerical noise), and the in-host exact bed's gap to
#: exact guidance grows by under 5%. 0.5 moves the 2-D samples as much as doubling epsilon does.
DEFAULT_PROBE_THRESHOLD = 0.4

#: Range the nodes accept. Above 1 the rule would trust J0 v where it is off by more than
#: its own size.
PROBE_THRESHOLD_RANGE = (0.0, 1.0)


def check_probe_threshold(threshold) -> float:
    low, high = PROBE_THRESHOLD_RANGE
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        value = math.nan
    if not low <= value <= high:  # also rejects nan
        raise ValueError(f"probe_threshold must be a number in [{low:g}, {high:g}] (0 = probe every guided "
                         f"step); got {threshold!r}")
    return value


def pooled_gap(jv: torch.Tensor, j0v: torch.Tensor, items: torch.Tensor) -> float:
    """||J v - J0 v|| / ||J0 v|| over the batch items `items` ([B] bool); nan when J0 v is 0 there."""
    if not bool(items.any()):
        return math.nan
    diff = (jv[items] - j0v[items]).double().pow(2).sum()
    ref = j0v[items].double().pow(2).sum()
    gap = float((diff / ref).sqrt()) if float(ref) > 0 else math.nan
    return gap if math.isfinite(gap) else math.nan


class AdaptiveProbe:
    """Per-run state of the choice (one instance per sampling run: a ComfyUI SamplingRun, a
    host-free GuidedDenoiser). `should_probe(level)` before a guided lags step, `observe(level,
    gap)` after a probing one."""

    def __init__(self, threshold: float = DEFAULT_PROBE_THRESHOLD):
        self.threshold = check_probe_threshold(threshold)
        self.level: float | None = None  # level of the latest probe with a measured gap
        self.gap: float | None = None
        self.probed = 0  # guided steps (calls) that probed / did not
        self.skipped = 0

    def should_probe(self, level: float) -> bool:
        if self.threshold == 0 or self.level is None or not level > 0 or level > self.level:
            return True
        return self.gap * self.level / level > self.threshold

    def observe(self, level: float, gap: float) -> None:
        if math.isfinite(gap) and level > 0:
            self.level, self.gap = float(level), float(gap)
        else:
            self.level = self.gap = None

    def count(self, probed: bool) -> None:
        if probed:
            self.probed += 1
        else:
            self.skipped += 1

    def describe(self) -> str:
        return f"adaptive probe (threshold {self.threshold:g}): {self.probed} probed, {self.skipped} not"
