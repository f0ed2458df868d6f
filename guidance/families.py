"""How a model family's sampler sigma relates to the data, and what LAGS adds for it.

The engine works in ComfyUI's k-diffusion space, where the sampler calls D(x, sigma) ~ E[x0 | x].
Two relations between x and x0 cover every image model ComfyUI v0.8.0 samples:

| family | x given x0 | E[x0 given x] | noise level alpha sees | D_q - D | J when H ~ 0 |
|---|---|---|---|---|---|
| VE: EPS, V_PREDICTION, EDM, X0, IMG_TO_IMG, LCM, COSMOS_RFLOW | x0 + sigma n | x + sigma^2 grad log p | sigma | sigma^2 alpha(sigma) g | I |
| flow: CONST (SD3, Flux, AuraFlow, Lumina, HiDream, Chroma, Qwen-Image...) | (1-sigma) x0 + sigma n | (x + sigma^2 grad log p) / (1-sigma) | s = sigma/(1-sigma) | sigma^2/(1-sigma) alpha(s) g | I/(1-sigma) |

with g ~ grad log E[w(X0) | x] (LAGS: J v by finite difference; tweedie: the H ~ 0 J times v;
dps: J^T v by backprop) and v = grad log w(D). The flow row follows from x/(1-sigma) = x0 + s n:
a flow model at sigma is a VE model at s, so alpha, the skip threshold and the schedules all see
s, and sigma = 1 (pure noise, s infinite) is never guided.
"""
from __future__ import annotations

import torch


class NoiseFamily:
    """VE: x = x0 + sigma n (the paper's setting)."""

    name = "VE"
    relation = "x = x0 + sigma*n"

    def noise_level(self, sigma: torch.Tensor) -> torch.Tensor:
        """The VE noise level alpha(t) and the skip threshold are evaluated at."""
        return sigma

    def guidable(self, sigma: torch.Tensor) -> torch.Tensor:
        return sigma > 0

    def guidance_scale(self, sigma: torch.Tensor) -> torch.Tensor:
        """D_q = D + guidance_scale(sigma) * alpha * g."""
        return sigma**2

    def identity_jacobian(self, sigma: torch.Tensor) -> torch.Tensor:
        """dD/dx where the data's log-density has no curvature (tweedie's J)."""
        return torch.ones_like(sigma)

    def data_scale(self, sigma: float) -> float:
        """x = data_scale * (x0 + s n) with s = noise_level(sigma): how the sampler's x maps to
        VE coordinates (particles step there)."""
        return 1.0


class FlowFamily(NoiseFamily):
    """Rectified flow (ComfyUI's CONST): x = (1 - sigma) x0 + sigma n, sigma in [0, 1]."""

    name = "flow"
    relation = "x = (1-sigma)*x0 + sigma*n"

    def noise_level(self, sigma):
        return sigma / (1 - sigma).clamp_min(0)  # inf at sigma >= 1

    def guidable(self, sigma):
        return (sigma > 0) & (sigma < 1)

    def guidance_scale(self, sigma):
        return sigma**2 / (1 - sigma)

    def identity_jacobian(self, sigma):
        return 1 / (1 - sigma)

    def data_scale(self, sigma):
        return 1 - sigma


VE = NoiseFamily()
FLOW = FlowFamily()
FAMILIES = {family.name: family for family in (VE, FLOW)}
