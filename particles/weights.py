"""Importance log-weights of K particles in each of G independent groups."""
from __future__ import annotations

import math

import torch


class GroupWeights:
    """log-weights [G, K] in float64. A non-finite weight (NaN, +inf from a broken reward, or
    -inf where w = 0) means weight 0 for that particle; it is counted, never propagated."""

    def __init__(self, groups: int, particles: int, device=None):
        self.log_w = torch.zeros(groups, particles, dtype=torch.float64, device=device)
        self.zero_weight = 0  # particles given weight 0 for a non-finite value (this run)
        self.fallback_groups = 0  # groups where every particle had weight 0 (resampled uniformly)

    @property
    def particles(self) -> int:
        return self.log_w.shape[1]

    def add(self, increment: torch.Tensor) -> None:
        """log_w += increment ([G*K] or [G, K]); NaN / +inf increments zero the particle."""
        inc = increment.to(self.log_w).view_as(self.log_w)
        broken = torch.isnan(inc) | (inc == math.inf)
        self.zero_weight += int((broken & (self.log_w > -math.inf)).sum())
        inc = torch.where(broken, torch.full_like(inc, -math.inf), inc)
        self.log_w = torch.where(self.log_w == -math.inf, self.log_w, self.log_w + inc)

    def dead_groups(self) -> torch.Tensor:
        """[G] bool: every particle of the group has weight 0."""
        return (self.log_w == -math.inf).all(dim=1)

    def rescue_dead_groups(self) -> int:
        """Groups whose particles all have weight 0 fall back to equal weights (unweighted
        resampling) instead of NaN; returns how many did this time."""
        dead = self.dead_groups()
        count = int(dead.sum())
        if count:
            self.log_w = torch.where(dead.unsqueeze(1), torch.zeros_like(self.log_w), self.log_w)
            self.fallback_groups += count
        return count

    def normalised(self) -> torch.Tensor:
        """Probabilities [G, K] (each row sums to 1; call rescue_dead_groups first)."""
        return torch.softmax(self.log_w, dim=1)

    def ess(self) -> torch.Tensor:
        """Effective sample size per group [G], in particles (1..K)."""
        p = self.normalised()
        return 1.0 / (p * p).sum(dim=1)

    def reset(self, groups: torch.Tensor) -> None:
        """Equal weights for the resampled groups ([G] bool)."""
        self.log_w = torch.where(groups.unsqueeze(1), torch.zeros_like(self.log_w), self.log_w)
