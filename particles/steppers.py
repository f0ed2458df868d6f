"""Stochastic samplers written as a Gaussian transition: x' = mean(x, D) + std * xi.

SMC needs the transition density of each step, with and without guidance: guidance only
changes D (the denoised estimate), so the proposal's mean is mean(x, D_q) and the reference's
is mean(x, D) with the same std. Every sampler works in VE coordinates (y = x0 + s n, s the
family's noise level), which covers flow models too (y = x / (1 - sigma), s = sigma / (1 - sigma)).
s = inf (a flow model at sigma = 1, pure noise) is allowed as the first level.

Only stochastic samplers are offered: after resampling, duplicated particles must be able to
part ways, which a deterministic (ODE) sampler never lets them do.
"""
from __future__ import annotations

import math


def _ratio(a: float, b: float) -> float:
    """a / b with b = inf giving 0 (the noise level of pure noise)."""
    return 0.0 if math.isinf(b) else a / b


class EulerAncestral:
    """Euler ancestral (eta = 1): step down to s_down deterministically, then add noise back
    up to s_next; the same method as ComfyUI's euler_ancestral for EPS models."""

    name = "euler_ancestral"
    uses_history = False

    def __init__(self, eta: float = 1.0):
        self.eta = eta

    def _down_up(self, s: float, s_next: float) -> tuple[float, float]:
        if s_next == 0:
            return 0.0, 0.0
        up = min(s_next, self.eta * math.sqrt(max(s_next**2 * (1 - _ratio(s_next, s) ** 2), 0.0)))
        return math.sqrt(max(s_next**2 - up**2, 0.0)), up

    def mean(self, y, d, d_old, s, s_next, h_last):
        keep = _ratio(self._down_up(s, s_next)[0], s)  # share of y kept: s_down / s
        return d if keep == 0 else keep * y + (1 - keep) * d

    def noise_std(self, s: float, s_next: float) -> float:
        return self._down_up(s, s_next)[1]

    def log_step(self, s: float, s_next: float) -> float | None:
        return None


class DpmPP2MSde:
    """DPM-Solver++(2M) SDE (eta = 1, midpoint correction from the previous step's denoised),
    the same method as ComfyUI's dpmpp_2m_sde, with Gaussian noise per step."""

    name = "dpmpp_2m_sde"
    uses_history = True

    def __init__(self, eta: float = 1.0):
        self.eta = eta

    def log_step(self, s: float, s_next: float) -> float | None:
        """h = log(s / s_next) (inf from pure noise), None for the last step to 0."""
        return None if s_next == 0 else (math.inf if math.isinf(s) else math.log(s / s_next))

    def mean(self, y, d, d_old, s, s_next, h_last):
        if s_next == 0:
            return d
        h = self.log_step(s, s_next)
        eta_h = self.eta * h
        keep = _ratio(s_next, s) * math.exp(-eta_h)
        towards = -math.expm1(-h - eta_h)
        out = d if keep == 0 else keep * y + towards * d
        if d_old is not None and h_last and not math.isinf(h_last) and not math.isinf(h):  # h_last 0: repeated sigma
            out = out + 0.5 * towards * (h / h_last) * (d - d_old)
        return out

    def noise_std(self, s: float, s_next: float) -> float:
        if s_next == 0:
            return 0.0
        return s_next * math.sqrt(-math.expm1(-2 * self.eta * self.log_step(s, s_next)))


STEPPERS = {cls.name: cls for cls in (EulerAncestral, DpmPP2MSde)}
STEPPERS["dpmpp_2m_sde_gpu"] = DpmPP2MSde  # the same method (ComfyUI draws its noise on the GPU)
#: ComfyUI sampler names that can run with particles.
SUPPORTED_SAMPLERS = tuple(STEPPERS)


def stepper_for(sampler_name: str):
    try:
        return STEPPERS[sampler_name]()
    except KeyError:
        raise ValueError(f"particles need a stochastic sampler this pack implements as an SMC transition: "
                         f"{', '.join(SUPPORTED_SAMPLERS)}; got {sampler_name!r}. Deterministic samplers (euler, "
                         "dpmpp_2m, ...) cannot separate resampled copies of a particle.") from None
