"""Ground truth for q ~ w p: exact importance resampling and the exact density ratio."""
from __future__ import annotations

import torch

from guidance.mixture import GaussianMixture


def importance_resample(pool: torch.Tensor, weights: torch.Tensor, n: int,
                        generator: torch.Generator | None = None) -> torch.Tensor:
    """n draws (with replacement) from the pool, each point with probability ~ its weight.

    With pool ~ p and weights = w(pool) this samples the empirical version of q ~ w p;
    it converges to q as the pool grows (see effective_sample_size).
    """
    if pool.shape[0] != weights.shape[0]:
        raise ValueError("pool and weights must have the same length")
    idx = torch.multinomial(weights.to(torch.float64), n, replacement=True, generator=generator)
    return pool[idx]


def effective_sample_size(weights: torch.Tensor) -> float:
    w = weights.to(torch.float64)
    return float(w.sum() ** 2 / (w * w).sum())


class TargetDensity:
    """log q(x) up to its normaliser: log p(x) + log w(x), and where q is ~ 0.

    "q ~ 0 at x" means q(x) < threshold * max q. The max is taken over a fine grid
    covering the support and over reference points (e.g. the resampling pool).
    """

    def __init__(self, mixture: GaussianMixture, log_w, reference: torch.Tensor,
                 grid_points: int = 401, threshold: float = 1e-3):
        self.mixture, self.log_w, self.threshold = mixture, log_w, threshold
        lo, hi = reference.min(0).values, reference.max(0).values
        axes = [torch.linspace(float(lo[i]), float(hi[i]), grid_points, dtype=torch.float64) for i in range(2)]
        grid = torch.cartesian_prod(*axes)
        self.log_max = float(torch.maximum(self.log_unnormalised(grid).max(),
                                           self.log_unnormalised(reference).max()))

    def log_unnormalised(self, x: torch.Tensor, chunk: int = 100_000) -> torch.Tensor:
        with torch.no_grad():
            parts = [self.mixture.log_prob(c) + self.log_w(c).to(torch.float64) for c in x.to(torch.float64).split(chunk)]
        return torch.cat(parts)

    def near_zero(self, x: torch.Tensor) -> torch.Tensor:
        """Boolean [B]: q(x) / max q below the threshold."""
        return self.log_unnormalised(x) - self.log_max < torch.log(torch.tensor(self.threshold, dtype=torch.float64))

    def near_zero_fraction(self, x: torch.Tensor) -> float:
        return float(self.near_zero(x).to(torch.float64).mean())
