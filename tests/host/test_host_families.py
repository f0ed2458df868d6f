"""Model families through ComfyUI's real samplers: EPS, V-prediction and flow (CONST) models.

- alpha = 0 is bit-exact with core KSampler for every family, at cfg 1 and 4;
- cfg 1 keeps ComfyUI's cfg-1 optimisation: no uncond evaluation, as core KSampler;
- the noise level alpha sees is sigma (EPS) or sigma/(1-sigma) (flow), and sigma = 1 is not guided;
- tiny SD3 (MMDiT) and Flux.1 (guidance distilled, FluxGuidance, cfg 1) models guide with
  euler, euler_ancestral and dpmpp_2m;
- an unknown sampling type and a video model are refused before anything is sampled.

V-prediction and flow models are the tiny SDXL patched by ComfyUI's own ModelSamplingDiscrete
(v_prediction) and ModelSamplingSD3 (shift 3) nodes, as users re-purpose checkpoints.
"""
import math

import pytest
import torch

import prompts
import tiny_models
from fixture_nodes import redness

FAMILIES = tuple(prompts.FAMILY_NODES)
STRENGTH = prompts.TINY_STRENGTH
STEPS = 5
#: Redness gain (guided - unguided, same seed) the tiny SD3/Flux runs must beat; seen over
#: seeds 0-4 and the three samplers: 0.0025 .. 0.026.
MIN_GAIN = 1.5e-3


def with_constant_alpha(prompt: dict, alpha: float) -> dict:
    prompt["11"] = {"class_type": "LAGSScheduleConstant", "inputs": {"alpha": alpha}}
    prompt["20"]["inputs"]["schedule"] = ["11", 0]
    return prompt


def with_call_counter(prompt: dict, label: str = "calls") -> dict:
    """Route the sampler's MODEL through LAGSTest_CountModelCalls (node "8")."""
    prompt["8"] = {"class_type": "LAGSTest_CountModelCalls",
                   "inputs": {"model": prompt["20"]["inputs"]["model"], "label": label}}
    prompt["20"]["inputs"]["model"] = ["8", 0]
    return prompt


def run(host, prompt):
    result = host.run(prompt)
    assert result.success, result.error_message
    return result


def family_run(host, family, alpha=None, **kwargs):
    """Core KSampler (alpha None) or LAGS Weighted Sampler with a constant alpha, calls counted."""
    kwargs = dict(steps=STEPS, scheduler="simple", capture_image=False, **kwargs)
    if alpha is None:
        return run(host, with_call_counter(prompts.family_prompt(family, guided=False, **kwargs)))
    return run(host, with_call_counter(with_constant_alpha(
        prompts.family_prompt(family, guided=True, strength=STRENGTH, **kwargs), alpha)))


def family_pair(host, family, **kwargs):
    """(core KSampler, LAGS Weighted Sampler with alpha = 0) on the same seed."""
    return family_run(host, family, **kwargs), family_run(host, family, alpha=0.0, **kwargs)


@pytest.mark.parametrize("sampler_name", ["euler", "dpmpp_2m"])
@pytest.mark.parametrize("cfg", [1.0, 4.0])
@pytest.mark.parametrize("family", FAMILIES)
def test_alpha_zero_is_bit_exact_with_core_ksampler(host, family, cfg, sampler_name):
    core, lags = family_pair(host, family, cfg=cfg, sampler_name=sampler_name)
    assert torch.equal(lags.captures["latent"]["samples"], core.captures["latent"]["samples"])
    traces = lags.traces("20")
    assert [t["step"] for t in traces] == list(range(1, STEPS + 1)) and not any(t["guided"] for t in traces)


@pytest.mark.parametrize("cfg", [1.0, 4.0])
@pytest.mark.parametrize("family", ["eps", "flow"])
def test_model_calls_match_core_ksampler(host, family, cfg):
    """Batch size of every diffusion-model call: at cfg 1 no uncond is evaluated (batch 1), by the
    sampler or by the probe; at cfg 4 cond and uncond go together (batch 2), as in core KSampler."""
    per_call = 1 if cfg == 1.0 else 2
    core, lags = family_pair(host, family, cfg=cfg)
    assert core.captures["calls"] == [per_call] * STEPS
    assert lags.captures["calls"] == core.captures["calls"]
    guided = family_run(host, family, alpha=1.0, cfg=cfg)
    guided_steps = sum(t["guided"] for t in guided.traces("20"))
    assert guided_steps == (STEPS - 1 if family == "flow" else STEPS)  # flow: sigma = 1 is not guided
    assert guided.captures["calls"] == [per_call] * (STEPS + guided_steps)  # one probe call per guided step


