"""A small real conv network wrapped as an EDM-preconditioned denoiser D(x, sigma).

D = c_skip x + c_out F(c_in x): the same structure as ComfyUI's EPS models, with random
weights, so FD-vs-autograd checks run on a genuinely nonlinear network.
"""
import copy

import torch
from torch import nn


class ConvDenoiser(nn.Module):
    def __init__(self, channels: int = 4, width: int = 16, seed: int = 0):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        self.net = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1), nn.SiLU(),
            nn.Conv2d(width, width, 3, padding=1), nn.SiLU(),
            nn.Conv2d(width, channels, 3, padding=1),
        )
        with torch.no_grad():
            for p in self.parameters():  # variance-preserving init, like a trained net's scale
                fan_in = p[0].numel() if p.dim() > 1 else 1
                p.copy_(torch.randn(p.shape, generator=gen) * (1.5 / fan_in**0.5 if p.dim() > 1 else 0.1))

    def forward(self, x, sigma):
        s = torch.as_tensor(sigma, dtype=x.dtype, device=x.device).reshape(-1, 1, 1, 1)
        c_in = 1 / (s**2 + 1).sqrt()
        c_skip = 1 / (s**2 + 1)
        c_out = s / (s**2 + 1).sqrt()
        return c_skip * x + c_out * self.net(c_in * x)


def fp16_network_on_fp32_latent(net: ConvDenoiser):
    """How ComfyUI runs a float16 UNet: the latent stays float32, the network computes in
    float16, and D comes back as float32 (carrying float16 rounding)."""
    half = copy.deepcopy(net).half()

    def denoise(x, sigma):
        return half(x.half(), torch.as_tensor(sigma).half()).float()

    return denoise
