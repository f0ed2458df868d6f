"""Guidance that starts at a percentage of the steps (schedulers/start_percent.py)."""
import math

import pytest
import torch

from guidance.effect import DESTRUCTIVE_PEAK, WEAK_PEAK, relative_displacement, verdict
from guidance.sampling import karras_sigmas
from schedulers import PaperAlpha, StartPercentAlpha, c_for_start
from schedulers.start_percent import level_at_percent


def test_half_strength_at_the_start_step_and_c_from_its_level():
    sigmas = karras_sigmas(20)
    bound = StartPercentAlpha(60).bind(sigmas)
    c = float(sigmas[12]) ** -4
    assert bound.c == pytest.approx(c)
    alpha = bound(sigmas[:-1])
    assert float(alpha[12]) == pytest.approx(0.5)
    assert bool((alpha[:12] < 0.5).all()) and bool((alpha[13:] > 0.5).all())
    assert "starts at 60% of the steps" in bound.describe() and "c=" in bound.describe()


def test_between_steps_the_level_is_interpolated_and_the_ends_are_never_and_almost_always():
    assert level_at_percent(torch.tensor([4.0, 2.0, 0.0]), 25) == pytest.approx(3.0)
    assert c_for_start(torch.tensor([4.0, 2.0, 0.0]), 100) == math.inf
    never = StartPercentAlpha(100).bind(torch.tensor([4.0, 2.0, 0.0]))
    assert float(never(torch.tensor([4.0, 2.0])).max()) == 0.0
    first = StartPercentAlpha(0).bind(torch.tensor([4.0, 2.0, 0.0]))
    assert float(first(torch.tensor([4.0]))) == pytest.approx(0.5)
    # Flow models: the first level (sigma = 1) is infinite.
    assert c_for_start(torch.tensor([math.inf, 2.0, 0.0]), 0) == 0.0
    assert c_for_start(torch.tensor([math.inf, 2.0, 0.0]), 10) == pytest.approx(2.0 ** -4)


def test_c_10_is_about_the_default_start_on_karras():
    # The node's default (60 %) is where the paper's c = 10 puts half strength on 20-30 karras steps.
    for steps in (20, 30):
        sigmas = karras_sigmas(steps)
        c = [c_for_start(sigmas, p) for p in (55, 66)]
        assert c[0] < 10 < c[1], (steps, c)


def test_unbound_it_is_the_papers_alpha_and_says_so():
    schedule = StartPercentAlpha(60, unbound_c=10)
    sigma = torch.tensor([0.5, 2.0])
    assert torch.allclose(schedule(sigma), PaperAlpha(10)(sigma))
    assert schedule.needs_sigmas and "c = 10" in schedule.unbound_behaviour
    assert c_for_start(torch.tensor([1.0]), 50) != c_for_start(torch.tensor([1.0]), 50)  # nan: one sigma, no steps


@pytest.mark.parametrize("bad", [-1, 100.5, math.nan, math.inf])
def test_percent_outside_0_100_is_refused(bad):
    with pytest.raises(ValueError, match="start percent must be a number from 0 to 100"):
        StartPercentAlpha(bad)


def test_relative_displacement_and_verdict():
    d = torch.ones(2, 4, 8, 8)
    update = torch.zeros_like(d)
    update[0] = 0.05
    guided = torch.tensor([True, False])
    assert relative_displacement(update, d + update, guided) == pytest.approx(0.05)
    assert relative_displacement(update, d + update, torch.tensor([True, True])) == pytest.approx(0.025)
    assert relative_displacement(None, d, guided) is None
    assert relative_displacement(update, d, torch.tensor([False, False])) is None
    assert verdict(None, 0) == "too weak to see"
    assert verdict(WEAK_PEAK / 2, 3) == "too weak to see"
    assert verdict(0.05, 3) is None
    assert verdict(DESTRUCTIVE_PEAK * 2, 3) == "likely destructive"
    assert verdict(None, 3) is None
