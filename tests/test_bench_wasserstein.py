"""The exact W2 routine used by the benchmarks."""
import numpy as np
import pytest
import torch

from benchmarks.wasserstein import w2_exact, w2_subsampled


def test_identical_sets_are_at_distance_zero():
    a = np.random.default_rng(0).normal(size=(300, 2))
    assert w2_exact(a, a) == pytest.approx(0.0, abs=1e-12)
    assert w2_exact(a, a[::-1].copy()) == pytest.approx(0.0, abs=1e-12)  # order does not matter


def test_a_shifted_set_is_at_the_length_of_the_shift():
    a = np.random.default_rng(1).normal(size=(300, 2))
    shift = np.array([0.3, -0.4])
    assert w2_exact(a, a + shift) == pytest.approx(0.5, rel=1e-9)


def test_two_point_masses_and_a_swap():
    a = np.array([[0.0, 0.0], [1.0, 0.0]])
    b = np.array([[1.0, 0.0], [0.0, 2.0]])
    # best plan: (0,0)->(0,2) costs 4, (1,0)->(1,0) costs 0: W2 = sqrt(4/2)
    assert w2_exact(a, b) == pytest.approx(np.sqrt(2.0))


def test_subsampled_w2_sees_a_shift_between_gaussians():
    gen = torch.Generator().manual_seed(2)
    a = torch.randn(4000, 2, dtype=torch.float64, generator=gen)
    b = torch.randn(4000, 2, dtype=torch.float64, generator=gen) + torch.tensor([1.0, 0.0], dtype=torch.float64)
    mean, sd = w2_subsampled(a, b, 500, 3)
    floor, _ = w2_subsampled(a, torch.randn(4000, 2, dtype=torch.float64, generator=gen), 500, 3)
    assert 0.95 < mean < 1.25 and sd < 0.1
    assert floor < 0.3


def test_mismatched_shapes_are_refused():
    with pytest.raises(ValueError):
        w2_exact(np.zeros((3, 2)), np.zeros((4, 2)))
