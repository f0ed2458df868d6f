"""Argument checks shared by the engine: each raises a ValueError naming the argument."""
from __future__ import annotations

import math

import torch


def check_epsilon(epsilon) -> float:
    try:
        eps = float(epsilon)
    except (TypeError, ValueError):
        raise ValueError(f"epsilon must be a positive number, got {epsilon!r}") from None
    if not math.isfinite(eps) or eps <= 0:
        raise ValueError(f"epsilon must be a finite number > 0, got {epsilon!r}")
    return eps


def check_method(method: str, methods) -> str:
    if method not in methods:
        raise ValueError(f"method must be one of {', '.join(methods)}; got {method!r}")
    return method


def per_item_sigma(sigma, batch: int, device) -> torch.Tensor:
    """sigma as a float64 [B] tensor; a scalar or [1] is broadcast, non-finite rejected."""
    sigma = torch.as_tensor(sigma).detach().to(device=device, dtype=torch.float64).flatten()
    if sigma.numel() == 1:
        sigma = sigma.expand(batch)
    if sigma.numel() != batch:
        raise ValueError(f"sigma must be a scalar or have one value per item ({batch}), got {sigma.numel()} values")
    if not torch.isfinite(sigma).all() or (sigma < 0).any():
        raise ValueError(f"sigma must be finite and >= 0, got {sigma.tolist()}")
    return sigma


def check_alpha(alpha, batch: int, device) -> torch.Tensor:
    alpha = torch.as_tensor(alpha).detach().to(device=device, dtype=torch.float64).flatten()
    if alpha.numel() == 1:
        alpha = alpha.expand(batch)
    if alpha.numel() != batch or not torch.isfinite(alpha).all() or (alpha < 0).any() or (alpha > 1).any():
        raise ValueError(f"schedule must return alpha in [0, 1], one per item; got {alpha.tolist()}")
    return alpha


def check_log_w_values(values, batch: int) -> torch.Tensor:
    if not isinstance(values, torch.Tensor):
        raise ValueError(f"log_w must return a tensor of shape [{batch}], got {type(values).__name__}")
    if values.shape != (batch,):
        raise ValueError(f"log_w must return one value per item, shape [{batch}]; got shape {list(values.shape)}")
    return values


def check_skip_below(skip_below) -> float:
    value = float(skip_below)
    if math.isnan(value) or value < 0:
        raise ValueError(f"skip_below must be >= 0, got {skip_below!r}")
    return value
