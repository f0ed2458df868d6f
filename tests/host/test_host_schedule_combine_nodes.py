"""Schedule nodes and LAGS Reward Combine, seen through the sampler's per-step trace."""
import pytest
import torch

import prompts

STRENGTH = prompts.TINY_STRENGTH


def run_with_schedule(host, node_inputs, class_type, steps=6):
    prompt = prompts.sampler_prompt(strength=STRENGTH, steps=steps, capture_image=False, lags={"schedule": ("50", 0)})
    prompt["50"] = {"class_type": class_type, "inputs": node_inputs}
    result = host.run(prompt)
    assert result.success, result.error_message
    return result.traces("20")


def test_alpha_schedule_node_sets_the_trace_alpha(host):
    for c in (10.0, 0.5):
        for t in run_with_schedule(host, {"c": c}, "LAGSScheduleAlpha"):
            assert t["alpha"] == pytest.approx(1.0 / (1.0 + c * t["sigma"] ** 4), rel=1e-5)


@pytest.mark.parametrize("inputs, threshold", [
    ({"mode": "c", "mode.c": 10.0}, 10.0 ** -0.25),  # the mode is a DynamicCombo: its own input only
    ({"mode": "sigma", "mode.sigma_max": 1.0}, 1.0),
])
def test_hard_gate_node(host, inputs, threshold):
    traces = run_with_schedule(host, inputs, "LAGSScheduleHardGate")
    assert all(t["guided"] == (t["sigma"] <= threshold) for t in traces)
    assert all(t["alpha"] == (1.0 if t["guided"] else 0.0) for t in traces)
    assert any(t["guided"] for t in traces) and not all(t["guided"] for t in traces)


def test_start_percent_node_puts_half_strength_at_that_step(host):
    # 6 steps: 50 % is the 4th step (index 3), where alpha must be exactly 1/2; c follows from its sigma.
    traces = run_with_schedule(host, {"start_percent": 50.0}, "LAGSScheduleStart")
    c = traces[3]["sigma"] ** -4
    assert traces[3]["alpha"] == pytest.approx(0.5, rel=1e-6)
    for t in traces:
        assert t["alpha"] == pytest.approx(1.0 / (1.0 + c * t["sigma"] ** 4), rel=1e-5)
    assert [t["alpha"] > 0.5 for t in traces] == [False] * 4 + [True] * 2
    never = run_with_schedule(host, {"start_percent": 100.0}, "LAGSScheduleStart")
    assert not any(t["guided"] for t in never)


def test_constant_schedule_node(host):
    traces = run_with_schedule(host, {"alpha": 0.3}, "LAGSScheduleConstant")
    assert all(t["alpha"] == pytest.approx(0.3) and t["guided"] for t in traces)


def test_reward_combine_sums_log_weights(host):
    single = host.run(prompts.sampler_prompt(strength=STRENGTH, steps=5, capture_image=False))
    prompt = prompts.sampler_prompt(strength=STRENGTH / 2, steps=5, capture_image=False, lags={"reward": ("12", 0)})
    prompt["11"] = {"class_type": "LAGSTest_Redness", "inputs": {"strength": STRENGTH / 4}}
    prompt["12"] = {"class_type": "LAGSRewardCombine", "inputs": {
        "reward_1": ["10", 0], "strength_1": 1.0, "reward_3": ["11", 0], "strength_3": 2.0,
        "strength_2": 1.0, "strength_4": 1.0}}
    combined = host.run(prompt)
    assert single.success and combined.success, combined.error_message
    # 1 * (S/2) + 2 * (S/4) = S: the same reward as the single node.
    assert torch.allclose(combined.captures["latent"]["samples"], single.captures["latent"]["samples"], atol=1e-4)
    for a, b in zip(combined.traces("20"), single.traces("20")):
        assert (a["log_w"] is None and b["log_w"] is None) or a["log_w"] == pytest.approx(b["log_w"], rel=1e-4)


def test_reward_combine_needs_a_reward(host):
    prompt = prompts.sampler_prompt(strength=STRENGTH, steps=3, capture_image=False, lags={"reward": ("12", 0)})
    prompt["12"] = {"class_type": "LAGSRewardCombine", "inputs": {f"strength_{i}": 1.0 for i in range(1, 5)}}
    result = host.run(prompt)
    assert not result.success and "at least one reward" in result.error_message