@pytest.mark.parametrize("family", ["eps", "flow"])
def test_default_schedule_sees_the_family_noise_level(host, family):
    """Paper schedule alpha = 1/(1 + 10 level^4): level = sigma (EPS) or sigma/(1-sigma) (flow)."""
    result = run(host, prompts.family_prompt(family, guided=True, strength=STRENGTH, steps=8, scheduler="simple",
                                             capture_image=False))
    traces = result.traces("20")
    assert len(traces) == 8 and any(t["guided"] for t in traces)
    if family == "flow":
        first, traces = traces[0], traces[1:]
        assert first["sigma"] == 1.0 and not first["guided"] and first["alpha"] == 0.0
        assert first["level"] is None or math.isinf(first["level"])
    for t in traces:
        sigma = t["sigma"]
        level = sigma / (1 - sigma) if family == "flow" else sigma
        assert math.isclose(t["level"], level, rel_tol=1e-5), (t, level)
        assert math.isclose(t["alpha"], 1 / (1 + 10 * level**4), rel_tol=1e-5, abs_tol=1e-12), t
    if family == "flow":
        assert all(t["sigma"] < 1 for t in traces)


@pytest.mark.parametrize("sampler_name", ["euler", "euler_ancestral", "dpmpp_2m"])
@pytest.mark.parametrize("kind", ["sd3", "flux"])
def test_tiny_flow_architectures_are_guided(host, kind, sampler_name):
    """Tiny SD3 (cfg 4) and Flux.1 [dev] (FluxGuidance, cfg 1): 16-channel latents, flow row."""
    plain = run(host, prompts.arch_prompt(kind, guided=False, sampler_name=sampler_name, steps=6))
    guided = run(host, prompts.arch_prompt(kind, guided=True, strength=STRENGTH, sampler_name=sampler_name, steps=6))
    latent = guided.captures["latent"]["samples"]
    assert latent.shape == (1, 16, 8, 8) and torch.isfinite(latent).all()
    traces = guided.traces("20")
    assert sum(t["guided"] for t in traces) >= 1 and not traces[0]["guided"]
    assert all(t["guarded"] == 0 for t in traces)
    gain = (redness(guided.captures["image"]) - redness(plain.captures["image"])).item()
    assert gain > MIN_GAIN, gain


class MADE_UP_NOISE(torch.nn.Module):  # noqa: N801 (named like ComfyUI's sampling types)
    """A sampling type whose noise relation is neither VE nor flow: x = x0 + sigma^2 n."""

    def noise_scaling(self, sigma, noise, latent_image, max_denoise=False):
        return latent_image + sigma.view(-1, *([1] * (noise.ndim - 1))) ** 2 * noise


def refused(host, model, label):
    """LAGS Weighted Sampler on an injected model: must fail before sampling."""
    prompt = with_call_counter(prompts.sampler_prompt(strength=STRENGTH, capture_image=False,
                                                      model=("6", 0), steps=2))
    prompt["6"] = {"class_type": "LAGSTest_Model", "inputs": {"key": host.put(label, model)}}
    result = host.run(prompt)
    assert not result.success
    assert result.traces() == [] and "latent" not in result.captures
    assert not result.captures.get("calls")  # the diffusion model never ran
    return result.error_message


def test_unknown_sampling_type_is_refused_before_sampling(host):
    model = tiny_models.tiny_model("sdxl").clone()
    model.add_object_patch("model_sampling", MADE_UP_NOISE())
    message = refused(host, model, "made_up_sampling")
    assert "MADE_UP_NOISE" in message and "nothing was sampled" in message.lower(), message


def test_video_model_is_refused_before_sampling(host):
    import comfy.latent_formats

    model = tiny_models.tiny_model("sdxl")  # a fresh model (not the loader's cached one)
    model.model.latent_format = comfy.latent_formats.Wan21()
    assert model.model.latent_format.latent_dimensions == 3
    message = refused(host, model, "video_model")
    assert "video" in message
