"""CLIP preprocessing in torch against the official (PIL) CLIP image processor."""
import numpy as np
import pytest
import torch

from rewards.clip_preprocess import (CROP_FLOOR, CROP_ROUND, ClipPreprocess, centre_crop,
                                     from_hf_preprocessor_config, from_open_clip_cfg, shortest_side_size)
from learned_reward_models import PREPROCESSOR_CONFIG

transformers = pytest.importorskip("transformers")
Image = pytest.importorskip("PIL.Image")


def _official():
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    return CLIPImageProcessorPil(**{k: v for k, v in PREPROCESSOR_CONFIG.items() if k != "feature_extractor_type"})


def _pattern(kind, h, w, seed):
    g = torch.Generator().manual_seed(seed)
    if kind == "smooth":
        low = torch.rand(1, 3, 8, 8, generator=g)
        return torch.nn.functional.interpolate(low, size=(h, w), mode="bilinear", align_corners=False)[0].permute(1, 2, 0)
    if kind == "edges":  # hard edges: bicubic overshoot, clipped by PIL between its two passes
        yy, xx = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
        c = (((yy // 37) + (xx // 53)) % 2).float()
        return torch.stack([c, 1 - c, 0.5 * c + 0.25], -1)
    return torch.rand(h, w, 3, generator=g)


@pytest.mark.parametrize("kind", ["smooth", "edges", "noise"])
@pytest.mark.parametrize("size", [(512, 512), (768, 1024), (1216, 832), (200, 300)])
def test_matches_official_processor(kind, size):
    h, w = size
    u8 = (_pattern(kind, h, w, seed=h + w) * 255).round().to(torch.uint8)
    ref = _official()(Image.fromarray(u8.numpy()), return_tensors="np")["pixel_values"]
    ref = torch.from_numpy(np.array(ref))
    ours = from_hf_preprocessor_config(PREPROCESSOR_CONFIG)((u8.float() / 255)[None])
    assert ours.shape == ref.shape == (1, 3, 224, 224)
    diff = (ours - ref).abs()
    # The processor rounds to uint8 after each resize pass: one grey level is 1/255/0.2613 = 0.015.
    assert diff.mean().item() < 1e-2
    assert diff.max().item() < 2e-2, diff.max().item()


def test_sizes_and_crop_rounding():
    assert shortest_side_size(832, 1216, 224) == (224, 327)
    assert shortest_side_size(1216, 832, 224) == (327, 224)
    x = torch.arange(327.0).view(1, 1, 1, 327).expand(1, 1, 224, 327)
    assert centre_crop(x, 224, CROP_FLOOR)[0, 0, 0, 0].item() == 51  # transformers: (327-224)//2
    assert centre_crop(x, 224, CROP_ROUND)[0, 0, 0, 0].item() == 52  # torchvision: round(51.5)


def test_preprocess_is_differentiable_and_reads_configs():
    images = torch.rand(2, 100, 140, 3, requires_grad=True)
    out = ClipPreprocess()(images)
    out.square().sum().backward()
    assert images.grad is not None and torch.isfinite(images.grad).all() and images.grad.abs().sum() > 0
    hf = from_hf_preprocessor_config({"size": {"shortest_edge": 336}, "crop_size": {"height": 336, "width": 336},
                                      "image_mean": [0.5] * 3, "image_std": [0.5] * 3})
    assert (hf.size, hf.mean, hf.crop_rounding) == (336, (0.5, 0.5, 0.5), CROP_FLOOR)
    oc = from_open_clip_cfg({"size": (224, 224), "mean": 0.5, "std": 0.5, "interpolation": "bicubic"})
    assert (oc.size, oc.std, oc.crop_rounding) == (224, (0.5, 0.5, 0.5), CROP_ROUND)
    with pytest.raises(ValueError, match="not supported"):
        from_open_clip_cfg({"interpolation": "bilinear"})
    with pytest.raises(ValueError, match="only bicubic"):
        from_hf_preprocessor_config({**PREPROCESSOR_CONFIG, "resample": 2})
