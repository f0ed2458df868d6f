"""The in-host exact test bed of tests/host/test_host_exact.py, host-free (guidance.sampling's Euler).

p: two overlapping Gaussians (means +-0.7 u, std 0.7) in d = 16 (a 4x2x2 latent), w a broad
latent Gaussian (centre 1.5 u, tau 2), q = w p in closed form, whose exact denoiser gives the
exact guided flow. Data on the unit scale of SD latents, unlike the 2-D benchmark's 0.08-wide
components: the scale decides where J v approaches J0 v.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from guidance.mixture import GaussianMixture, gaussian_log_weight
from guidance.sampling import GuidedDenoiser, karras_sigmas, sample_euler

DIM, MU, STD, TAU, CENTRE = 16, 0.7, 0.7, 2.0, 1.5
N, SEED = 1024, 5


@dataclass
class BedRun:
    threshold: float
    samples: torch.Tensor
    probed: int  # guided steps that probed
    guided: int  # guided steps
    gap: float  # mean distance to the exact guided flow's samples / their spread
    moved: float  # mean distance to the probe-every-step run's samples / the same spread


def exact_bed():
    u = torch.ones(DIM, dtype=torch.float64) / 4.0
    p = GaussianMixture([0.5, 0.5], torch.stack([MU * u, -MU * u]), torch.tensor([STD**2, STD**2]))
    return p, p.weighted_by_gaussian(CENTRE * u, TAU), gaussian_log_weight(CENTRE * u, TAU)


def run_bed(thresholds, steps: int, schedule, n: int = N) -> list[BedRun]:
    """Euler on Karras sigmas (SD/SDXL range) from the same noise; the first threshold is the reference."""
    p, q, log_w = exact_bed()
    sigmas = karras_sigmas(steps)
    bound = schedule.bind(sigmas)
    x = torch.randn(n, DIM, dtype=torch.float64, generator=torch.Generator().manual_seed(SEED))
    x = x * math.sqrt(1.0 + float(sigmas[0]) ** 2)  # EPS noise scaling at sigma_max, as ComfyUI starts
    exact = sample_euler(q.denoise, x, sigmas)
    spread = (exact - exact.mean(0)).norm(dim=1).mean()
    runs, reference = [], None
    for threshold in thresholds:
        guided = GuidedDenoiser(p.denoise, log_w, bound, probe_threshold=threshold)
        out = sample_euler(guided, x, sigmas)
        reference = out if reference is None else reference
        runs.append(BedRun(threshold, out, guided.probe.probed, guided.probe.probed + guided.probe.skipped,
                           float((out - exact).norm(dim=1).mean() / spread),
                           float((out - reference).norm(dim=1).mean() / spread)))
    return runs
