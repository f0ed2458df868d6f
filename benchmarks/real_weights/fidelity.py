"""How well the cheaper reward paths keep the full-size gradient's direction: a decode at
a smaller scale, and a tiled decode (what a small memory budget gives), each against the
whole decode at full size. The reward maps itself to the scale (frequency bands move) or
refuses it with a ValueError, which is reported rather than measured."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from reward_path import RewardPath, tile_grid
from reward_path.plan import plan_decode

from .strength import latent_gradient, untiled_path

SCALES = (0.5, 0.25)
#: The tiled path gets a quarter of the whole decode's memory: tiles of about half the side.
TILE_BUDGET_FRACTION = 0.25


def cosine(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-item cosine between two [B, ...] gradients."""
    a, b = a.flatten(1).double(), b.flatten(1).double()
    return (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1)).clamp(min=1e-300)


def norm_ratio(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-item ||a|| / ||b||: a cheaper path that keeps the direction may still change the
    effective strength."""
    return a.flatten(1).double().norm(dim=1) / b.flatten(1).double().norm(dim=1).clamp(min=1e-300)


@dataclass
class Fidelity:
    scale_cosines: dict  # scale -> [per-photo cosine] or the reason it is not measurable
    scale_norm_ratios: dict  # scale -> [per-photo ||v@scale|| / ||v@1||] where measurable
    tiled_cosines: list | None  # None: not measured at this size
    tiles: str  # what the small budget's plan decoded


def fidelity(reward, decoder, z: torch.Tensor, v_full: torch.Tensor, tiled: bool = True) -> Fidelity:
    """Cosines against v_full, the gradient of the whole decode at scale 1."""
    scale_cosines, scale_norm_ratios = {}, {}
    for scale in SCALES:
        try:
            v = latent_gradient(untiled_path(reward, decoder, scale), z)
        except ValueError as exc:
            scale_cosines[scale] = f"not measurable at this scale: {exc}"
            continue
        scale_cosines[scale] = cosine(v, v_full).tolist()
        scale_norm_ratios[scale] = norm_ratio(v, v_full).tolist()
    if not tiled:
        return Fidelity(scale_cosines, scale_norm_ratios, None, "")
    budget = decoder.bytes_per_pixel * TILE_BUDGET_FRACTION * z.shape[-2] * z.shape[-1] * decoder.factor**2
    plan = plan_decode(1, z.shape[-2:], decoder.factor, decoder.bytes_per_pixel, budget)
    tiles = (f"{len(tile_grid(*z.shape[-2:], plan.tile, plan.overlap))} tiles of {plan.tile}x{plan.tile}"
             if plan.tile else "whole (did not tile)")
    v_tiled = latent_gradient(RewardPath(reward, decoder, decode_scale=1.0, budget=budget), z)
    return Fidelity(scale_cosines, scale_norm_ratios, cosine(v_tiled, v_full).tolist(), tiles)
