"""Bad inputs give clear errors, and ComfyUI keeps working for the next prompt."""
import logging

import torch

import prompts
from fixture_nodes import RednessReward

STRENGTH = prompts.TINY_STRENGTH


class NanForFirstItem(RednessReward):
    """Redness reward whose value is NaN for batch item 0 (non-finite guidance there)."""

    def log_w(self, image):
        # Multiplying (not torch.where) keeps the NaN out of item 1's gradient.
        poison = torch.ones(image.shape[0], 1, 1, 1, dtype=image.dtype, device=image.device)
        poison[0] = float("nan")
        return super().log_w(image * poison)


class OutOfMemoryReward(RednessReward):
    def log_w(self, image):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")


class OutOfMemoryAbove(RednessReward):
    """Runs out of memory on images over `max_pixels` (as a small GPU would); judges colour,
    so it declares a quarter-scale decode faithful."""

    def __init__(self, strength, max_pixels):
        super().__init__(strength)
        self.max_pixels = max_pixels
        self.seen = []

    def faithful_decode_scale(self, image_hw):
        return 0.25

    def log_w(self, image):
        self.seen.append(image.shape[1] * image.shape[2])
        if self.seen[-1] > self.max_pixels:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
        return super().log_w(image)


class LatentMean:
    space = "latent"
    name = "latent mean"

    def log_w(self, x0):
        return x0.mean(dim=(1, 2, 3))

    def prepare(self, device, dtype):
        return self


def with_reward(host, reward, **kwargs):
    prompt = prompts.sampler_prompt(strength=STRENGTH, **kwargs)
    prompt["10"] = {"class_type": "LAGSTest_Reward", "inputs": {"key": host.put(type(reward).__name__, reward)}}
    return prompt


def assert_good_prompt_still_runs(host, executor):
    result = host.run(prompts.sampler_prompt(strength=STRENGTH, steps=3), executor=executor)
    assert result.success, result.error_message
    assert any(t["guided"] for t in result.traces("20"))


def test_pixel_reward_without_vae_names_the_vae_input(host):
    executor = host.executor()
    result = host.run(prompts.sampler_prompt(strength=STRENGTH, steps=3, lags={"vae": None}), executor=executor)
    assert not result.success
    assert result.error["node_id"] == "20"
    assert "vae" in result.error_message and "connect a VAE" in result.error_message
    assert_good_prompt_still_runs(host, executor)


def test_epsilon_must_be_positive(host):
    for epsilon in (0.0, -0.5):
        result = host.run(prompts.sampler_prompt(strength=STRENGTH, steps=3, lags={"epsilon": epsilon}))
        assert not result.success and result.validation_error is not None
        assert "epsilon" in str(result.node_errors["20"]), result.node_errors


def test_vae_with_other_latent_channels_is_refused(host):
    executor = host.executor()
    prompt = prompts.sampler_prompt(strength=STRENGTH, steps=3, lags={"vae": ("60", 0)})
    prompt["60"] = {"class_type": "LAGSTest_TinyVAE", "inputs": {"seed": 0, "latent_channels": 16}}
    result = host.run(prompt, executor=executor)
    assert not result.success
    assert "16-channel" in result.error_message and "4-channel" in result.error_message and "vae" in result.error_message
    assert_good_prompt_still_runs(host, executor)


def test_latent_with_other_channels_is_refused(host):
    key = host.put("latent_16ch", {"samples": torch.randn(1, 16, 8, 8)})
    prompt = prompts.sampler_prompt(strength=STRENGTH, steps=3, latent=("40", 0))
    prompt["40"] = {"class_type": "LAGSTest_Latent", "inputs": {"key": key}}
    result = host.run(prompt)
    assert not result.success and "latent_image" in result.error_message and "16 channels" in result.error_message
    # A latent reward involves no VAE: the model's own channel count decides.
    prompt["10"] = {"class_type": "LAGSTest_Reward", "inputs": {"key": host.put("latent_mean", LatentMean())}}
    prompt["20"]["inputs"].pop("vae")
    result = host.run(prompt)
    assert not result.success and "4-channel latents" in result.error_message and not result.traces("20")


def test_non_finite_guidance_falls_back_per_item_with_one_warning(host, caplog):
    plain = host.run(prompts.sampler_prompt(guided=False, batch=2, steps=5))
    assert plain.success, plain.error_message
    with caplog.at_level(logging.WARNING):
        guided = host.run(with_reward(host, NanForFirstItem(STRENGTH), batch=2, steps=5))
    assert guided.success, guided.error_message
    g, p = guided.captures["latent"]["samples"], plain.captures["latent"]["samples"]
    assert torch.allclose(g[0], p[0], atol=1e-5)  # item 0 took the unguided step every time
    assert not torch.allclose(g[1], p[1], atol=1e-3)  # item 1 was guided
    guided_steps = [t for t in guided.traces("20") if t["guided"]]
    assert guided_steps and all(t["guarded"] == 1 for t in guided_steps)
    warnings = [r for r in caplog.records if "not finite" in r.getMessage()]
    assert len(warnings) == 1 and f"for {len(guided_steps)} item-step" in warnings[0].getMessage()


def test_out_of_memory_on_every_path_fails_with_advice(host):
    executor = host.executor()
    result = host.run(with_reward(host, OutOfMemoryReward(STRENGTH), steps=3), executor=executor)
    assert not result.success
    assert "cheapest path" in result.error_message and "taesd" in result.error_message
    assert_good_prompt_still_runs(host, executor)


def test_out_of_memory_retries_the_step_on_a_cheaper_path_and_warns_once(host, caplog):
    reward = OutOfMemoryAbove(STRENGTH, max_pixels=32 * 32)
    prompt = with_reward(host, reward, steps=4)
    prompt["20"]["inputs"]["decode_scale"] = "1.0"  # full size (64x64 px) does not fit, half size does
    with caplog.at_level(logging.WARNING):
        result = host.run(prompt)
    assert result.success, result.error_message
    warnings = [r for r in caplog.records if "out of memory on the reward path" in r.getMessage()]
    assert len(warnings) == 1 and "decode scale 0.5" in warnings[0].getMessage()
    guided = [t for t in result.traces("20") if t["guided"]]
    assert guided and all(t["log_w"] is not None for t in guided)
    assert reward.seen[0] == 64 * 64 and set(reward.seen[-len(guided):]) == {32 * 32}


def test_guidance_patch_reports_missing_vae_too(host):
    prompt = prompts.sampler_prompt(guided=False, steps=3)
    prompt["15"] = {"class_type": "LAGSGuidance", "inputs": {"model": ["1", 0], "reward": ["10", 0], "method": "lags",
                                                            "epsilon": 0.1, "decode_scale": "1.0", "decoder": "vae"}}
    prompt["20"]["inputs"]["model"] = ["15", 0]
    result = host.run(prompt)
    assert not result.success and result.error["node_id"] == "15" and "vae" in result.error_message
