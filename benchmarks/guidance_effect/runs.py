"""Guided runs at several strengths: the peak relative displacement of the denoised image per
step (what the trace reports) against what the saved picture shows.

Same test bed as benchmarks/real_weights (TAEF2 decoder, real photos, the exact Gaussian prior
centred on each photo's latent, sampling from x_T = mu so the unguided run returns the photo),
with guided_denoise called directly so every step's D_q - D is seen.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from benchmarks.real_weights.strength import (DEFAULT_STRENGTHS, GaussianPrior, make_reward, mean_lab,
                                              natural_statistic, saved_image, structure_psnr)
from guidance.effect import relative_displacement, verdict
from guidance.engine import guided_denoise
from guidance.sampling import karras_sigmas
from reward_path import RewardPath
from schedulers import PaperAlpha

ALPHA_C = 10.0


@dataclass
class EffectRow:
    reward: str
    steps: int
    multiple: float  # of the node's default strength
    strength: float
    peak: float  # largest per-step ||D_q - D|| / ||D||
    delta_e: float  # mean-colour shift of the saved picture (CIE76)
    structure_psnr: float  # dB, after removing each picture's mean colour
    statistic: tuple  # the reward's own measure, unguided -> guided
    verdict: str


def guided_effect(name: str, multiple: float, decoder, mu: torch.Tensor, unguided: torch.Tensor, steps: int) -> EffectRow:
    strength = DEFAULT_STRENGTHS[name] * multiple
    reward = make_reward(name, strength)
    path = RewardPath(reward, decoder, decode_scale="auto")
    prior, schedule = GaussianPrior(mu), PaperAlpha(ALPHA_C)
    sigmas = karras_sigmas(steps)
    x, peaks, guided_steps = mu.clone(), [], 0
    for s, s_next in zip(sigmas[:-1], sigmas[1:]):
        sigma = torch.full((x.shape[0],), float(s), dtype=torch.float64)
        result = guided_denoise(prior, path, x, sigma, schedule, method="lags")
        guided = result.diagnostics.guided & ~result.diagnostics.guarded
        moved = relative_displacement(result.update, result.denoised, guided)
        if moved is not None:
            peaks.append(moved)
            guided_steps += 1
        x = x + (x - result.denoised) / float(s) * float(s_next - s)
    after = saved_image(decoder, x)
    with torch.no_grad():
        delta_e = float((mean_lab(after) - mean_lab(unguided)).norm(dim=-1).mean())
        before_stat, after_stat = natural_statistic(reward, unguided).mean(), natural_statistic(reward, after).mean()
    peak = max(peaks) if peaks else 0.0
    return EffectRow(name, steps, multiple, strength, peak, delta_e, float(structure_psnr(after, unguided).mean()),
                     (float(before_stat), float(after_stat)), verdict(peak, guided_steps) or "visible")
