"""Exact 2-Wasserstein distance between equal-size point clouds (optimal assignment)."""
from __future__ import annotations

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment


def w2_exact(a, b) -> float:
    """W2 between the uniform empirical measures of two [n, d] clouds of equal size.

    For equal sizes and uniform weights an optimal plan is a permutation, so exact OT
    is the linear assignment problem on squared Euclidean costs.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"need two [n, d] clouds of the same shape, got {a.shape} and {b.shape}")
    cost = ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
    rows, cols = linear_sum_assignment(cost)
    return float(np.sqrt(cost[rows, cols].mean()))


def w2_subsampled(a: torch.Tensor, b: torch.Tensor, size: int, repeats: int, seed: int = 0):
    """Mean and std of w2_exact over `repeats` pairs of random size-`size` subsets (without replacement)."""
    gen = torch.Generator().manual_seed(seed)
    values = []
    for _ in range(repeats):
        ia = torch.randperm(a.shape[0], generator=gen)[:size]
        ib = torch.randperm(b.shape[0], generator=gen)[:size]
        values.append(w2_exact(a[ia].numpy(), b[ib].numpy()))
    values = np.array(values)
    return float(values.mean()), float(values.std())
