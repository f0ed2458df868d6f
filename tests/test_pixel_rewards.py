"""Pixel rewards (colour, frequency): shapes, gradients, ordering, ascent, arguments."""
import math

import pytest
import torch

from rewards import ColourReward, FrequencyReward
from rewards.colour_space import parse_hex_colour, parse_palette, srgb_to_lab

RED, BLUE, GREEN = (0.9, 0.1, 0.1), (0.1, 0.1, 0.9), (0.1, 0.8, 0.2)


def flat(rgb, batch=1, size=16):
    return torch.tensor(rgb, dtype=torch.float32).expand(batch, size, size, 3).clone()


def smooth_image(size=32, seed=0):
    gen = torch.Generator().manual_seed(seed)
    coarse = torch.rand(1, 3, 4, 4, generator=gen)
    up = torch.nn.functional.interpolate(coarse, size=(size, size), mode="bicubic", align_corners=True)
    return up.clamp(0, 1).permute(0, 2, 3, 1).contiguous()


def noisy_image(size=32, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return (smooth_image(size, seed) + 0.3 * torch.randn(1, size, size, 3, generator=gen)).clamp(0, 1)


REWARDS = [
    ColourReward("#e03c28", strength=2.0),
    ColourReward(palette="#e03c28, #1e3c8c #f0e6c8", strength=2.0),
    FrequencyReward(0.25, 0.5, "suppress", strength=3.0),
    FrequencyReward(0.02, 0.1, "favour", strength=3.0),
]


def grad_of(reward, x):
    x = x.detach().clone().requires_grad_(True)
    values = reward.log_w(x)
    (grad,) = torch.autograd.grad(values.sum(), x)
    return values, grad


# --- shapes and gradients -------------------------------------------------------

@pytest.mark.parametrize("reward", REWARDS, ids=lambda r: r.describe())
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_log_w_is_one_value_per_item_with_finite_pixel_gradients(reward, dtype):
    x = torch.cat([noisy_image(24, 1), smooth_image(24, 2), flat(BLUE, size=24)]).to(dtype)
    x = torch.cat([x, torch.zeros(1, 24, 24, 3, dtype=dtype)])  # black: the Lab/sqrt edge cases
    values, grad = grad_of(reward, x)
    assert values.shape == (4,)
    assert torch.isfinite(values).all()
    assert grad.shape == x.shape and torch.isfinite(grad).all()
    assert grad[:2].abs().sum() > 0, "non-trivial images must get a gradient"


@pytest.mark.parametrize("reward", REWARDS, ids=lambda r: r.describe())
def test_rgba_non_square_half_and_out_of_range_inputs_work(reward):
    x = torch.rand(2, 20, 28, 4) * 1.2 - 0.1  # decoded latents overshoot 0..1
    values, grad = grad_of(reward, x)
    assert values.shape == (2,) and torch.isfinite(grad).all()
    assert grad[..., 3].abs().sum() == 0, "the alpha channel is ignored"
    half = reward.log_w(x.half())
    assert half.dtype == torch.float32 and torch.isfinite(half).all()


@pytest.mark.parametrize("reward", REWARDS, ids=lambda r: r.describe())
def test_items_are_scored_independently(reward):
    a, b = noisy_image(16, 3), smooth_image(16, 4)
    together = reward.log_w(torch.cat([a, b]))
    assert torch.allclose(together, torch.cat([reward.log_w(a), reward.log_w(b)]), atol=1e-6)


def test_works_under_inference_mode_when_grad_is_reenabled():
    # The sampler runs inside torch.inference_mode(); guidance differentiates in a window.
    with torch.inference_mode():
        x = noisy_image(16)
        with torch.inference_mode(False), torch.enable_grad():
            for reward in REWARDS:
                _, grad = grad_of(reward, x.clone())
                assert torch.isfinite(grad).all()


# --- the statistics mean what they say -------------------------------------------

def test_colour_space_reference_values():
    lab = srgb_to_lab(torch.tensor([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]], dtype=torch.float64))
    assert torch.allclose(lab[0], torch.tensor([100.0, 0.0, 0.0], dtype=torch.float64), atol=0.02)
    assert torch.allclose(lab[1], torch.zeros(3, dtype=torch.float64), atol=1e-9)
    # sRGB red is about L 53.2, a 80.1, b 67.2 (D65).
    assert torch.allclose(lab[2], torch.tensor([53.24, 80.09, 67.20], dtype=torch.float64), atol=0.05)
    assert parse_hex_colour("#d03020") == pytest.approx((208 / 255, 48 / 255, 32 / 255))
    assert parse_hex_colour("F00") == (1.0, 0.0, 0.0)
    assert parse_palette(" #000000;#ffffff,\n#f00 ") == [(0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (1.0, 0.0, 0.0)]
    assert parse_palette("  ") == []


def test_red_target_prefers_red_over_blue_and_is_zero_on_target():
    reward = ColourReward(RED, strength=1.0)
    scores = reward.log_w(torch.cat([flat(RED), flat((0.7, 0.3, 0.2)), flat(BLUE)]))
    assert scores[0] > scores[1] > scores[2]
    assert scores[0].abs() < 1e-6
    # In Delta-E/100: red vs blue is far (> 1), red vs itself 0.
    assert 1.0 < reward.distance(flat(BLUE)).item() < 2.0


def test_mean_mode_scores_the_mean_colour_not_each_pixel():
    # Half dark red, half light red averages to mid red in Lab: scores near a flat mid red.
    dark, light = srgb_to_lab(torch.tensor([[0.5, 0.05, 0.05], [1.0, 0.45, 0.45]])) / 100
    target_lab = (dark + light) / 2
    split = torch.cat([flat((0.5, 0.05, 0.05), size=8), flat((1.0, 0.45, 0.45), size=8)], dim=1)
    reward = ColourReward(RED)
    reward._target_lab = target_lab[None].double()
    assert reward.distance(split).item() < 1e-3


def test_palette_mode_rewards_pixels_near_any_palette_colour():
    reward = ColourReward(palette=[RED, BLUE], strength=1.0)
    half_and_half = torch.cat([flat(RED)[:, :8], flat(BLUE)[:, 8:]], dim=1)
    on_palette = reward.log_w(torch.cat([flat(RED), flat(BLUE), half_and_half]))
    off_palette = reward.log_w(flat(GREEN))
    assert torch.allclose(on_palette, torch.zeros(3), atol=1e-3)
    assert (off_palette < on_palette - 0.5).all()
    # The single-colour (mean) mode would score the red/blue mix as purple, i.e. far from red.
    assert ColourReward(RED).log_w(half_and_half) < -0.3


def test_noisy_image_has_more_high_band_energy_than_smooth():
    high = FrequencyReward(0.25, 0.5, "favour")
    low = FrequencyReward(0.0, 0.1, "favour")
    smooth, noisy = smooth_image(32), noisy_image(32)
    assert high.band_share(noisy) > 5 * high.band_share(smooth)
    assert low.band_share(smooth) > low.band_share(noisy)
    assert FrequencyReward(0.25, 0.5, "suppress").log_w(smooth) > FrequencyReward(0.25, 0.5, "suppress").log_w(noisy)


def test_band_share_is_a_fraction_and_bands_partition_the_spectrum():
    x = torch.cat([noisy_image(32, 5), smooth_image(32, 6)])
    edges = [0.0, 0.1, 0.25, 0.5, math.sqrt(0.5)]
    shares = [FrequencyReward(lo, hi).band_share(x) for lo, hi in zip(edges[:-1], edges[1:])]
    for s in shares:
        assert ((s >= 0) & (s <= 1)).all()
    # The last band is closed at the corner frequency, so nothing falls outside.
    assert torch.allclose(torch.stack(shares).sum(0), torch.ones(2), atol=1e-5)


def test_band_share_ignores_brightness_and_contrast():
    reward = FrequencyReward(0.25, 0.5)
    x = noisy_image(32)
    base = reward.band_share(x)
    assert torch.allclose(reward.band_share(0.5 * x + 0.2), base, rtol=1e-4)


def test_single_frequency_grating_lands_in_its_band():
    size = 64
    cols = torch.arange(size, dtype=torch.float32)
    for freq in (0.05, 0.3):
        grating = 0.5 + 0.4 * torch.cos(2 * math.pi * freq * cols)
        x = grating.expand(size, size)[None, ..., None].expand(1, size, size, 3).contiguous()
        inside = FrequencyReward(freq - 0.03, freq + 0.03).band_share(x)
        assert inside.item() > 0.9, (freq, inside.item())


# --- gradient ascent improves the statistic --------------------------------------

def ascend(reward, x, steps=40, lr=0.05):
    x = x.detach().clone()
    for _ in range(steps):
        _, grad = grad_of(reward, x)
        x = (x + lr * grad / (grad.abs().max() + 1e-12)).clamp(0, 1)
    return x


def test_ascent_moves_the_mean_colour_towards_the_target():
    reward = ColourReward("#d03020", strength=1.0)
    x = smooth_image(16, 7)
    before = reward.distance(x).item()
    after = reward.distance(ascend(reward, x)).item()
    assert after < 0.5 * before, (before, after)


def test_ascent_moves_pixels_onto_the_palette():
    reward = ColourReward(palette="#d03020 #2040c0 #f0f0f0", strength=1.0)
    x = smooth_image(16, 8)
    before = reward.distance(x).item()
    after = reward.distance(ascend(reward, x, steps=60)).item()
    assert after < 0.5 * before, (before, after)


@pytest.mark.parametrize("mode", ["suppress", "favour"])
def test_ascent_changes_the_band_share_in_the_asked_direction(mode):
    reward = FrequencyReward(0.25, 0.5, mode)
    x = noisy_image(32, 9) if mode == "suppress" else smooth_image(32, 9)
    before = reward.band_share(x).item()
    after = reward.band_share(ascend(reward, x, steps=30, lr=0.02)).item()
    if mode == "suppress":
        assert after < 0.5 * before, (before, after)
    else:
        assert after > 2 * before, (before, after)


def test_strength_scales_log_w_linearly():
    x = noisy_image(16)
    for make in (lambda s: ColourReward("#204060", strength=s), lambda s: FrequencyReward(0.2, 0.4, strength=s)):
        assert torch.allclose(make(3.0).log_w(x), 3 * make(1.0).log_w(x), rtol=1e-5)
        assert make(0.0).log_w(x).abs().max() == 0


# --- arguments --------------------------------------------------------------------

@pytest.mark.parametrize(
    "build, argument",
    [
        (lambda: ColourReward("red"), "colour"),
        (lambda: ColourReward("#12345"), "colour"),
        (lambda: ColourReward((1.0, 2.0, 0.0)), "colour"),
        (lambda: ColourReward((1.0, 0.0)), "colour"),
        (lambda: ColourReward(palette="#ff0000, #zz0000"), "palette"),
        (lambda: ColourReward(strength=-1.0), "strength"),
        (lambda: ColourReward(strength=float("nan")), "strength"),
        (lambda: ColourReward(strength="lots"), "strength"),
        (lambda: ColourReward(softness=0.0), "softness"),
        (lambda: ColourReward(softness="soft"), "softness"),
        (lambda: FrequencyReward(-0.1, 0.2), "f_lo"),
        (lambda: FrequencyReward(0.1, 0.9), "f_hi"),
        (lambda: FrequencyReward(0.3, 0.2), "f_lo must be below f_hi"),
        (lambda: FrequencyReward(0.2, 0.2), "f_lo must be below f_hi"),
        (lambda: FrequencyReward(mode="boost"), "mode"),
        (lambda: FrequencyReward(strength=-2), "strength"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_argument(build, argument):
    with pytest.raises(ValueError, match=argument):
        build()


@pytest.mark.parametrize("reward", REWARDS, ids=lambda r: r.describe())
@pytest.mark.parametrize(
    "bad", [torch.rand(16, 16, 3), torch.rand(1, 3, 16, 16)[..., :2], torch.zeros(1, 8, 8, 3, dtype=torch.uint8)]
)
def test_bad_images_raise_value_error(reward, bad):
    with pytest.raises(ValueError, match="IMAGE|float"):
        reward.log_w(bad)


def test_describe_and_space():
    assert ColourReward("#e03c28").describe() == "colour[mean #e03c28, strength=1]"
    assert "palette" in ColourReward(palette="#000 #fff").describe()
    assert FrequencyReward(0.25, 0.5, "favour", 2).describe() == "frequency[favour 0.25..0.5, strength=2]"
    assert all(r.space == "pixel" for r in REWARDS)


def test_image_borders_do_not_count_as_detail():
    # A smooth left-to-right ramp: an FFT sees a jump where the right edge wraps onto
    # the left one; the Hann window keeps that jump out of the high band.
    size = 64
    ramp = torch.linspace(0.1, 0.9, size).expand(size, size)[None, ..., None].expand(1, size, size, 3)
    assert FrequencyReward(0.25, 0.5).band_share(ramp.contiguous()).item() < 1e-3
