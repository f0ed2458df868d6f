"""CLIP image preprocessing in torch, differentiable from the pixels.

The official pipelines work on PIL images: resize the shortest side to `size`
(bicubic, antialiased), centre-crop `size` x `size`, scale to 0..1, normalise
with the CLIP mean/std. Here the same steps run on ComfyUI IMAGE tensors
[B, H, W, C] in 0..1 so a reward can backpropagate to the pixels.

The two families round the crop offset differently: Hugging Face processors
floor it, torchvision (open_clip) rounds half to even. A one-pixel shift is
invisible in a score but not in a pixel-by-pixel comparison, so both are kept.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

OPENAI_CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_CLIP_STD = (0.26862954, 0.26130258, 0.27577711)

CROP_FLOOR = "floor"  # transformers' center_crop: (H - h) // 2
CROP_ROUND = "round"  # torchvision's CenterCrop: round((H - h) / 2)

RESIZE_SHORTEST = "shortest"
RESIZE_SQUASH = "squash"


@dataclass(frozen=True)
class ClipPreprocess:
    size: int = 224
    mean: tuple = OPENAI_CLIP_MEAN
    std: tuple = OPENAI_CLIP_STD
    crop_rounding: str = CROP_FLOOR
    resize_mode: str = RESIZE_SHORTEST

    def __post_init__(self):
        if self.crop_rounding not in (CROP_FLOOR, CROP_ROUND):
            raise ValueError(f"crop_rounding must be '{CROP_FLOOR}' or '{CROP_ROUND}', got {self.crop_rounding!r}")
        if self.resize_mode not in (RESIZE_SHORTEST, RESIZE_SQUASH):
            raise ValueError(
                f"resize mode {self.resize_mode!r} is not supported (supported: '{RESIZE_SHORTEST}', '{RESIZE_SQUASH}')"
            )

    def __call__(self, images: torch.Tensor) -> torch.Tensor:
        """IMAGE [B, H, W, C>=3] in 0..1 -> normalised pixels [B, 3, size, size]."""
        if images.dim() != 4 or images.shape[-1] < 3:
            raise ValueError(f"expected an IMAGE tensor [B, H, W, C>=3], got shape {tuple(images.shape)}")
        x = images[..., :3].permute(0, 3, 1, 2)
        if self.resize_mode == RESIZE_SQUASH:
            x = _resize(x, self.size, self.size)
        else:
            new_h, new_w = shortest_side_size(x.shape[-2], x.shape[-1], self.size)
            x = _resize(x, new_h, new_w)
            x = centre_crop(x, self.size, self.crop_rounding)
        x = x.clamp(0.0, 1.0)  # the official pipelines see uint8 pixels, never outside 0..1
        mean = torch.tensor(self.mean, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
        std = torch.tensor(self.std, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
        return (x - mean) / std


def shortest_side_size(height: int, width: int, size: int) -> tuple[int, int]:
    """Both libraries: short side = size, long side = int(size * long / short) (truncated)."""
    if height <= width:
        return size, int(size * width / height)
    return int(size * height / width), size


def centre_crop(x: torch.Tensor, size: int, rounding: str) -> torch.Tensor:
    height, width = x.shape[-2], x.shape[-1]
    if height < size or width < size:
        raise ValueError(f"cannot crop {size}x{size} out of {height}x{width}")
    if rounding == CROP_FLOOR:
        top, left = (height - size) // 2, (width - size) // 2
    else:
        top, left = int(round((height - size) / 2.0)), int(round((width - size) / 2.0))
    return x[..., top : top + size, left : left + size]


def _resize(x: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Bicubic resize as PIL does it: a horizontal pass, then a vertical one.

    PIL keeps the intermediate image in uint8, so bicubic overshoot at sharp
    edges is clipped between the passes; clamping after each pass reproduces
    that (to about one grey level, PIL's own rounding). antialias=True uses the
    same separable bicubic kernel (a = -0.5) as PIL.
    """
    compute = x if x.dtype in (torch.float32, torch.float64) else x.float()
    if compute.shape[-1] != width:
        compute = _bicubic(compute, compute.shape[-2], width)
    if compute.shape[-2] != height:
        compute = _bicubic(compute, height, width)
    return compute.to(x.dtype)


def _bicubic(x: torch.Tensor, height: int, width: int) -> torch.Tensor:
    out = F.interpolate(x, size=(height, width), mode="bicubic", align_corners=False, antialias=True)
    return out.clamp(0.0, 1.0)


def from_hf_preprocessor_config(config: dict) -> ClipPreprocess:
    """Read a transformers `preprocessor_config.json` (old int or new dict sizes)."""
    size = config.get("size", 224)
    if isinstance(size, dict):
        size = size.get("shortest_edge") or size.get("height") or 224
    crop = config.get("crop_size", size)
    if isinstance(crop, dict):
        crop = crop.get("height") or crop.get("shortest_edge") or size
    if config.get("resample", 3) != 3:  # 3 = PIL bicubic, what every CLIP processor uses
        raise ValueError(f"preprocessor_config.json asks for resample={config['resample']}; only bicubic (3) is supported")
    if int(crop) != int(size):
        raise ValueError(
            f"preprocessor_config.json resizes to {size} but crops {crop}; only square CLIP crops of the resize size are supported"
        )
    return ClipPreprocess(
        size=int(size),
        mean=tuple(float(v) for v in config.get("image_mean", OPENAI_CLIP_MEAN)),
        std=tuple(float(v) for v in config.get("image_std", OPENAI_CLIP_STD)),
        crop_rounding=CROP_FLOOR,
    )


def from_open_clip_cfg(preprocess_cfg: dict) -> ClipPreprocess:
    """Read open_clip's `model.visual.preprocess_cfg` (torchvision crop rounding)."""
    size = preprocess_cfg.get("size", 224)
    if isinstance(size, (tuple, list)):
        if len(set(size)) != 1:
            raise ValueError(f"non-square open_clip image size {tuple(size)} is not supported")
        size = size[0]
    interpolation = preprocess_cfg.get("interpolation", "bicubic")
    if interpolation != "bicubic":
        raise ValueError(f"open_clip interpolation {interpolation!r} is not supported (only 'bicubic')")
    mean = preprocess_cfg.get("mean", OPENAI_CLIP_MEAN)
    std = preprocess_cfg.get("std", OPENAI_CLIP_STD)
    mean = tuple(float(v) for v in (mean if isinstance(mean, (tuple, list)) else [mean] * 3))
    std = tuple(float(v) for v in (std if isinstance(std, (tuple, list)) else [std] * 3))
    if not all(math.isfinite(v) and v > 0 for v in std):
        raise ValueError(f"open_clip std must be positive, got {std}")
    return ClipPreprocess(
        size=int(size),
        mean=mean,
        std=std,
        crop_rounding=CROP_ROUND,
        resize_mode=preprocess_cfg.get("resize_mode", RESIZE_SHORTEST),
    )
