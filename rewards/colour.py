"""Colour reward: pull the image towards a target colour or a palette.

Distances are CIELAB Delta-E (1976) divided by 100, so 0.01 is about a just
noticeable difference, 0.1 a clear colour shift and 1.0 roughly black against
white. Two statistics, picked by what the user gives:

- one target colour ("mean" mode): d = distance between the image's mean colour
  (the per-pixel CIELAB values averaged over the image) and the target. It asks
  for an overall colour cast and leaves the layout free: a red-tinted scene with
  dark and light areas scores as well as a flat red field with the same mean.
- a palette ("palette" mode): every pixel's distance to the palette, taken as a
  softmin over the palette colours (weights softmax(-d_k / softness)), averaged
  over pixels. It asks for every pixel to be near *some* palette colour, which
  restricts the image to those colours without fixing their proportions.

log w = -strength * d.
"""
from __future__ import annotations

import torch

from .base import PIXEL, Reward
from .colour_space import as_rgb, parse_palette, smooth_distance, srgb_to_lab
from .decode_scale import MEAN_STATISTIC_SCALE, PER_PIXEL_STATISTIC_SCALE
from .image_input import check_strength, image_rgb

#: Temperature of the palette softmin, in Delta-E/100 units: colours within about
#: 5 Delta-E of each other share the pull, farther ones do not.
DEFAULT_SOFTNESS = 0.05

_NAME = "Colour Reward"


def _check_softness(softness) -> float:
    try:
        value = float(softness)
    except (TypeError, ValueError):
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{_NAME}: softness must be a finite number > 0, got {softness!r}")
    return value


class ColourReward(Reward):
    space = PIXEL
    name = "colour"

    def __init__(self, colour="#e03c28", palette=None, strength: float = 1.0, softness: float = DEFAULT_SOFTNESS):
        """colour: hex string or RGB in 0..1, used when palette is empty.
        palette: hex string list ('#112233, #ddeeff') or a sequence of colours;
        when non-empty it replaces `colour` and switches to palette mode."""
        self.strength = check_strength(strength, _NAME)
        colours = self._palette_colours(palette)
        self.mode = "palette" if colours else "mean"
        if not colours:
            colours = [as_rgb(colour, "colour")]
        self.colours_rgb = colours
        self.softness = _check_softness(softness)
        self._target_lab = srgb_to_lab(torch.tensor(colours, dtype=torch.float64)) / 100.0

    @staticmethod
    def _palette_colours(palette):
        if palette is None:
            return []
        if isinstance(palette, str):
            return parse_palette(palette, "palette")
        return [as_rgb(c, "palette") for c in palette]

    def distance(self, x: torch.Tensor) -> torch.Tensor:
        """d per item [B] (Delta-E / 100), differentiable in the pixels."""
        lab = srgb_to_lab(image_rgb(x, _NAME)) / 100.0  # [B, H, W, 3]
        target = self._target_lab.to(device=lab.device, dtype=lab.dtype)
        if self.mode == "mean":
            return smooth_distance(lab.mean(dim=(1, 2)), target[0])
        per_colour = smooth_distance(lab.unsqueeze(-2), target)  # [B, H, W, K]
        weights = torch.softmax(-per_colour / self.softness, dim=-1)
        return (weights * per_colour).sum(-1).mean(dim=(1, 2))

    def log_w(self, x: torch.Tensor) -> torch.Tensor:
        return -self.strength * self.distance(x)

    def faithful_decode_scale(self, image_hw) -> float:
        return MEAN_STATISTIC_SCALE if self.mode == "mean" else PER_PIXEL_STATISTIC_SCALE

    def describe(self) -> str:
        hexes = ",".join("#%02x%02x%02x" % tuple(round(c * 255) for c in rgb) for rgb in self.colours_rgb)
        return f"colour[{self.mode} {hexes}, strength={self.strength:g}]"
