"""reward_path.RewardPath: guidance units, auto decode scale, band mapping, OOM step-down."""
import pytest
import torch

from reward_path import RewardPath, latent_pixels
from rewards import ColourReward, CombinedReward, FrequencyReward


class UpsampleDecoder:
    """A smooth, local stand-in decoder: channel mix to RGB, then 8x bilinear upsampling."""

    factor = 8
    bytes_per_pixel = 100.0

    def __init__(self):
        self.mix = torch.tensor([[0.6, 0.2, 0.1], [0.1, 0.5, 0.2], [0.2, 0.1, 0.6], [0.1, 0.1, 0.1]])
        self.decoded = []

    def decode(self, z):
        self.decoded.append(tuple(z.shape[-2:]))
        rgb = torch.einsum("bchw,cd->bdhw", z, self.mix.to(z.dtype))
        up = torch.nn.functional.interpolate(rgb, scale_factor=self.factor, mode="bilinear", align_corners=False)
        return torch.sigmoid(up)


def _smooth_latent(h, w, seed=0):
    coarse = torch.randn(1, 4, 4, 4, generator=torch.Generator().manual_seed(seed))
    return torch.nn.functional.interpolate(coarse, size=(h, w), mode="bicubic", align_corners=True)


def _grad_rms(path, x0):
    x0 = x0.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(path(x0).sum(), x0)
    return grad.square().mean().sqrt().item()


def test_guidance_units_make_the_latent_gradient_independent_of_resolution():
    reward = ColourReward(colour="#e03c28", strength=3.0)
    rms = {size: _grad_rms(RewardPath(reward, UpsampleDecoder(), 1.0), _smooth_latent(*size))
           for size in [(32, 32), (64, 64), (48, 80)]}
    assert max(rms.values()) / min(rms.values()) < 1.2, rms
    # Without the unit the 64x64 gradient is 4x smaller than the 32x32 one (why the unit exists).
    natural = {size: rms[size] / latent_pixels(_smooth_latent(*size)) for size in [(32, 32), (64, 64)]}
    assert natural[(32, 32)] / natural[(64, 64)] == pytest.approx(4.0, rel=0.2)


def test_values_are_natural_log_w_times_latent_pixels():
    reward = ColourReward(colour="#2050e0", strength=2.0)
    x0 = _smooth_latent(16, 24)
    path = RewardPath(reward, UpsampleDecoder(), 1.0)
    expected = reward.log_w(path.image(x0)) * 16 * 24
    assert torch.allclose(path(x0), expected)
    assert torch.allclose(path.natural_log_w(x0), reward.log_w(path.image(x0)))


class PerImageReward(ColourReward):
    """A colour statistic declared per image (as the fairness re-weighting is)."""

    per_image = True


def test_per_image_rewards_keep_their_own_log_w_and_combinations_apply_each_terms_unit():
    x0 = _smooth_latent(16, 24)
    path = RewardPath(PerImageReward(colour="#2050e0", strength=2.0), UpsampleDecoder(), 1.0)
    assert torch.allclose(path(x0), path.natural_log_w(x0)) and path.unit(x0) == 1
    pixel, image = ColourReward(colour="#e03c28", strength=1.0), PerImageReward(colour="#2050e0", strength=1.0)
    mixed = RewardPath(CombinedReward([(pixel, 0.5), (image, 2.0)]), UpsampleDecoder(), 1.0)
    decoded = mixed.image(x0)
    expected = 0.5 * pixel.log_w(decoded) * 16 * 24 + 2.0 * image.log_w(decoded)
    assert torch.allclose(mixed(x0), expected) and mixed.unit(x0) == 16 * 24


@pytest.mark.parametrize("reward, scale", [
    (ColourReward(strength=1.0), 0.25),
    (ColourReward(palette="#ff0000, #0000ff", strength=1.0), 0.5),
    (FrequencyReward(0.25, 0.5, "suppress", 1.0), 1.0),
    (FrequencyReward(0.02, 0.1, "favour", 1.0), 1.0),  # a share of the whole spectrum: always full size
    (CombinedReward([(ColourReward(strength=1.0), 1.0), (ColourReward(palette="#fff, #000", strength=1.0), 1.0)]), 0.5),
    (CombinedReward([(ColourReward(strength=1.0), 1.0), (FrequencyReward(0.02, 0.2, "favour", 1.0), 1.0)]), 1.0),
])
def test_auto_decodes_at_the_scale_the_reward_declares(reward, scale):
    decoder = UpsampleDecoder()
    path = RewardPath(reward, decoder, "auto")
    assert path.scale_for((64, 64)) == pytest.approx(scale)
    path(_smooth_latent(64, 64))
    assert decoder.decoded[-1] == (round(64 * scale), round(64 * scale))


@pytest.mark.parametrize("band", [(0.25, 0.5), (0.02, 0.1)])
def test_frequency_reward_refuses_any_smaller_decode_naming_band_and_scale(band):
    reward = FrequencyReward(*band, "suppress", 1.0)
    assert RewardPath(reward, UpsampleDecoder(), "auto").decoded_scale((64, 64)) == 1.0
    with pytest.raises(ValueError, match=rf"band {band[0]:g}-{band[1]:g} .* decode scale 0.5"):
        RewardPath(reward, UpsampleDecoder(), 0.5).check((64, 64))


class DeclaresOneFifth(ColourReward):
    """Faithful down to scale 0.2 and not below (refuses smaller decodes, as a band reward would)."""

    def faithful_decode_scale(self, image_hw):
        return 0.2

    def at_decode_scale(self, scale):
        if scale < 0.2:
            raise ValueError(f"scale {scale} is below 0.2")
        return self


@pytest.mark.parametrize("latent_hw", [(32, 32), (96, 64), (13, 7)])
def test_sizes_round_up_so_auto_never_decodes_below_the_declared_scale(latent_hw):
    path = RewardPath(DeclaresOneFifth(strength=1.0), UpsampleDecoder(), "auto")
    assert path.decoded_scale(latent_hw) >= 0.2  # 32 * 0.2 = 6.4: rounding to 6 would give 0.1875
    path(_smooth_latent(*latent_hw))  # and it runs


def test_latent_rewards_are_scaled_too():
    class LatentMean:
        space = "latent"

        def log_w(self, x):
            return x.mean(dim=(1, 2, 3))

    x0 = _smooth_latent(8, 8)
    assert torch.allclose(RewardPath(LatentMean(), None)(x0), x0.mean(dim=(1, 2, 3)) * 64)


def test_out_of_memory_steps_down_budget_then_scale_then_gives_up():
    decoder = UpsampleDecoder()
    path = RewardPath(ColourReward(strength=1.0), decoder, 1.0, budget=64 * 64 * 64 * decoder.bytes_per_pixel)
    steps = []
    while (step := path.cheaper((64, 64))) is not None:
        steps.append(step)
        assert len(steps) < 20
    assert any("budget" in s for s in steps) and any("decode scale" in s for s in steps)
    assert path.scale_for((64, 64)) < 1.0
    # A full-size band cannot go below full scale: only the budget steps down.
    freq = RewardPath(FrequencyReward(0.25, 0.5, "suppress", 1.0), decoder, "auto", budget=1e9)
    freq_steps = []
    while (step := freq.cheaper((64, 64))) is not None:
        freq_steps.append(step)
    assert freq_steps and all("budget" in s for s in freq_steps) and freq.scale_for((64, 64)) == 1.0
