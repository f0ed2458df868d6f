"""The reward path on its own: differentiable decode, decode_scale, and the once-per-VAE copy."""
import copy

import torch

import prompts
import tiny_models


def test_decode_is_differentiable_unclamped_and_scaled(host):
    from fixture_nodes import RednessReward

    reward_path = host.pack("bridge.reward_path")
    model = tiny_models.tiny_model("sdxl")
    vae = tiny_models.tiny_vae(seed=3)
    with torch.inference_mode():  # as ComfyUI runs prompts
        x0 = torch.randn(2, 4, 8, 8) * 3
        for scale, pixels in ((1.0, 64), (0.5, 32)):
            settings = host.pack("bridge.settings").LagsSettings(reward=RednessReward(1.0), vae=vae,
                                                                 decode_scale=scale)
            path = reward_path.make_reward_path(settings, model.model, x0.device)
            with torch.inference_mode(False), torch.enable_grad():
                x = x0.clone().requires_grad_(True)
                image = path.image(x)
                assert image.shape == (2, pixels, pixels, 3) and image.dtype == torch.float32
                (grad,) = torch.autograd.grad(path(x).sum(), x)
            assert torch.isfinite(grad).all() and grad.abs().sum() > 0
            assert image.min() < 0 or image.max() > 1  # not clamped: saturated pixels keep a gradient
            per_item = grad.flatten(1).abs().sum(1)
            assert (per_item > 0).all()


def test_vae_copy_is_made_once_per_vae(host, monkeypatch):
    trainable = host.pack("bridge.trainable")
    calls = []
    real_deepcopy = copy.deepcopy

    def counting_deepcopy(obj, memo=None):
        if isinstance(obj, torch.nn.Module):
            calls.append(type(obj).__name__)
        return real_deepcopy(obj, memo)

    monkeypatch.setattr(trainable.copy, "deepcopy", counting_deepcopy)
    prompt = prompts.sampler_prompt(strength=prompts.TINY_STRENGTH, steps=5, lags={"vae": ("60", 0)}, capture_image=False)
    prompt["60"] = {"class_type": "LAGSTest_TinyVAE", "inputs": {"seed": 77, "latent_channels": 4}}
    for _ in range(2):
        result = host.run(prompt)
        assert result.success, result.error_message
        assert sum(t["guided"] for t in result.traces("20")) >= 3
    assert calls == ["AutoencoderKL"], calls
    (copies,) = [v for k, v in trainable._cache.items() if k is result_vae_module(host)]
    (vae_copy,) = copies.values()
    assert isinstance(vae_copy.encoder, torch.nn.Identity)  # the encoder is not copied
    assert not any(p.is_inference() for p in vae_copy.parameters())


def result_vae_module(host):
    import fixture_nodes

    return fixture_nodes._VAES[(77, 4)].first_stage_model
    assert trainable.cached_sources() <= trainable.MAX_SOURCES


def test_lean_vae_copy_matches_plain_autograd_on_comfyuis_vae(host):
    """The rewired copy (reward_path/lean_backward.py) on ComfyUI's real VAE classes: the
    ResnetBlocks are fused, every conv saves no input, and gradients are unchanged."""
    decoders = host.pack("bridge.decoders")
    trainable = host.pack("bridge.trainable")
    vae = tiny_models.tiny_vae(seed=5)
    lean = decoders.lean_copy(vae.first_stage_model, "cpu", torch.float32, skip=("encoder",))
    convs, fused = lean.lean_changes
    assert convs > 10 and fused >= 8
    trainable.clear_cache()
    plain = trainable.trainable_copy(vae.first_stage_model, "cpu", torch.float32, skip=("encoder",))
    assert not hasattr(plain, "lean_changes")
    z = torch.randn(1, 4, 6, 6, generator=torch.Generator().manual_seed(0))
    grads = []
    for module in (plain, lean):
        x = z.clone().requires_grad_(True)
        out = module.decode(x)
        grads.append(torch.autograd.grad((out * torch.linspace(-1, 1, out.numel()).view_as(out)).sum(), x)[0])
    assert torch.allclose(grads[0], grads[1], rtol=1e-4, atol=1e-6)
