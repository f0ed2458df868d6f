"""TAEF2 (the TAESD-family tiny autoencoder for FLUX.2's 32-channel latents), as plain torch
modules matching the shipped .pth layout (see shared/weights/README.md).

ComfyUI's TAESD class has no GroupNorm branch and cannot load these files; the modules here
load them with strict=True, which is the proof the layout is right.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import torch
from torch import nn

REPO = Path(__file__).resolve().parents[2]
LATENT_CHANNELS = 32
WIDTH = 64
FACTOR = 8

#: Decode memory per decoded pixel with autograd (float32), for RewardPath's memory plan:
#: autograd saved ~2,400 bytes at 256^2 (measured with saved-tensor hooks), plus the
#: transient 64-channel gradients of the backward.
BYTES_PER_PIXEL = 3000.0


def weights_dir() -> Path:
    """LAGS_WEIGHTS_DIR, else shared/weights next to the repository (where CI puts it)."""
    override = os.environ.get("LAGS_WEIGHTS_DIR")
    return Path(override) if override else REPO.parent / "shared" / "weights"


def _conv(n_in: int, n_out: int, **kwargs) -> nn.Conv2d:
    return nn.Conv2d(n_in, n_out, 3, padding=1, **kwargs)


class Block(nn.Module):
    """Residual block; `pooled` adds the GroupNorm branch of the latent-resolution blocks
    to the input before the convs (and the skip)."""

    def __init__(self, pooled: bool = False):
        super().__init__()
        self.conv = nn.Sequential(_conv(WIDTH, WIDTH), nn.ReLU(), _conv(WIDTH, WIDTH), nn.ReLU(), _conv(WIDTH, WIDTH))
        if pooled:
            self.pool = nn.Sequential(nn.Conv2d(WIDTH, 4 * WIDTH, 1, bias=False), nn.GroupNorm(4, 4 * WIDTH), nn.ReLU(),
                                      nn.Conv2d(4 * WIDTH, WIDTH, 1, bias=False))

    def forward(self, x):
        if hasattr(self, "pool"):
            x = x + self.pool(x)
        return torch.relu(self.conv(x) + x)


class Clamp(nn.Module):
    """Soft clamp of the decoder input to about +-3 (TAESD convention)."""

    def forward(self, x):
        return torch.tanh(x / 3) * 3


def encoder_module() -> nn.Sequential:
    layers = [_conv(3, WIDTH), Block()]
    for level in range(3):
        layers += [_conv(WIDTH, WIDTH, stride=2, bias=False)] + [Block(pooled=level == 2) for _ in range(3)]
    return nn.Sequential(*layers, _conv(WIDTH, LATENT_CHANNELS))


def decoder_module() -> nn.Sequential:
    layers = [Clamp(), _conv(LATENT_CHANNELS, WIDTH), nn.ReLU()] + [Block(pooled=True) for _ in range(3)]
    for blocks in (3, 3, 1):
        layers += [nn.Upsample(scale_factor=2), _conv(WIDTH, WIDTH, bias=False)] + [Block() for _ in range(blocks)]
    return nn.Sequential(*layers, _conv(WIDTH, 3))


def _load(module: nn.Module, name: str) -> nn.Module:
    path = weights_dir() / f"taef2_{name}.pth"
    state = torch.load(path, map_location="cpu", weights_only=True)
    # The files are fp16; float32 modules keep the reward gradient free of fp16 rounding.
    module.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
    # channels_last: about 1.5x faster 3x3 convs on CPU (oneDNN), forward and backward.
    return module.eval().requires_grad_(False).to(memory_format=torch.channels_last)


@lru_cache(maxsize=1)
def load_encoder() -> nn.Module:
    """(Cached, shared.) RGB [B,3,H,W] in 0..1 -> latent [B,32,H/8,W/8]."""
    return _load(encoder_module(), "encoder")


@lru_cache(maxsize=1)
def load_decoder() -> nn.Module:
    """(Cached, shared.) latent [B,32,h,w] -> RGB [B,3,8h,8w], about 0..1 (unclamped)."""
    return _load(decoder_module(), "decoder")


class TAEF2Decoder:
    """The decoder as RewardPath expects it: decode(z) -> [B,3,H,W] in ~0..1, differentiable."""

    factor = FACTOR
    bytes_per_pixel = BYTES_PER_PIXEL

    def __init__(self, module: nn.Module | None = None):
        self.module = module if module is not None else load_decoder()

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.module(z.to(torch.float32, memory_format=torch.channels_last))
