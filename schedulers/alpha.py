"""alpha(sigma) schedules for LAGS.

The paper's schedule is alpha(t) = abar^2 / (abar^2 + c (1 - abar)^2). For VP models
ComfyUI's sigma satisfies sigma^2 = (1 - abar) / abar, which turns it into
alpha(sigma) = 1 / (1 + c sigma^4): ~0 while noise is high, -> 1 as sigma -> 0.

Every schedule maps a [B] tensor of sigmas to a [B] tensor in [0, 1] and is finite
for sigma = 0 and sigma = inf.
"""
from __future__ import annotations

import math

import torch


def _check_c(c: float) -> float:
    c = float(c)
    if not math.isfinite(c) or c < 0:
        raise ValueError(f"c must be a finite number >= 0, got {c!r}")
    return c


def _sigma_fourth(sigma: torch.Tensor) -> torch.Tensor:
    # float64 so that sigma^4 neither overflows (fp16) nor loses the small end.
    return sigma.detach().to(torch.float64).abs() ** 4


class AlphaSchedule:
    """Base class: a callable sigma [B] -> alpha [B] in [0, 1]."""

    #: True where the schedule depends on the sampler's steps and needs `bind` to be exact.
    needs_sigmas = False

    #: Sigma schedules can be bound late (e.g. a fraction of the sampler's steps).
    def bind(self, sigmas: torch.Tensor) -> "AlphaSchedule":
        return self

    def alpha(self, sigma: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, sigma: torch.Tensor) -> torch.Tensor:
        sigma = torch.as_tensor(sigma)
        return self.alpha(sigma).to(torch.float64).clamp(0.0, 1.0)

    def describe(self) -> str:
        return type(self).__name__


class PaperAlpha(AlphaSchedule):
    """alpha(sigma) = 1 / (1 + c sigma^4) (the paper's closed form, c = 10 by default)."""

    def __init__(self, c: float = 10.0):
        self.c = _check_c(c)

    def alpha(self, sigma):
        if self.c == 0.0:  # avoids 0 * inf = nan at sigma = inf
            return torch.ones_like(sigma, dtype=torch.float64)
        return 1.0 / (1.0 + self.c * _sigma_fourth(sigma))

    def describe(self):
        return f"alpha(t), c={self.c:g}"


class SigmaGate(AlphaSchedule):
    """Hard 0/1 gate: guidance on (alpha = 1) where sigma <= sigma_max."""

    def __init__(self, sigma_max: float):
        sigma_max = float(sigma_max)
        if math.isnan(sigma_max) or sigma_max < 0:
            raise ValueError(f"sigma_max must be >= 0, got {sigma_max!r}")
        self.sigma_max = sigma_max

    def alpha(self, sigma):
        return (sigma.detach().to(torch.float64).abs() <= self.sigma_max).to(torch.float64)

    def describe(self):
        return f"hard gate, sigma <= {self.sigma_max:.4g}"


class HardGate(SigmaGate):
    """Hard gate at the point where the paper's alpha(t) crosses 1/2: c sigma^4 <= 1."""

    def __init__(self, c: float = 10.0):
        self.c = _check_c(c)
        super().__init__(math.inf if self.c == 0.0 else self.c ** -0.25)

    def describe(self):
        return f"hard gate, c={self.c:g} (sigma <= {self.sigma_max:.4g})"


class StepFractionGate(AlphaSchedule):
    """Guide only the last `fraction` of the sampler's steps.

    Needs the sampler's sigma list: call `bind(sigmas)` (the host does so at sampling
    time); unbound it guides every step.
    """

    needs_sigmas = True
    unbound_behaviour = "guiding every step"

    def __init__(self, fraction: float):
        fraction = float(fraction)
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"fraction must be in [0, 1], got {fraction!r}")
        self.fraction = fraction

    def bind(self, sigmas):
        sigmas = torch.as_tensor(sigmas).detach().to(torch.float64).flatten()
        steps = max(len(sigmas) - 1, 0)  # the last sigma (0) is not a model call
        guided = int(round(self.fraction * steps))
        if guided <= 0:
            return _Never()
        first_guided = steps - guided
        return SigmaGate(float(sigmas[first_guided]))

    def alpha(self, sigma):
        return torch.ones_like(sigma, dtype=torch.float64)

    def describe(self):
        return f"hard gate, last {self.fraction:.0%} of steps"


class _Never(AlphaSchedule):
    def alpha(self, sigma):
        return torch.zeros_like(sigma, dtype=torch.float64)

    def describe(self):
        return "never"


class ConstantAlpha(AlphaSchedule):
    """alpha(sigma) = a for every sigma (DPS-style baselines)."""

    def __init__(self, value: float = 1.0):
        value = float(value)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"constant alpha must be in [0, 1], got {value!r}")
        self.value = value

    def alpha(self, sigma):
        return torch.full_like(sigma, self.value, dtype=torch.float64)

    def describe(self):
        return f"constant {self.value:g}"
