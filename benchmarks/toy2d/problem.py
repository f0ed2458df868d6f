"""The 2-D problem of the LAGS paper's Fig. 1: a 5x5 grid of Gaussians re-weighted
towards a heart-shaped curve.

p = GaussianMixture (exact denoiser), w(x) = floor + exp(-dist(x, heart)^2 / (2 h^2)).
The floor keeps w bounded away from 0 (log w >= log floor), so log w is finite and
differentiable everywhere. dist is the distance to the heart drawn as a closed
polyline; HeartWeight reads dist^2 from a table of exact values (see there).
The default heart spans x in [-1.09, 1.09], y in [-0.98, 0.98]: the grid's extent.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from guidance.mixture import GaussianMixture

_F64 = torch.float64


@dataclass(frozen=True)
class ToySettings:
    spacing: float = 0.5  # distance between neighbouring grid means
    component_std: float = 0.08  # isotropic std of each of the 25 Gaussians
    heart_scale: float = 0.068  # heart coordinates are multiplied by this
    heart_width: float = 0.08  # h: the weight's bandwidth around the curve
    weight_floor: float = 1e-4  # w >= floor everywhere
    heart_vertices: int = 200  # polyline resolution of the curve

    def describe(self) -> str:
        return (f"25 Gaussians on a 5x5 grid, spacing {self.spacing:g}, component std {self.component_std:g}; "
                f"w = {self.weight_floor:g} + exp(-dist(x, heart)^2 / (2 * {self.heart_width:g}^2)), "
                f"heart scale {self.heart_scale:g} ({self.heart_vertices}-vertex polyline)")


def grid_mixture(settings: ToySettings) -> GaussianMixture:
    ticks = (torch.arange(5, dtype=_F64) - 2) * settings.spacing
    means = torch.cartesian_prod(ticks, ticks)
    variances = torch.full((25,), settings.component_std**2, dtype=_F64)
    return GaussianMixture(torch.ones(25, dtype=_F64), means, variances)


def heart_curve(settings: ToySettings) -> torch.Tensor:
    """Vertices [M, 2] of the classic parametric heart, centred on the origin."""
    t = torch.linspace(0, 2 * math.pi, settings.heart_vertices + 1, dtype=_F64)[:-1]
    x = 16 * torch.sin(t) ** 3
    y = 13 * torch.cos(t) - 5 * torch.cos(2 * t) - 2 * torch.cos(3 * t) - torch.cos(4 * t)
    y = y - 0.5 * (y.max() + y.min())
    return settings.heart_scale * torch.stack([x, y], dim=1)


def squared_distance_to_polyline(points: torch.Tensor, vertices: torch.Tensor) -> torch.Tensor:
    """Exact squared distance [B] from points [B,2] to the closed polyline through vertices [M,2]."""
    start = vertices.to(points)
    edge = torch.roll(start, -1, dims=0) - start  # [M,2]
    rel = points.unsqueeze(1) - start.unsqueeze(0)  # [B,M,2]
    t = ((rel * edge).sum(-1) / (edge * edge).sum(-1)).clamp(0.0, 1.0)  # foot of the perpendicular
    gap = rel - t.unsqueeze(-1) * edge
    return (gap * gap).sum(-1).min(dim=1).values


class HeartWeight:
    """log w(x) for x [B,2] (or [B,1,2] ...), differentiable in torch.

    dist^2 to the polyline is tabulated once on a fine grid and read back by bilinear
    interpolation (F.grid_sample, differentiable in x): the exact polyline distance
    costs O(vertices) per point, which would make w costlier than the denoiser itself
    and distort the time ratios. The interpolated field is the weight used everywhere
    (truth included). Its dist^2 is within 1e-4 of the exact one within 3h of the curve
    (cell 0.01; the tests check 5e-4); larger errors sit on the medial axis, where w is at
    its floor. Outside the table [-half_width, half_width]^2 (0.5 beyond the default
    heart), dist^2 is clamped at the border value, where w = floor already.
    """

    def __init__(self, settings: ToySettings, half_width: float = 1.6, nodes: int = 321):
        self.vertices = heart_curve(settings)
        self.log_floor = math.log(settings.weight_floor)
        self.two_h2 = 2 * settings.heart_width**2
        self.half_width = half_width
        ticks = torch.linspace(-half_width, half_width, nodes, dtype=_F64)
        yy, xx = torch.meshgrid(ticks, ticks, indexing="ij")  # row = y, column = x (grid_sample's layout)
        nodes_xy = torch.stack([xx.flatten(), yy.flatten()], dim=1)
        d2 = torch.cat([squared_distance_to_polyline(c, self.vertices) for c in nodes_xy.split(20_000)])
        self.table = d2.view(1, 1, nodes, nodes)

    def squared_distance(self, x: torch.Tensor) -> torch.Tensor:
        pts = x.reshape(x.shape[0], 2)
        grid = (pts / self.half_width).view(1, -1, 1, 2)
        table = self.table.to(pts.dtype)
        d2 = F.grid_sample(table, grid, mode="bilinear", padding_mode="border", align_corners=True)
        return d2.view(-1)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        d2 = self.squared_distance(x)
        return torch.logaddexp(-d2 / self.two_h2, torch.full_like(d2, self.log_floor))

    def weight(self, x: torch.Tensor, chunk: int = 100_000) -> torch.Tensor:
        """w(x) without autograd, in chunks (for large pools)."""
        with torch.no_grad():
            return torch.cat([self(part).exp() for part in x.split(chunk)])
