"""Real photos (bundled with scikit-image, no download) and their TAEF2 latents."""
from __future__ import annotations

import numpy as np
import torch
from skimage import data
from skimage.transform import resize

from .taef2 import FACTOR, load_encoder

#: Colourful photos of different content: a portrait, food, an animal, a rocket and sky.
PHOTOS = ("astronaut", "coffee", "chelsea", "rocket")


def image_hw(size) -> tuple[int, int]:
    """512 -> (512, 512); "768x512" (width x height) -> (512, 768); (h, w) stays."""
    if isinstance(size, str):
        width, _, height = size.lower().partition("x")
        size = (int(height or width), int(width))
    height, width = (size, size) if isinstance(size, int) else size
    if height % FACTOR or width % FACTOR:
        raise ValueError(f"image size {width}x{height} is not a multiple of {FACTOR}")
    return int(height), int(width)


def _centre_crop(rgb: np.ndarray, aspect: float) -> np.ndarray:
    """The largest centred crop with width / height = aspect."""
    height, width = rgb.shape[:2]
    if width / height > aspect:
        keep = round(height * aspect)
        left = (width - keep) // 2
        return rgb[:, left:left + keep]
    keep = round(width / aspect)
    top = (height - keep) // 2
    return rgb[top:top + keep]


def photos(size, names=PHOTOS) -> torch.Tensor:
    """[B,3,H,W] float32 in 0..1: each photo centre-cropped to the aspect ratio and resized
    (anti-aliased when shrinking; the small photos are upsampled for 1024^2)."""
    height, width = image_hw(size)
    out = []
    for name in names:
        rgb = getattr(data, name)()[..., :3].astype(np.float64) / 255.0
        crop = _centre_crop(rgb, width / height)
        out.append(np.clip(resize(crop, (height, width), order=3, anti_aliasing=True), 0.0, 1.0))
    return torch.from_numpy(np.stack(out)).permute(0, 3, 1, 2).float().contiguous()


def photo_latents(size, names=PHOTOS) -> torch.Tensor:
    """TAEF2 latents [B,32,H/8,W/8] (float32) of photos(size, names)."""
    with torch.no_grad():
        return load_encoder()(photos(size, names).to(memory_format=torch.channels_last)).contiguous()
