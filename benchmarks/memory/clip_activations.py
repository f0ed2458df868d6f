"""Estimate of what the CLIP rewards add on top of the reward path: the activations of an
open_clip vision tower (random weights, frozen) at 224^2, batch 1, forward + backward to the
pixels, measured the same way (host side: needs open_clip, importable after the harness
boot). The weights are built before measuring and are not counted."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .measure import profiled
from .rewards import CLIP_INPUT


@dataclass
class ClipEstimate:
    arch: str
    params: int
    peak: int  # bytes above the start
    seconds: float


def vision_tower(arch: str) -> torch.nn.Module:
    import open_clip
    from open_clip.model import _build_vision_tower

    cfg = open_clip.get_model_config(arch)
    if cfg is None:
        raise ValueError(f"open_clip has no architecture {arch!r}")
    tower = _build_vision_tower(cfg["embed_dim"], cfg["vision_cfg"], quick_gelu=cfg.get("quick_gelu", False))
    return tower.eval().requires_grad_(False)


def measure(arch: str, size: int = CLIP_INPUT, seed: int = 0) -> ClipEstimate:
    torch.manual_seed(seed)
    tower = vision_tower(arch)
    pixels = torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(seed))

    def score_gradient():
        x = pixels.clone().requires_grad_(True)
        embedding = tower(x)
        score = (embedding / embedding.norm(dim=-1, keepdim=True)).sum()  # a cosine against a fixed direction
        return torch.autograd.grad(score, x)

    _, peak, seconds, _ = profiled(score_gradient)
    return ClipEstimate(arch, sum(p.numel() for p in tower.parameters()), peak, seconds)
