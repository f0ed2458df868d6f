"""The paper's alpha(t) set by where guidance starts, as a percentage of the sampler's steps.

"Starts at p %" means: alpha reaches half strength at the point p % of the way through the
steps (the point where LAGS Schedule (hard gate) with the same c opens), so
c = level(p)^-4 with level(p) the noise level alpha sees there, interpolated between the two
steps around it. Guidance ramps up around that point: about 1/10 strength where c level^4 = 9,
about 9/10 where it is 1/9. 0 % is half strength at the first step (full guidance almost
from the start); 100 % is never.
"""
from __future__ import annotations

import math

import torch

from .alpha import AlphaSchedule, PaperAlpha, _Never


def check_percent(percent: float) -> float:
    percent = float(percent)
    if not math.isfinite(percent) or not 0.0 <= percent <= 100.0:
        raise ValueError(f"start percent must be a number from 0 to 100, got {percent!r}")
    return percent


def level_at_percent(levels, percent: float) -> float:
    """The noise level p % of the way through the steps of `levels` (the sampler's list, ending
    with its final level, usually 0), linear between the two steps around it."""
    levels = torch.as_tensor(levels).detach().to(torch.float64).flatten()
    steps = max(int(levels.numel()) - 1, 0)
    if steps == 0:
        return math.nan
    position = check_percent(percent) / 100.0 * steps
    below = min(int(math.floor(position)), steps - 1)
    frac = position - below
    hi, lo = float(levels[below]), float(levels[below + 1])
    if math.isinf(hi):  # flow models' first step (sigma = 1) is at infinite level
        return math.inf if frac == 0 else lo
    return hi + frac * (lo - hi)


def c_for_start(levels, percent: float) -> float:
    """The c of alpha = 1 / (1 + c level^4) that is 1/2 at `percent` of the steps: 0 where that
    level is infinite (full strength everywhere), inf where it is 0 (never)."""
    level = level_at_percent(levels, percent)
    if math.isnan(level):
        return math.nan
    if level <= 0.0:
        return math.inf
    return level ** -4.0


class StartPercentAlpha(AlphaSchedule):
    """alpha(t) = 1/(1 + c level^4) with c from the start percent, once bound to the sampler's
    levels; unbound (a sampler that does not tell its steps) it is PaperAlpha(unbound_c)."""

    needs_sigmas = True

    def __init__(self, percent: float, unbound_c: float = 10.0):
        self.percent = check_percent(percent)
        self.unbound_c = float(unbound_c)
        self.unbound_behaviour = f"using alpha(t) with c = {self.unbound_c:g}"

    def bind(self, sigmas) -> AlphaSchedule:
        c = c_for_start(sigmas, self.percent)
        if math.isnan(c):
            return PaperAlpha(self.unbound_c)
        if math.isinf(c):
            return _NeverFromStart(self.percent)
        return _BoundStart(self.percent, c)

    def alpha(self, sigma):
        return PaperAlpha(self.unbound_c).alpha(sigma)

    def describe(self):
        return f"alpha(t), starts at {self.percent:g}% of the steps"


class _BoundStart(PaperAlpha):
    def __init__(self, percent: float, c: float):
        super().__init__(c)
        self.percent = percent

    def describe(self):
        return f"alpha(t), starts at {self.percent:g}% of the steps (c={self.c:.4g})"


class _NeverFromStart(_Never):
    def __init__(self, percent: float):
        self.percent = percent

    def describe(self):
        return f"alpha(t), starts at {self.percent:g}% of the steps (never)"
