"""The one definition of reward strength that guidance uses.

A pixel statistic (mean colour, a band's energy share, a CLIP score of the resized image)
spreads its gradient over every pixel, so d log w / d latent shrinks as 1 / (latent pixels):
the same strength did 4x less at 1024^2 than at 512^2. Guidance therefore uses
log w x (pixels of the full-size latent): strength is *per latent pixel*, and one value gives
the same visible change at any resolution and aspect ratio. Reward Evaluate and traces keep
the reward's own (natural) log w.

A reward whose log w is a statement about the whole image's probability, not a pixel statistic,
sets `per_image = True` and is used as it is: the fairness re-weighting, where strength 1 is
exactly the re-weighting that gives the target class mix (particles sample that q). A combination
applies each term's own unit.
"""
from __future__ import annotations

import torch


def latent_pixels(latent: torch.Tensor) -> int:
    """Spatial size (H x W) of a [B, C, H, W] latent: the unit's multiplier."""
    if latent.dim() < 3:
        return 1
    return int(latent.shape[-1] * latent.shape[-2])


def unit_of(reward, latent: torch.Tensor) -> int:
    """The multiplier guidance applies to this reward's log w: 1 for per-image rewards, else the
    latent's pixels (a combination mixing both reports per pixel)."""
    terms = getattr(reward, "terms", None)
    per_image = all(getattr(r, "per_image", False) for r, _ in terms) if terms else getattr(reward, "per_image", False)
    return 1 if per_image else latent_pixels(latent)


def reward_guidance_log_w(reward, x: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
    """The log w guidance differentiates for `reward` on its input x (an image decoded from
    `latent`, or the latent itself): each term of a combination in its own unit."""
    terms = getattr(reward, "terms", None)
    if terms:
        return sum(lam * reward_guidance_log_w(r, x, latent) for r, lam in terms)
    return reward.log_w(x) * unit_of(reward, latent)
