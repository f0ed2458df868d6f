"""The 2-D benchmark's pieces: heart weight, ground truth, q~0 metric, and --quick end to end."""
import math
from pathlib import Path

import pytest
import torch

from benchmarks.toy2d import __main__ as toy2d_main
from benchmarks.toy2d.__main__ import main
from benchmarks.toy2d.problem import HeartWeight, ToySettings, grid_mixture, squared_distance_to_polyline
from benchmarks.toy2d.truth import TargetDensity, effective_sample_size, importance_resample

SETTINGS = ToySettings()
HEART = HeartWeight(SETTINGS)


def test_heart_weight_is_bounded_away_from_zero_everywhere():
    gen = torch.Generator().manual_seed(0)
    x = torch.cat([torch.randn(2000, 2, dtype=torch.float64, generator=gen) * 3,  # far outside the table too
                   HEART.vertices])
    log_w = HEART(x)
    assert torch.isfinite(log_w).all()
    assert (log_w >= math.log(SETTINGS.weight_floor) - 1e-12).all()
    assert (log_w <= math.log1p(SETTINGS.weight_floor) + 1e-12).all()
    assert log_w[-len(HEART.vertices):].min() > -0.05  # on the curve w ~ 1
    assert log_w[:2000].min() < math.log(SETTINGS.weight_floor) + 1e-3  # far away w ~ floor


def test_heart_weight_is_differentiable_and_its_gradient_matches_finite_differences():
    gen = torch.Generator().manual_seed(1)
    on_curve = HEART.vertices[::7]
    x = (on_curve + 0.05 * torch.randn(on_curve.shape, dtype=torch.float64, generator=gen)).requires_grad_(True)
    (grad,) = torch.autograd.grad(HEART(x).sum(), x)
    assert torch.isfinite(grad).all() and grad.norm(dim=1).max() > 1.0  # a real pull towards the curve
    h = 1e-6
    for axis in range(2):
        step = torch.zeros_like(x)
        step[:, axis] = h
        with torch.no_grad():
            fd = (HEART(x + step) - HEART(x - step)) / (2 * h)
        # bilinear interpolation: the FD and autograd agree except across a cell edge (rare)
        agree = (fd - grad[:, axis]).abs() < 1e-3 * (1 + grad[:, axis].abs())
        assert agree.double().mean() > 0.95


def test_tabulated_distance_matches_the_exact_polyline_distance_near_the_curve():
    gen = torch.Generator().manual_seed(2)
    x = torch.rand(5000, 2, dtype=torch.float64, generator=gen) * 3.0 - 1.5
    exact = squared_distance_to_polyline(x, HEART.vertices)
    near = exact < (3 * SETTINGS.heart_width) ** 2
    assert near.sum() > 500
    assert (HEART.squared_distance(x) - exact)[near].abs().max() < 5e-4


def test_importance_resampling_reproduces_a_known_reweighting():
    gen = torch.Generator().manual_seed(3)
    # p = N(0, 1), w = N(x; b, tau^2)  =>  q = N(b / (1 + tau^2), tau^2 / (1 + tau^2))
    b, tau = 1.5, 0.7
    pool = torch.randn(400_000, dtype=torch.float64, generator=gen)
    weights = torch.exp(-((pool - b) ** 2) / (2 * tau**2))
    q = importance_resample(pool, weights, 50_000, gen)
    assert abs(q.mean().item() - b / (1 + tau**2)) < 0.02
    assert abs(q.var().item() - tau**2 / (1 + tau**2)) < 0.02
    # a discrete pool: frequencies follow the weights
    picks = importance_resample(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 3.0]), 40_000, gen)
    assert abs(picks.mean().item() - 0.75) < 0.01
    assert effective_sample_size(torch.ones(10)) == 10.0


def test_q_near_zero_flags_off_heart_modes_and_not_on_heart_ones():
    mixture = grid_mixture(SETTINGS)
    gen = torch.Generator().manual_seed(4)
    pool = mixture.sample(50_000, gen)
    truth = importance_resample(pool, HEART.weight(pool), 5000, gen)
    density = TargetDensity(mixture, HEART, truth)
    on_heart = torch.tensor([[0.0, -1.0]], dtype=torch.float64)  # the tip of the heart is a grid mean
    off_heart = torch.tensor([[-1.0, -1.0], [0.0, 0.0]], dtype=torch.float64)  # corner mode, centre mode
    between = torch.tensor([[-0.25, -0.75]], dtype=torch.float64)
    assert not density.near_zero(on_heart).any()
    assert density.near_zero(off_heart).all()
    assert density.near_zero(between).all()
    assert density.near_zero_fraction(truth) < 0.01


def test_quick_benchmark_runs_end_to_end(tmp_path, capsys):
    assert main(["--quick", "--out-dir", str(tmp_path)]) == 0
    text = (tmp_path / "benchmark_2d.md").read_text()
    png = (tmp_path / "benchmark_2d.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    for label in ("Truth (resampled q)", "Base sampler", "DPS-style (a=0.3)", "Tweedie, alpha(t)",
                  "LAGS, alpha(t)", "LAGS, hard gate"):
        assert f"| {label} |" in text
    assert "Noise floor" in text and "a = 0.3 won" in text
    assert "| LAGS, alpha(t) |" in capsys.readouterr().out


def test_the_demo_writes_outside_the_tracked_docs_unless_asked(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    monkeypatch.setattr(toy2d_main, "DOCS", docs)  # what --update-docs writes, here a scratch folder
    monkeypatch.chdir(tmp_path)
    assert main(["--quick"]) == 0
    assert sorted(p.name for p in (tmp_path / "lags_demo_output").iterdir()) == ["benchmark_2d.md", "benchmark_2d.png"]
    assert not docs.exists()
    assert main(["--quick", "--update-docs"]) == 0
    assert (docs / "benchmark_2d.md").read_text().startswith("# 2-D benchmark")
    with pytest.raises(SystemExit):
        main(["--update-docs", "--out-dir", str(tmp_path)])


def test_the_demo_folder_is_git_ignored():
    ignored = (Path(toy2d_main.__file__).resolve().parents[2] / ".gitignore").read_text().split()
    assert f"/{toy2d_main.DEMO_OUTPUT}/" in ignored
