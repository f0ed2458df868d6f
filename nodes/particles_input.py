"""The `particles` input of LAGS Weighted Sampler and its validation."""
from __future__ import annotations

from comfy_api.latest import io

from ..particles import SUPPORTED_SAMPLERS

#: K above this is refused: the UNet batch is batch x K, and the gain flattens long before.
MAX_PARTICLES = 64


def particles_input() -> io.Int.Input:
    return io.Int.Input(
        "particles", default=1, min=1, max=MAX_PARTICLES,
        tooltip="Particles per output image. 1: plain LAGS. K > 1 samples K candidates per image, keeps re-drawing "
                "the ones the reward favours during sampling (sequential Monte Carlo), and returns one per image: "
                "it reaches global attributes (layout, colour cast, class mix) that guidance alone misses, at about "
                f"K times the cost. Needs a stochastic sampler: {', '.join(SUPPORTED_SAMPLERS)}.")


def particles_error(particles, sampler_name) -> str | None:
    """None, or the message ComfyUI shows when the prompt is queued."""
    try:
        k = int(particles)
    except (TypeError, ValueError):
        return f"particles must be a whole number; got {particles!r}."
    if k != particles or not 1 <= k <= MAX_PARTICLES:
        return f"particles must be a whole number from 1 to {MAX_PARTICLES}; got {particles!r}."
    if k > 1 and sampler_name not in SUPPORTED_SAMPLERS:
        return (f"particles = {k} needs one of the samplers {', '.join(SUPPORTED_SAMPLERS)} (a stochastic sampler "
                f"lets resampled copies part ways); got {sampler_name!r}. Set particles to 1 to use {sampler_name!r}.")
    return None
