"""The reward path on real decoder weights (TAEF2, shared/weights) and real photos.

Skipped, with the reason, where the weights folder is missing (see
benchmarks/real_weights/taef2.weights_dir; LAGS_WEIGHTS_DIR overrides it)."""
import math
from dataclasses import replace

import pytest
import torch

from benchmarks.real_weights.config import QUICK
from benchmarks.real_weights.photos import image_hw, photo_latents, photos
from benchmarks.real_weights.report import markdown, targets
from benchmarks.real_weights.run import run_benchmark
from benchmarks.real_weights.strength import GuidedRun, latent_gradient, make_reward, rms, untiled_path
from benchmarks.real_weights.taef2 import TAEF2Decoder, load_decoder, load_encoder, weights_dir

needs_weights = pytest.mark.skipif(
    not (weights_dir() / "taef2_decoder.pth").exists() or not (weights_dir() / "taef2_encoder.pth").exists(),
    reason=f"TAEF2 weights not found in {weights_dir()} (CI puts them in ../shared/weights; set LAGS_WEIGHTS_DIR)")


@needs_weights
def test_weights_load_strictly_into_the_layout():
    for module, name in ((load_encoder(), "encoder"), (load_decoder(), "decoder")):
        state = torch.load(weights_dir() / f"taef2_{name}.pth", map_location="cpu", weights_only=True)
        assert set(module.state_dict()) == set(state)  # strict=True already raised otherwise
        assert all(p.dtype == torch.float32 for p in module.parameters())


def test_image_sizes_are_width_by_height():
    assert image_hw(512) == (512, 512)
    assert image_hw("768x512") == (512, 768)
    with pytest.raises(ValueError):
        image_hw("500x500")


@needs_weights
def test_round_trip_keeps_the_photo():
    image = photos(256, ("astronaut",))
    latent = photo_latents(256, ("astronaut",))
    assert latent.shape == (1, 32, 32, 32)
    with torch.no_grad():
        decoded = TAEF2Decoder().decode(latent).clamp(0, 1)
    psnr = -10 * math.log10(float((decoded - image).square().mean()))
    assert psnr > 25, psnr


@needs_weights
def test_colour_gradient_is_resolution_independent_in_guidance_units():
    decoder, reward = TAEF2Decoder(), make_reward("colour mean")
    small, large = (rms(latent_gradient(untiled_path(reward, decoder, 1.0), photo_latents(size, ("astronaut",))))
                    for size in (256, 512))
    assert 1 / 1.5 < small / large < 1.5, (small, large)


@needs_weights
def test_quick_benchmark_computes_the_colour_targets():
    config = replace(QUICK, rewards=("colour mean",))
    rows = run_benchmark(config, log=lambda _: None)
    assert [r.size for r in rows] == ["128x128", "256x256"]
    assert all(isinstance(r.guided, GuidedRun) and r.guided.guarded == 0 for r in rows)
    found = targets(rows)
    delta_e = [m for name, m, _ in found if name.startswith("colour mean ΔE at")]
    assert len(delta_e) == 2 and all(float(m) > 0 for m in delta_e)
    assert any("across sizes" in name for name, _, _ in found)
    text = markdown(rows, "python -m benchmarks.real_weights --quick", "test", config.describe(), "1 s")
    assert "## What this could not measure" in text and "colour mean ΔE at 256x256" in text
