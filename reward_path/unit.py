"""The one definition of reward strength that guidance uses.

A pixel statistic (mean colour, a band's energy share, a CLIP score of the resized image)
spreads its gradient over every pixel, so d log w / d latent shrinks as 1 / (latent pixels):
the same strength did 4x less at 1024^2 than at 512^2. Guidance therefore uses
log w x (pixels of the full-size latent): strength is *per latent pixel*, and one value gives
the same visible change at any resolution and aspect ratio. Reward Evaluate, traces and
particle weights keep the reward's own (natural) log w.
"""
from __future__ import annotations

import torch


def latent_pixels(latent: torch.Tensor) -> int:
    """Spatial size (H x W) of a [B, C, H, W] latent: the unit's multiplier."""
    if latent.dim() < 3:
        return 1
    return int(latent.shape[-1] * latent.shape[-2])


def guidance_units(log_w: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
    """Natural log w of the image decoded from `latent` -> the log w guidance differentiates."""
    return log_w * latent_pixels(latent)


def natural_units(log_w: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
    """Inverse of guidance_units (for traces)."""
    return log_w / latent_pixels(latent)
