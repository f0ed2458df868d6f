"""Differentiable colour helpers: hex parsing and sRGB -> CIELAB (D65).

Distances between colours are measured in CIELAB because equal steps there look
roughly equally different to people, unlike steps in raw RGB (where green
dominates brightness). Every branch point uses the standard linear segments, so
gradients stay finite at black and slightly outside 0..1 (decoded latents
overshoot a little).
"""
from __future__ import annotations

import re

import torch

#: sRGB (linear) -> XYZ, D65 white, IEC 61966-2-1.
_RGB_TO_XYZ = torch.tensor(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ],
    dtype=torch.float64,
)
_D65_WHITE = torch.tensor([0.95047, 1.0, 1.08883], dtype=torch.float64)
_LAB_DELTA = 6.0 / 29.0

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def parse_hex_colour(text: str, argument: str = "colour") -> tuple[float, float, float]:
    """'#d03020', 'd03020' or '#f00' -> RGB floats in 0..1."""
    match = _HEX.match(str(text).strip())
    if match is None:
        raise ValueError(f"{argument}: {text!r} is not a hex colour like '#d03020' or '#f00'")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i : i + 2], 16) / 255.0 for i in (0, 2, 4))


def parse_palette(text: str, argument: str = "palette") -> list[tuple[float, float, float]]:
    """Hex colours separated by commas, semicolons or whitespace; empty text -> []."""
    tokens = [t for t in re.split(r"[\s,;]+", str(text or "").strip()) if t]
    return [parse_hex_colour(t, argument) for t in tokens]


def as_rgb(colour, argument: str = "colour") -> tuple[float, float, float]:
    """A hex string or three numbers in 0..1 -> an RGB tuple, validated."""
    if isinstance(colour, str):
        return parse_hex_colour(colour, argument)
    try:
        rgb = tuple(float(c) for c in colour)
    except TypeError:
        raise ValueError(f"{argument}: expected a hex string or three numbers in 0..1, got {colour!r}") from None
    if len(rgb) != 3 or not all(0.0 <= c <= 1.0 for c in rgb):
        raise ValueError(f"{argument}: expected three numbers in 0..1, got {colour!r}")
    return rgb


def srgb_to_linear(rgb: torch.Tensor) -> torch.Tensor:
    # The power branch is fed a clamped copy so the unused branch of torch.where
    # never produces NaN gradients for dark or negative values.
    power = ((rgb.clamp(min=0.04045) + 0.055) / 1.055) ** 2.4
    return torch.where(rgb <= 0.04045, rgb / 12.92, power)


def _lab_f(t: torch.Tensor) -> torch.Tensor:
    cube = t.clamp(min=_LAB_DELTA**3) ** (1.0 / 3.0)
    return torch.where(t > _LAB_DELTA**3, cube, t / (3 * _LAB_DELTA**2) + 4.0 / 29.0)


def srgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    """[..., 3] sRGB in 0..1 -> [..., 3] CIELAB (L in 0..100, a/b roughly -128..127)."""
    matrix = _RGB_TO_XYZ.to(device=rgb.device, dtype=rgb.dtype)
    white = _D65_WHITE.to(device=rgb.device, dtype=rgb.dtype)
    xyz = srgb_to_linear(rgb) @ matrix.T / white
    fx, fy, fz = _lab_f(xyz).unbind(-1)
    return torch.stack([116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)], dim=-1)


def smooth_distance(a: torch.Tensor, b: torch.Tensor, eps: float = 1e-3) -> torch.Tensor:
    """Euclidean distance over the last axis, smoothed at 0 so its gradient stays finite."""
    return torch.sqrt(((a - b) ** 2).sum(-1) + eps**2) - eps
