import math

import pytest
import torch

from schedulers import ConstantAlpha, HardGate, PaperAlpha, SigmaGate, StepFractionGate
from guidance.sampling import karras_sigmas

EDGE_SIGMAS = torch.tensor([0.0, 1e-6, 0.03, 0.5, 1.0, 14.6, 1e6, math.inf], dtype=torch.float64)
ALL = [PaperAlpha(10), PaperAlpha(0), PaperAlpha(1e6), HardGate(10), HardGate(0), SigmaGate(1.0),
       ConstantAlpha(0.0), ConstantAlpha(0.3), ConstantAlpha(1.0), StepFractionGate(0.5)]


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: s.describe())
def test_every_schedule_is_finite_in_unit_interval_and_non_increasing(schedule):
    alpha = schedule(EDGE_SIGMAS)
    assert torch.isfinite(alpha).all()
    assert ((alpha >= 0) & (alpha <= 1)).all()
    assert (alpha[1:] <= alpha[:-1]).all(), "alpha must not grow with sigma"


def test_paper_alpha_matches_alpha_bar_form():
    c = 10.0
    sigma = torch.logspace(-2, 1.5, 50, dtype=torch.float64)
    abar = 1 / (1 + sigma**2)  # VP: sigma^2 = (1 - abar) / abar
    expected = abar**2 / (abar**2 + c * (1 - abar) ** 2)
    assert torch.allclose(PaperAlpha(c)(sigma), expected, rtol=1e-12)


def test_paper_alpha_limits():
    a = PaperAlpha(10)(torch.tensor([0.0, math.inf]))
    assert a.tolist() == [1.0, 0.0]


def test_hard_gate_switches_where_paper_alpha_crosses_half():
    c = 10.0
    gate, smooth = HardGate(c), PaperAlpha(c)
    sigma = torch.logspace(-2, 1.5, 400, dtype=torch.float64)
    on = gate(sigma) == 1
    assert torch.equal(on, smooth(sigma) >= 0.5 - 1e-12)
    assert set(gate(sigma).tolist()) <= {0.0, 1.0}


def test_sigma_gate_threshold():
    assert SigmaGate(0.5)(torch.tensor([0.4, 0.5, 0.6])).tolist() == [1.0, 1.0, 0.0]


def test_step_fraction_gate_guides_the_last_steps():
    sigmas = karras_sigmas(10)
    bound = StepFractionGate(0.3).bind(sigmas)
    on = bound(sigmas[:-1])
    assert on.tolist() == [0.0] * 7 + [1.0] * 3
    assert StepFractionGate(0.0).bind(sigmas)(sigmas[:-1]).sum() == 0
    assert StepFractionGate(1.0).bind(sigmas)(sigmas[:-1]).sum() == 10


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
def test_negative_or_non_finite_c_is_rejected_by_name(bad):
    with pytest.raises(ValueError, match="c must"):
        PaperAlpha(bad)
    with pytest.raises(ValueError, match="c must"):
        HardGate(bad)


def test_out_of_range_constant_and_fraction_are_rejected():
    with pytest.raises(ValueError, match="constant alpha"):
        ConstantAlpha(1.5)
    with pytest.raises(ValueError, match="fraction"):
        StepFractionGate(-0.1)
