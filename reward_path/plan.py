"""How to decode for the reward within a memory budget: whole, in item chunks, or in tiles."""
from __future__ import annotations

import math
from dataclasses import dataclass

#: Latent pixels two neighbouring tiles share (ComfyUI's tiled VAE decode overlaps 16 in all,
#: i.e. 8 on each side of a seam).
TILE_OVERLAP = 8

#: Smallest tile side (latent pixels). Tiles see their own GroupNorm statistics, and with real
#: decoder weights (TAEF2, docs/real_weights.md) larger tiles keep the gradient closer to the
#: whole decode (cosine 0.962 at 32, 0.980 at 48); below 32 the overlap dominates the cost too.
MIN_TILE = 32


@dataclass(frozen=True)
class DecodePlan:
    chunk: int  # items decoded together
    tile: int | None  # tile side in latent pixels; None = whole latent
    overlap: int = TILE_OVERLAP

    def describe(self) -> str:
        tiles = f"{self.tile}x{self.tile} latent tiles" if self.tile else "whole"
        return f"{tiles}, {self.chunk} item(s) at a time"


def plan_decode(batch: int, latent_hw, factor: int, bytes_per_pixel: float, budget: float) -> DecodePlan:
    """The cheapest-in-time plan whose decode activations (bytes_per_pixel per decoded pixel,
    autograd included) fit in `budget` bytes: everything at once, else whole items in
    chunks, else square tiles (never smaller than MIN_TILE, even if that exceeds the budget)."""
    height, width = latent_hw
    per_item = height * width * factor * factor * bytes_per_pixel
    if per_item * batch <= budget:
        return DecodePlan(batch, None)
    if per_item <= budget:
        return DecodePlan(max(1, int(budget // per_item)), None)
    side = max(int(math.sqrt(budget / (bytes_per_pixel * factor * factor))), MIN_TILE)
    return DecodePlan(1, _snug(side, latent_hw))


def _snug(side: int, latent_hw) -> int:
    """The smallest tile side that covers the latent with as few tiles as `side` needs:
    a 64-pixel latent in tiles of at most 57 takes two per side, and 36 covers it as well as
    57 does, at 40% of the decoding work."""
    needed = 0
    for n in latent_hw:
        if n <= side:
            needed = max(needed, n)
            continue
        count = math.ceil((n - TILE_OVERLAP) / (side - TILE_OVERLAP))
        needed = max(needed, math.ceil((n - TILE_OVERLAP) / count) + TILE_OVERLAP)
    return min(side, max(needed, MIN_TILE))
