"""What one strength does on real decoded photos: the latent gradient it produces, and the
change a full 30-step guided run makes under an exact Gaussian prior.

The prior N(mu, s^2 I) is centred on a photo's latent, so its denoiser is exact,
D(x, sigma) = mu + s^2 / (s^2 + sigma^2) (x - mu), and linear: the lags finite difference
is exact too, and everything measured here is the reward path (TAEF2 decode, reward,
guidance units) and the engine's schedule, not a denoiser's error. Sampling starts at
x_T = mu without noise, so the unguided run stays exactly at mu (the photo).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch

from guidance.reward_gradient import grad_log_w
from guidance.sampling import GuidedDenoiser, karras_sigmas, sample_euler
from reward_path import RewardPath
from rewards import ColourReward, FrequencyReward
from rewards.colour_space import srgb_to_lab
from rewards.defaults import COLOUR_STRENGTH, FREQUENCY_STRENGTH
from schedulers import PaperAlpha

#: Strength of each benchmarked reward: the nodes' defaults (rewards/defaults.py), calibrated here.
DEFAULT_STRENGTHS = {
    "colour mean": COLOUR_STRENGTH,
    "colour palette": COLOUR_STRENGTH,
    "frequency suppress": FREQUENCY_STRENGTH,
    "frequency favour": FREQUENCY_STRENGTH,
}

TARGET_COLOUR = "#e03c28"
#: Navy / sky blue / sand: a poster palette the photos mostly do not use, so the pull is visible.
PALETTE = "#1b4965, #5fa8d3, #e9c46a"

REWARDS = {
    "colour mean": lambda s: ColourReward(colour=TARGET_COLOUR, strength=s),
    "colour palette": lambda s: ColourReward(palette=PALETTE, strength=s),
    "frequency suppress": lambda s: FrequencyReward(0.25, 0.5, "suppress", s),
    "frequency favour": lambda s: FrequencyReward(0.25, 0.5, "favour", s),  # the node's default band
}

STEPS = 30
ALPHA_C = 10.0


def make_reward(name: str, strength: float | None = None):
    return REWARDS[name](DEFAULT_STRENGTHS[name] if strength is None else strength)


class GaussianPrior:
    """Exact denoiser of N(mu, s^2 I), s^2 = the element variance of each item's latent (per
    item, so a photo's result does not depend on the others in the batch)."""

    def __init__(self, mu: torch.Tensor):
        self.mu = mu
        self.var = mu.double().flatten(1).var(dim=1).reshape(-1, *([1] * (mu.dim() - 1)))

    def __call__(self, x: torch.Tensor, sigma) -> torch.Tensor:
        sigma = torch.as_tensor(sigma, dtype=torch.float64).reshape(-1, *([1] * (x.dim() - 1)))
        shrink = (self.var / (self.var + sigma**2)).to(x.dtype)
        return self.mu + shrink * (x - self.mu)


def rms(t: torch.Tensor) -> float:
    return float(t.double().square().mean().sqrt())


def untiled_path(reward, decoder, scale) -> RewardPath:
    """The reward path at a fixed decode scale, always decoding whole (the reference the
    cheaper paths are compared with; the default budget would tile at 1024^2)."""
    return RewardPath(reward, decoder, decode_scale=scale, budget=math.inf)


def latent_gradient(path: RewardPath, z: torch.Tensor) -> torch.Tensor:
    """v = d log w / d z in guidance units (the engine's own gradient helper)."""
    return grad_log_w(path, z)[1]


def natural_statistic(reward, images: torch.Tensor) -> torch.Tensor:
    """Per item: Delta-E to the colour target / palette, or the band's energy share."""
    if isinstance(reward, ColourReward):
        return 100.0 * reward.distance(images)
    return reward.band_share(images)


def mean_lab(images: torch.Tensor) -> torch.Tensor:
    """[B,H,W,3] -> [B,3] mean CIELAB."""
    return srgb_to_lab(images.double()).mean(dim=(1, 2))


def structure_psnr(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """PSNR (peak 1) per item after removing each image's per-channel mean: a colour cast
    alone does not count as a change of structure."""
    a = a - a.mean(dim=(1, 2), keepdim=True)
    b = b - b.mean(dim=(1, 2), keepdim=True)
    mse = (a - b).double().square().mean(dim=(1, 2, 3))
    return -10.0 * torch.log10(mse.clamp(min=1e-12))


@dataclass
class GuidedRun:
    decode_scale: float  # the scale the reward path decoded at while guiding
    delta_e: list  # mean-colour shift per photo (CIE76)
    before: list  # natural statistic per photo, unguided
    after: list  # ... guided
    structure_psnr: list
    guarded: int  # items the engine fell back to D for (non-finite guidance)
    seconds: float


def saved_image(decoder, z: torch.Tensor) -> torch.Tensor:
    """What a user would save: the full-size decode, clamped, as an IMAGE [B,H,W,3]."""
    with torch.no_grad():
        return decoder.decode(z).clamp(0, 1).movedim(1, -1)


def guided_run(reward, decoder, mu: torch.Tensor, unguided: torch.Tensor | None = None,
               guide_scale="auto") -> GuidedRun:
    """30 Karras steps of Euler with LAGS guidance from x_T = mu, against the unguided result
    (the decode of mu; pass saved_image(decoder, mu) to share it between rewards)."""
    start = time.perf_counter()
    path = RewardPath(reward, decoder, decode_scale=guide_scale)
    denoise = GuidedDenoiser(GaussianPrior(mu), path, PaperAlpha(ALPHA_C), method="lags")
    after = saved_image(decoder, sample_euler(denoise, mu.clone(), karras_sigmas(STEPS)))
    before = saved_image(decoder, mu) if unguided is None else unguided
    with torch.no_grad():
        delta_e = (mean_lab(after) - mean_lab(before)).norm(dim=-1)
        stat_before, stat_after = natural_statistic(reward, before), natural_statistic(reward, after)
    return GuidedRun(path.decoded_scale(mu.shape[-2:]), delta_e.tolist(),
                     stat_before.tolist(), stat_after.tolist(), structure_psnr(after, before).tolist(),
                     denoise.num_guarded, time.perf_counter() - start)
