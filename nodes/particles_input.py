"""The `particles` input of LAGS Weighted Sampler and its validation."""
from __future__ import annotations

from comfy_api.latest import io

from ..particles import SUPPORTED_SAMPLERS

#: K above this is refused: the UNet batch is batch x K, and the gain flattens long before.
MAX_PARTICLES = 64


#: How particles compete: each output image draws from its own K particles (independent images),
#: or the batch's B x K particles are resampled together and B images drawn systematically (the
#: batch's mix follows the weights: fairness).
SCOPES = ("each image", "whole batch")


def particles_inputs() -> list:
    return [_particles(), io.Combo.Input(
        "particles_compete", options=list(SCOPES), default=SCOPES[0], optional=True,
        tooltip="each image: every output image comes from its own K particles, so images are independent. "
                "whole batch: all the batch's particles compete together and the batch is drawn from them at once, "
                "so the batch as a whole follows the reward (use it for fairness: a batch of 8 gets close to the "
                "target class mix); images are then not independent of each other. With particles = 1 the batch's "
                "own images are the particles: no extra cost.")]


def _particles() -> io.Int.Input:
    return io.Int.Input(
        "particles", default=1, min=1, max=MAX_PARTICLES, optional=True,  # optional: older prompts lack it
        tooltip="Particles per output image. 1: plain LAGS. K > 1 samples K candidates per image, keeps re-drawing "
                "the ones the reward favours during sampling (sequential Monte Carlo), and returns one per image: "
                "it reaches global attributes (layout, colour cast, class mix) that guidance alone misses, at about "
                f"K times the cost. Needs a stochastic sampler: {', '.join(SUPPORTED_SAMPLERS)}.")


def uses_particles(particles, particles_compete) -> bool:
    """Sequential Monte Carlo runs for K > 1, and for a whole batch competing even at K = 1."""
    return particles > 1 or particles_compete == SCOPES[1]


def particles_error(particles, sampler_name, particles_compete=SCOPES[0]) -> str | None:
    """None, or the message ComfyUI shows (at validation, or when the node runs). None values (a
    linked input before the graph runs) are not judged."""
    if particles is None:
        return None
    try:
        k = int(particles)
    except (TypeError, ValueError):
        return f"particles must be a whole number; got {particles!r}."
    if k != particles or not 1 <= k <= MAX_PARTICLES:
        return f"particles must be a whole number from 1 to {MAX_PARTICLES}; got {particles!r}."
    if particles_compete is not None and particles_compete not in SCOPES:
        return f"particles_compete must be one of {', '.join(SCOPES)}; got {particles_compete!r}."
    if sampler_name is not None and uses_particles(k, particles_compete) and sampler_name not in SUPPORTED_SAMPLERS:
        what = f"particles = {k}" if k > 1 else "particles_compete = whole batch"
        return (f"{what} needs one of the samplers {', '.join(SUPPORTED_SAMPLERS)} (a stochastic sampler "
                f"lets resampled copies part ways); got {sampler_name!r}. Set particles to 1 (and particles_compete to "
                f"each image) to use {sampler_name!r}.")
    return None
