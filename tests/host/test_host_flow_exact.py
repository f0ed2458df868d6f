"""The exact test bed of test_host_exact.py as a flow-matching (CONST) model: SD3's and Flux.1's
sampling schedules, through ComfyUI's real KSampler.

Same p (2-component Gaussian mixture in a 4x2x2 latent), same latent Gaussian reward w, same
closed-form target q ~ w p; only the model family changes: x = (1-sigma) x0 + sigma n, and the
model's denoiser is p's exact E[x0 | x] for that relation (guidance.mixture.flow_denoiser),
with model_sampling ModelSamplingDiscreteFlow shift 3 (SD3) or ModelSamplingFlux shift 1.15
(Flux.1), as comfy.model_base builds them. Schedule alpha = 1 (LAGS Schedule constant), the
"simple" scheduler flow workflows use. sigma = 1 (step 1, pure noise) is never guided.

Host-free runs of the same set-up (this seed and noise, 20 Euler steps): LAGS lands at
projection mean 0.314 / first-component share 0.662 against q's 0.307 / 0.615, the exact flow of
q at 0.281 / 0.643, and unguided p at -0.033 / 0.483 (fails both tolerances). The VE formula
(the engine's row before model families) lands at 0.18 / 0.575.
"""
import math

import pytest
import torch

import prompts
import tiny_models
from test_host_exact import (D_SHAPE, N, SEED, STEPS, LatentGaussianReward, assert_reaches_q, gaps,  # noqa: F401
                             problem, target_stats)

SCHEDULER = "simple"
FLOWS = ("sd3", "flux")


def sample(host, model, reward=None):
    key = host.put(f"exact_flow_model_{id(model)}", model)
    reward_key = host.put("latent_gaussian_flow", reward) if reward is not None else None
    prompt = prompts.exact_sampler_prompt(key, N, STEPS, SEED, SCHEDULER, reward_key=reward_key, alpha=1.0,
                                          epsilon=host.pack("guidance").DEFAULT_EPSILON)
    result = host.run(prompt)
    assert result.success, result.error_message
    return result.captures["latent"]["samples"].double().flatten(1), result


@pytest.fixture(scope="module", params=FLOWS)
def runs(request, host, problem):  # noqa: F811 (the imported fixture)
    flow = request.param
    lags, lags_result = sample(host, tiny_models.exact_model(problem["p"], flow=flow),
                               LatentGaussianReward(problem["log_w"]))
    exact, _ = sample(host, tiny_models.exact_model(problem["q"], flow=flow))
    plain, _ = sample(host, tiny_models.exact_model(problem["p"], flow=flow))
    return {"flow": flow, "lags": lags, "exact": exact, "plain": plain, "traces": lags_result.traces("20")}


def engine_denoiser(host, mixture, log_w, family):
    """The engine's guided denoiser for the flow form of `mixture`, alpha = 1, host-free (one run:
    the node's default adaptive probe)."""
    guidance = host.pack("guidance")
    schedule = host.pack("schedulers").ConstantAlpha(1.0)
    denoise = host.pack("guidance.mixture").flow_denoiser(mixture)
    probe = guidance.AdaptiveProbe(guidance.DEFAULT_PROBE_THRESHOLD)

    def guided(x, sigma):
        return guidance.guided_denoise(denoise, log_w, x, sigma, schedule, family=family,
                                       probe_policy=probe).denoised

    return guided


def test_host_run_equals_host_free_engine_with_the_flow_row(host, problem, runs):
    """ComfyUI's run applies exactly the engine's flow-row guided denoiser (same sigmas and noise)."""
    import comfy.sample
    import comfy.samplers

    model = tiny_models.exact_model(problem["p"], flow=runs["flow"])
    sampling = model.get_model_object("model_sampling")
    assert host.pack("bridge.model_family").model_family(model) is host.pack("guidance").FLOW
    sigmas = comfy.samplers.calculate_sigmas(sampling, SCHEDULER, STEPS).double()
    assert float(sigmas[0]) == 1.0
    x_t = comfy.sample.prepare_noise(torch.zeros(N, *D_SHAPE), SEED).double()  # CONST at sigma 1: pure noise
    guided = engine_denoiser(host, problem["p"], problem["log_w"], host.pack("guidance").FLOW)
    reference = host.pack("guidance.sampling").sample_euler(guided, x_t, sigmas).flatten(1)
    assert (runs["lags"] - reference).abs().max().item() < 1e-4
    traces = runs["traces"]
    assert [t["step"] for t in traces] == list(range(1, STEPS + 1))
    assert not traces[0]["guided"] and traces[0]["sigma"] == 1.0  # pure noise is never guided
    assert all(t["guided"] and t["alpha"] == 1.0 for t in traces[1:])
    for t in traces[1:]:
        assert math.isclose(t["level"], t["sigma"] / (1 - t["sigma"]), rel_tol=1e-5)


def test_lags_tracks_exact_guidance_per_sample(runs):
    lags_gap, plain_gap = gaps(runs)
    assert lags_gap < 0.05, lags_gap  # host-free: 0.015
    assert plain_gap > 4 * lags_gap, (plain_gap, lags_gap)


def test_lags_matches_closed_form_target(problem, runs):
    """The tolerances of test_host_exact.py; unguided sampling fails both (the test can fail)."""
    q, got = target_stats(problem, runs)
    assert_reaches_q(q, got)
    (plain_mean, plain_first), (q_mean, q_first) = got["plain"], q
    assert abs(plain_mean - q_mean) > 0.1 and abs(plain_first - q_first) > 0.06, (plain_mean, plain_first)


def test_ve_formula_misses_the_flow_target(host, problem):
    """Host-free: at flow sigma 0.5 the flow row's D_q is close to q's exact denoiser; the VE row
    (sigma^2 alpha(sigma) g, the engine's only formula before model families) is not."""
    guidance = host.pack("guidance")
    g = torch.Generator().manual_seed(0)
    sigma = torch.full((256,), 0.5, dtype=torch.float64)
    x0 = problem["p"].sample(256, g)
    x = (1 - sigma[:, None]) * x0 + sigma[:, None] * torch.randn(x0.shape, generator=g, dtype=torch.float64)
    flow_denoiser = host.pack("guidance.mixture").flow_denoiser
    target, base = flow_denoiser(problem["q"])(x, sigma), flow_denoiser(problem["p"])(x, sigma)
    scale = (target - base).norm(dim=1).mean()
    error = {family.name: ((engine_denoiser(host, problem["p"], problem["log_w"], family)(x, sigma) - target)
                           .norm(dim=1).mean() / scale).item() for family in (guidance.FLOW, guidance.VE)}
    # seen: flow 0.10, VE 0.45 of the exact update |D_q - D_p|
    assert error["VE"] > 0.3 and error["VE"] > 3 * error["flow"], error
