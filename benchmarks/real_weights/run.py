"""One row per (reward, size): gradient RMS, cheaper-path fidelity, and a guided run."""
from __future__ import annotations

import time
from dataclasses import dataclass

from reward_path import RewardPath

from .config import RunConfig
from .fidelity import Fidelity, fidelity
from .photos import image_hw, photo_latents
from .strength import (DEFAULT_STRENGTHS, GuidedRun, guided_run, latent_gradient,
                       make_reward, rms, saved_image, untiled_path)
from .taef2 import TAEF2Decoder


@dataclass
class Row:
    reward: str
    size: str
    strength: float
    grad_rms: float  # of v in guidance units, decode scale 1
    fidelity: Fidelity
    guided: GuidedRun | str  # the run, or why it was skipped


def _guided_or_reason(reward, decoder, z, unguided, limit):
    scale = RewardPath(reward, decoder).decoded_scale(z.shape[-2:])
    pixels = round(z.shape[-2] * scale) * round(z.shape[-1] * scale) * decoder.factor**2
    if pixels > limit:
        return f"skipped: decodes {pixels} pixels per step (limit {limit})"
    try:
        return guided_run(reward, decoder, z, unguided)
    except ValueError as exc:  # the pack refused this reward at this size: a finding, shown in the table
        return f"failed: {exc}"


def run_benchmark(config: RunConfig, log=print) -> list[Row]:
    decoder = TAEF2Decoder()
    rows = []
    for size in config.sizes:
        height, width = image_hw(size)
        z = photo_latents(size, config.photos)
        unguided = saved_image(decoder, z)
        for name in config.rewards:
            start = time.perf_counter()
            reward = make_reward(name)
            v = latent_gradient(untiled_path(reward, decoder, 1.0), z)
            fid = fidelity(reward, decoder, z, v, tiled=size in config.tiled_sizes)
            guided = _guided_or_reason(reward, decoder, z, unguided, config.guided_pixel_limit)
            rows.append(Row(name, f"{width}x{height}", DEFAULT_STRENGTHS[name], rms(v), fid, guided))
            log(f"  {name} at {width}x{height}: {time.perf_counter() - start:.0f} s")
    return rows
