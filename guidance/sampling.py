"""Minimal k-diffusion style samplers in sigma-space, for the host-free test bed.

(In ComfyUI the host's own samplers step with the guided denoiser instead.)
"""
from __future__ import annotations

import torch

from .adaptive_probe import DEFAULT_PROBE_THRESHOLD, AdaptiveProbe
from .engine import DEFAULT_EPSILON, DEFAULT_SKIP_BELOW, guided_denoise
from .families import VE


def karras_sigmas(steps: int, sigma_min: float = 0.0292, sigma_max: float = 14.6146, rho: float = 7.0):
    """Karras et al. (2022) schedule, ending with 0 (SDXL's sigma range by default)."""
    ramp = torch.linspace(0, 1, steps, dtype=torch.float64)
    lo, hi = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
    sigmas = (hi + ramp * (lo - hi)) ** rho
    return torch.cat([sigmas, sigmas.new_zeros(1)])


def sample_euler(denoise, x: torch.Tensor, sigmas: torch.Tensor) -> torch.Tensor:
    """Probability-flow ODE, Euler steps: x <- x + (s' - s) (x - D(x, s)) / s."""
    for s, s_next in zip(sigmas[:-1], sigmas[1:]):
        sigma = torch.full((x.shape[0],), float(s), dtype=torch.float64)
        d = (x - denoise(x, sigma)) / float(s)
        x = x + d * float(s_next - s)
    return x


def sample_heun(denoise, x: torch.Tensor, sigmas: torch.Tensor) -> torch.Tensor:
    """Heun's 2nd-order method (EDM Algorithm 1 without churn); Euler on the last step."""
    for s, s_next in zip(sigmas[:-1], sigmas[1:]):
        sigma = torch.full((x.shape[0],), float(s), dtype=torch.float64)
        d = (x - denoise(x, sigma)) / float(s)
        x_next = x + d * float(s_next - s)
        if float(s_next) > 0:
            sigma_n = torch.full((x.shape[0],), float(s_next), dtype=torch.float64)
            d_next = (x_next - denoise(x_next, sigma_n)) / float(s_next)
            x_next = x + 0.5 * (d + d_next) * float(s_next - s)
        x = x_next
    return x


class GuidedDenoiser:
    """denoise(x, sigma) -> D_q for a sampler, keeping the per-call diagnostics. One instance per
    sampling run: it holds the run's adaptive-probe state (probe_threshold 0: probe every step)."""

    def __init__(self, denoiser, log_w, schedule, method="lags", epsilon=DEFAULT_EPSILON,
                 skip_below=DEFAULT_SKIP_BELOW, probe_threshold=DEFAULT_PROBE_THRESHOLD, family=VE):
        self.denoiser, self.log_w, self.schedule = denoiser, log_w, schedule
        self.method, self.epsilon, self.skip_below, self.family = method, epsilon, skip_below, family
        self.probe = AdaptiveProbe(probe_threshold)
        self.history = []

    def guide(self, x, sigma):
        """One guided_denoise call with this run's settings and probe state."""
        return guided_denoise(self.denoiser, self.log_w, x, sigma, self.schedule, method=self.method,
                              epsilon=self.epsilon, skip_below=self.skip_below, probe_policy=self.probe,
                              family=self.family)

    def __call__(self, x, sigma):
        result = self.guide(x, sigma)
        self.history.append(result.diagnostics)
        return result.denoised

    @property
    def num_guarded(self) -> int:
        return sum(d.num_guarded for d in self.history)


def particle_log_w(result, log_w, everywhere: bool):
    """(log w [B], evaluated [B]) of one guided call for particles: the engine's values where it
    guided; with `everywhere` (the last noisy step, whose weights need every particle) log w(D) of
    the other items too, scored as a whole batch (an inpainting composite needs every item)."""
    d = result.diagnostics
    values, evaluated = d.log_w.clone(), d.guided.clone()
    if everywhere and not bool(evaluated.all()):
        reference = result.denoised if result.update is None else result.denoised - result.update
        with torch.no_grad():
            values = torch.where(evaluated, values, log_w(reference).to(values))
        evaluated = torch.ones_like(evaluated)
    return values, evaluated


class TwistedDenoiser(GuidedDenoiser):
    """For particles (particles.smc_sample): (D_q, D_q - D, log w(x0_bar), alpha, evaluated) per
    call; log w is evaluated where the step was guided and, at the last noisy step (sigma <=
    `final_sigma`), everywhere: the particles' final weights need it."""

    def __init__(self, *args, final_sigma: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.final_sigma = final_sigma

    def __call__(self, x, sigma):
        result = self.guide(x, sigma)
        d = result.diagnostics
        self.history.append(d)
        last = self.final_sigma is not None and float(d.sigma.min()) <= self.final_sigma
        log_w, evaluated = particle_log_w(result, self.log_w, last)
        return result.denoised, result.update, log_w, d.alpha, evaluated
