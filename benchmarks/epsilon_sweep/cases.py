"""The sweep's cases: the 2-D grid mixture (float64, float32) and a 4x128x128 conv latent
denoiser (float16, and ComfyUI's float32 latent with an fp16 EPS network)."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .conv_denoiser import INPUT_DTYPES, ConvLatentDenoiser
from .fd_error import effective_epsilon, exact_jvp, fd_jvp, relative_errors


@dataclass
class Case:
    name: str
    denoiser: object  # the layout under test
    reference: object  # float64, for autograd
    dtype: torch.dtype
    shape: tuple  # [B, ...]
    draw_clean: object  # (n, generator) -> clean samples [B, ...] float64
    denoiser_dtype: torch.dtype | None = None  # what the network computes in, when not `dtype`


def mixture_cases(batch: int = 256) -> list[Case]:
    from benchmarks.toy2d.problem import ToySettings, grid_mixture

    gm = grid_mixture(ToySettings())
    return [Case(f"2-D mixture, {name}", gm.denoise, gm.denoise, dtype, (batch, 2), lambda n, g: gm.sample(n, g))
            for name, dtype in (("float64", torch.float64), ("float32", torch.float32))]


def conv_cases(size: int = 128) -> list[Case]:
    net = ConvLatentDenoiser()
    ref = net.denoiser("float64")
    clean = lambda n, g: torch.randn(n, 4, size, size, dtype=torch.float64, generator=g)  # unit-variance latent
    return [Case(f"conv 4x{size}x{size}, {layout}", net.denoiser(layout), ref, INPUT_DTYPES[layout], (1, 4, size, size), clean,
                 denoiser_dtype=torch.float16)
            for layout in ("float16", "float32 x, fp16 EPS net")]


def sweep_case(case: Case, sigmas, epsilons, seed: int = 0):
    """errors[i_sigma][i_eps] = max over items of the relative error; eff[i_sigma][i_eps] = max effective epsilon."""
    errors, effective = [], []
    for k, sigma in enumerate(sigmas):
        gen = torch.Generator().manual_seed(seed + k)
        batch = case.shape[0]
        x0 = case.draw_clean(batch, gen)
        x = (x0 + float(sigma) * torch.randn(case.shape, dtype=torch.float64, generator=gen)).to(case.dtype)
        v = torch.randn(case.shape, dtype=torch.float64, generator=gen)
        s = torch.full((batch,), float(sigma), dtype=torch.float64)
        exact = exact_jvp(case.reference, x.double(), s, v)  # at the rounded x: only the FD is judged
        errors.append([float(relative_errors(fd_jvp(case.denoiser, x, s, v, eps, case.denoiser_dtype), exact).max())
                       for eps in epsilons])
        effective.append([float(effective_epsilon(x, s, eps, case.denoiser_dtype).max()) for eps in epsilons])
    return errors, effective
