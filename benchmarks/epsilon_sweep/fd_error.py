"""Relative error of the engine's finite-difference J v against autograd's, in float64."""
from __future__ import annotations

import math

import torch

from guidance.engine import lags_direction
from guidance.reward_gradient import compute_dtype_for


def fd_jvp(denoiser, x: torch.Tensor, sigma: torch.Tensor, v: torch.Tensor, epsilon: float,
           denoiser_dtype: torch.dtype | None = None) -> torch.Tensor:
    """J v exactly as guided_denoise computes it for method="lags" (D(x) taken from the same denoiser)."""
    dtype = compute_dtype_for(x.dtype)
    sigma_in = sigma.to(torch.float32 if x.dtype != torch.float64 else torch.float64)  # as a host passes it
    with torch.no_grad():
        d0 = denoiser(x, sigma_in)
        return lags_direction(denoiser, x, sigma_in, sigma.to(dtype), d0, v.to(dtype), epsilon, dtype, denoiser_dtype)


def exact_jvp(reference, x64: torch.Tensor, sigma: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Forward-mode J v of the float64 reference denoiser."""
    _, jv = torch.func.jvp(lambda z: reference(z, sigma.double()), (x64,), (v.double(),))
    return jv


def relative_errors(fd: torch.Tensor, exact: torch.Tensor) -> torch.Tensor:
    """Per item ||fd - exact|| / ||exact|| ([B], float64)."""
    diff = (fd.double() - exact).flatten(1).norm(dim=1)
    return diff / exact.flatten(1).norm(dim=1)


def effective_epsilon(x: torch.Tensor, sigma: torch.Tensor, epsilon: float,
                      denoiser_dtype: torch.dtype | None = None) -> torch.Tensor:
    """The engine's step in units of sigma once its round-off floor is applied (per item).

    Mirrors guidance.engine.lags_direction: h = max(epsilon sigma sqrt(d), sqrt(u/2) ||x||),
    u the unit round-off of the dtype the denoiser computes in.
    """
    dim = x[0].numel()
    floor = math.sqrt(torch.finfo(denoiser_dtype or x.dtype).eps / 2) * x.double().flatten(1).norm(dim=1)
    return torch.maximum(torch.full_like(floor, epsilon), floor / (sigma.double() * math.sqrt(dim)))
