"""The adaptive probe through ComfyUI's KSampler path: the exact mixture bed of test_host_exact.py
(unit-scale data, 20 karras steps, alpha = 1), the per-step choice on the live trace, the model
calls it saves, and the threshold's range check."""
import math

import pytest
import torch

import prompts
import tiny_models
from test_host_exact import D_SHAPE, N, SEED, STEPS, LatentGaussianReward, problem  # noqa: F401


class CountedMixture:
    """The mixture's exact denoiser, counting the model calls (sampler steps and probes)."""

    def __init__(self, mixture):
        self.mixture, self.calls = mixture, 0

    def denoise(self, x, sigma):
        self.calls += 1
        return self.mixture.denoise(x, sigma)


def exact_run(host, problem, threshold=None):  # noqa: F811
    counted = CountedMixture(problem["p"])
    model = tiny_models.exact_model(counted)
    prompt = prompts.exact_sampler_prompt(host.put(f"probe_exact_{id(model)}", model), N, STEPS, SEED,
                                          reward_key=host.put("probe_latent_gaussian",
                                                              LatentGaussianReward(problem["log_w"])),
                                          epsilon=host.pack("guidance").DEFAULT_EPSILON)
    if threshold is not None:
        prompt["20"]["inputs"]["probe_threshold"] = threshold
    result = host.run(prompt)
    result.captures["calls"] = counted.calls
    return result


@pytest.fixture(scope="module")
def default_run(host, problem):  # noqa: F811
    result = exact_run(host, problem)
    assert result.success, result.error_message
    return result


def test_trace_says_which_steps_probed_and_matches_the_engine(host, problem, default_run):  # noqa: F811
    """The traced choice equals the host-free engine's on the same noise and sigmas; every step is
    guided, the later ones without the probe call (seen: 15 of 20 probe)."""
    import comfy.sample
    import comfy.samplers

    traces = default_run.traces("20")
    probed = [t["probed"] for t in traces]
    assert all(t["guided"] for t in traces) and len(traces) == STEPS
    assert 0 < sum(probed) < STEPS, probed
    assert probed[:sum(probed[:10])] == [True] * sum(probed[:10])  # high noise: every step probes
    assert all(t["probe_gap"] is None for t in traces if not t["probed"])
    assert all(0 <= t["probe_gap"] < 1 for t in traces if t["probed"])

    sampling, schedulers = host.pack("guidance.sampling"), host.pack("schedulers")
    model = tiny_models.exact_model(problem["p"])
    sigmas = comfy.samplers.calculate_sigmas(model.get_model_object("model_sampling"), "karras", STEPS).double()
    x_t = comfy.sample.prepare_noise(torch.zeros(N, *D_SHAPE), SEED).double() * math.sqrt(1.0 + float(sigmas[0]) ** 2)
    guided = sampling.GuidedDenoiser(problem["p"].denoise, problem["log_w"], schedulers.ConstantAlpha(1.0))
    sampling.sample_euler(guided, x_t, sigmas)
    assert probed == [bool(d.probed.any()) for d in guided.history]


def test_unprobed_steps_save_their_model_call(host, problem, default_run):  # noqa: F811
    probed = sum(t["probed"] for t in default_run.traces("20"))
    assert default_run.captures["calls"] == STEPS + probed  # cfg 1: one call per step, one per probe
    every = exact_run(host, problem, threshold=0.0)
    assert every.success, every.error_message
    assert all(t["probed"] for t in every.traces("20"))
    assert every.captures["calls"] == 2 * STEPS


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_threshold_outside_its_range_fails_validation(host, problem, bad):  # noqa: F811
    result = exact_run(host, problem, threshold=bad)
    assert not result.success and "probe_threshold" in result.error_message, result.error_message
    assert not result.traces("20")  # refused before sampling


def test_settings_refuse_a_bad_threshold_for_callers_that_skip_validation(host):
    bridge = host.pack("bridge")
    errors = host.pack("bridge.errors")
    reward = host.pack("rewards.colour").ColourReward(colour="#ff0000")
    for bad in (-1.0, 2.0, float("nan")):
        with pytest.raises(errors.LagsInputError, match="probe_threshold"):
            bridge.LagsSettings(reward=reward, decoder="taesd", probe_threshold=bad)
    assert bridge.LagsSettings(reward=reward, decoder="taesd", probe_threshold=0.0).probe_threshold == 0.0
