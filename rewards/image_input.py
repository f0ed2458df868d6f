"""Checks shared by pixel rewards: ComfyUI IMAGE layout [B, H, W, C], C >= 3."""
from __future__ import annotations

import math

import torch


def image_rgb(x: torch.Tensor, reward: str) -> torch.Tensor:
    """The RGB channels of an IMAGE tensor in a float dtype the maths needs.

    Half precision is promoted to float32 (torch.fft has no CPU half kernels and
    the colour maths loses too much precision in it); alpha channels are ignored.
    """
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or x.shape[-1] < 3:
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"{reward}: expected an IMAGE tensor [B, H, W, C>=3], got {shape}")
    if not x.is_floating_point():
        raise ValueError(f"{reward}: expected float pixels in 0..1, got dtype {x.dtype}")
    if x.dtype in (torch.float16, torch.bfloat16):
        x = x.float()
    return x[..., :3]


def check_strength(strength, reward: str) -> float:
    """Strength lambda: finite and >= 0 (direction is set by each reward's own mode)."""
    try:
        value = float(strength)
    except (TypeError, ValueError):
        raise ValueError(f"{reward}: strength must be a number, got {strength!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{reward}: strength must be finite and >= 0, got {strength!r}")
    return value
