"""A small random conv network as a latent denoiser, in the numeric layouts that matter.

The function is D(x, sigma) = c_skip x + c_out G(c_in x) (EDM preconditioning with
sigma_data = 1: c_skip = 1/(sigma^2+1), c_out = sigma c_in, c_in = 1/sqrt(sigma^2+1)),
G = a few 3x3 conv layers with SiLU and random weights. Like a trained denoiser its
Jacobian decays with sigma (J = c_skip I + c_out c_in G'), unlike a random EPS net.

Layouts (same weights, rounded to float16 once, so they differ only by rounding):
- "float64": the reference; autograd JVPs are taken here;
- "float16": x, every activation and D in float16;
- "float32 x, fp16 EPS net": how ComfyUI runs an fp16 SDXL UNet. The sampler's latent
  stays float32; the network predicts eps = (x - D)/sigma = c_in (sigma h - G(h)),
  h = c_in x, in float16; D = x - sigma * eps.float() in float32. Rounding of eps is
  multiplied by sigma, so D carries absolute error ~ sigma * 2^-11.

float16 layers store activations in float16 but accumulate in float32 (GPU semantics;
CPU float16 convolutions are ~60x slower and would not change the storage rounding).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

LAYOUTS = ("float64", "float16", "float32 x, fp16 EPS net")
INPUT_DTYPES = {"float64": torch.float64, "float16": torch.float16, "float32 x, fp16 EPS net": torch.float32}


class ConvLatentDenoiser:
    def __init__(self, channels: int = 4, width: int = 32, depth: int = 4, seed: int = 0, gain: float = 1.5):
        gen = torch.Generator().manual_seed(seed)
        sizes = [channels] + [width] * (depth - 1) + [channels]
        self.weights, self.biases = [], []
        for c_in, c_out in zip(sizes[:-1], sizes[1:]):
            w = torch.randn(c_out, c_in, 3, 3, generator=gen) * (gain / (9 * c_in) ** 0.5)
            b = torch.randn(c_out, generator=gen) * 0.1
            self.weights.append(w.half().double())  # float16-representable, kept exactly
            self.biases.append(b.half().double())

    def g(self, h: torch.Tensor, storage: torch.dtype) -> torch.Tensor:
        """G(h); storage = float16 rounds every activation to float16."""
        compute = torch.float64 if storage == torch.float64 else torch.float32
        h = h.to(storage)
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = F.conv2d(h.to(compute), w.to(compute), b.to(compute), padding=1)
            if i < len(self.weights) - 1:
                h = F.silu(h)
            h = h.to(storage)
        return h

    def denoiser(self, layout: str):
        """denoise(x, sigma) -> D in the layout's dtype (sigma: [B] or scalar)."""
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}")

        def denoise(x: torch.Tensor, sigma) -> torch.Tensor:
            s = torch.as_tensor(sigma, dtype=x.dtype).reshape(-1, 1, 1, 1)
            c_in = 1 / (s * s + 1).sqrt()
            if layout == "float32 x, fp16 EPS net":
                h, s16, c16 = (c_in * x).half(), s.half(), c_in.half()
                eps = c16 * (s16 * h - self.g(h, torch.float16))
                return x - s * eps.float()
            return c_in * c_in * x + s * c_in * self.g(c_in * x, x.dtype)

        return denoise
