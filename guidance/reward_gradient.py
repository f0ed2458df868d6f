"""v = grad log w(x0): the only place that differentiates the reward path.

ComfyUI runs prompts under torch.inference_mode(); tensors made there cannot be
saved for backward, so the gradient is taken inside inference_mode(False) +
enable_grad() on a fresh (normal) copy of x0.
"""
from __future__ import annotations

import torch

from .checks import check_log_w_values


def compute_dtype_for(dtype: torch.dtype) -> torch.dtype:
    """Guidance arithmetic runs in float32 (float64 when the caller works in float64)."""
    return torch.float64 if dtype == torch.float64 else torch.float32


def grad_log_w(log_w, x0: torch.Tensor, dtype: torch.dtype | None = None):
    """Return (log w(x0) [B], d log w / d x0 like x0), both detached, in `dtype`."""
    dtype = dtype or compute_dtype_for(x0.dtype)
    with torch.inference_mode(False), torch.enable_grad():
        x = x0.detach().to(dtype).clone().requires_grad_(True)
        values = check_log_w_values(log_w(x), x.shape[0])
        if not values.requires_grad:
            raise ValueError("log_w must be differentiable in its input (its result has no grad_fn)")
        (grad,) = torch.autograd.grad(values.sum(), x)
    return values.detach().to(dtype), grad.detach()


def vjp_through(denoiser, log_w, x: torch.Tensor, sigma, dtype: torch.dtype):
    """DPS baseline: grad_x log w(D(x)) = J^T grad log w, by backprop through the denoiser."""
    with torch.inference_mode(False), torch.enable_grad():
        xg = x.detach().clone().requires_grad_(True)
        x0 = denoiser(xg, sigma)
        values = check_log_w_values(log_w(x0.to(dtype)), x.shape[0])
        (grad,) = torch.autograd.grad(values.sum(), xg)
    return values.detach().to(dtype), grad.detach().to(dtype)
