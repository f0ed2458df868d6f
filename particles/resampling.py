"""Resampling within groups: systematic (low variance) between steps, one multinomial draw per
group for the output."""
from __future__ import annotations

import torch


def systematic_ancestors(probs: torch.Tensor, generator: torch.Generator | None = None,
                         points: int | None = None) -> torch.Tensor:
    """Ancestor indices [G, points] (within each group, default points = K) for probabilities
    [G, K]: one uniform offset per group, evenly spaced points through the cumulative weights."""
    groups, k = probs.shape
    m = k if points is None else points
    offset = torch.rand(groups, 1, dtype=torch.float64, generator=generator).to(probs.device)
    points = (offset + torch.arange(m, dtype=torch.float64, device=probs.device)) / m
    cumulative = probs.to(torch.float64).cumsum(dim=1)
    cumulative[:, -1] = 1.0  # round-off must not push the last point past the end
    return torch.searchsorted(cumulative, points).clamp_max(k - 1)


def draw_one_per_group(probs: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """One index per group [G], drawn with the given probabilities."""
    return torch.multinomial(probs.to(torch.float64).cpu(), 1, generator=generator).view(-1).to(probs.device)


def flat_indices(within: torch.Tensor) -> torch.Tensor:
    """[G, K] indices within groups -> [G*K] indices into the flat particle batch."""
    groups, k = within.shape
    base = torch.arange(groups, device=within.device).unsqueeze(1) * k
    return (within + base).view(-1)
