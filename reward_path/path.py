"""log w(x0) for the engine: decode x0 (pixel rewards), score it, convert to guidance units.

The engine differentiates this function and nothing else. For pixel rewards it picks the
decode scale (`auto`: the cheapest the reward declares faithful), and a memory plan (whole,
item chunks or tiles) that keeps the decoder's autograd within the budget.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .plan import MIN_TILE, plan_decode
from .tiled_decode import decode_tiled
from .unit import reward_guidance_log_w, unit_of

AUTO = "auto"

#: Decoder activation budget (bytes) when the host reports none: with the reward's own
#: tensors this keeps the reward path within 3 GiB at SDXL 1024^2.
DEFAULT_BUDGET = 2.0 * 2**30


def scaled_size(n: int, scale: float) -> int:
    """A side scaled, rounded UP: the decode is never smaller than the scale a reward asked for."""
    return max(1, math.ceil(n * scale - 1e-9))


def downscale_latent(x0: torch.Tensor, scale: float) -> torch.Tensor:
    """Differentiable area downsampling of a [B,C,H,W] latent (decode scale < 1)."""
    if scale >= 1.0:
        return x0
    h, w = x0.shape[-2:]
    return F.interpolate(x0, size=(scaled_size(h, scale), scaled_size(w, scale)), mode="area")


def faithful_scale(reward, image_hw) -> float:
    """The smallest decode scale at which the reward measures what it measures at full size."""
    declared = getattr(reward, "faithful_decode_scale", None)
    return 1.0 if declared is None else min(1.0, float(declared(image_hw)))


def at_scale(reward, scale: float):
    """The reward as it must be computed on an image decoded at `scale`; ValueError where it
    cannot be (the frequency reward refuses any scale below 1)."""
    adapt = getattr(reward, "at_decode_scale", None)
    return reward if adapt is None or scale >= 1.0 else adapt(scale)


class RewardPath:
    """decoder: None for latent rewards, else an object with decode(z) -> [B,3,H,W] in ~0..1
    (differentiable), `factor` (pixels per latent pixel) and `bytes_per_pixel` (decode
    activations per decoded pixel, autograd included)."""

    def __init__(self, reward, decoder=None, decode_scale=AUTO, budget: float = DEFAULT_BUDGET):
        self.reward = reward
        self.decoder = decoder
        self.decode_scale = decode_scale
        self.budget = float(budget)
        self.scale_floor = None  # set by cheaper() when tiling alone did not fit
        self._adapted = {}

    # -- what gets decoded ---------------------------------------------------------------
    def scale_for(self, latent_hw) -> float:
        if self.decoder is None:
            return 1.0
        image_hw = tuple(int(n) * self.decoder.factor for n in latent_hw)
        scale = faithful_scale(self.reward, image_hw) if self.decode_scale == AUTO else float(self.decode_scale)
        if self.scale_floor is not None:
            scale = min(scale, self.scale_floor)
        return scale

    def reward_at(self, scale: float):
        if scale not in self._adapted:
            self._adapted[scale] = at_scale(self.reward, scale)
        return self._adapted[scale]

    def plan_for(self, z: torch.Tensor):
        return self._plan(z.shape[0], z.shape[-2:])

    def _plan(self, batch: int, z_hw):
        return plan_decode(batch, z_hw, self.decoder.factor, self.decoder.bytes_per_pixel, self.budget)

    def check(self, latent_hw) -> None:
        """Raise (before sampling) if the reward cannot be measured at the chosen scale."""
        if self.decoder is not None:
            self.reward_at(self.decoded_scale(latent_hw))

    @staticmethod
    def effective_scale(latent_hw, scale: float) -> float:
        """The scale downscale_latent really applies (sizes are rounded up to whole pixels)."""
        if scale >= 1.0:
            return 1.0
        return min(scaled_size(n, scale) / n for n in latent_hw)

    def decoded_scale(self, latent_hw) -> float:
        """The scale this path decodes a latent of this size at."""
        return self.effective_scale(latent_hw, self.scale_for(latent_hw))

    # -- evaluation ----------------------------------------------------------------------
    def image(self, x0: torch.Tensor) -> torch.Tensor:
        """The IMAGE [B,H,W,C] a pixel reward sees (differentiable in x0)."""
        z = downscale_latent(x0, self.scale_for(x0.shape[-2:]))
        plan = self.plan_for(z)
        return decode_tiled(self.decoder.decode, z, plan.chunk, plan.tile, plan.overlap).movedim(1, -1)

    def natural_log_w(self, x0: torch.Tensor) -> torch.Tensor:
        if self.decoder is None:
            return self.reward.log_w(x0)
        return self.reward_at(self.decoded_scale(x0.shape[-2:])).log_w(self.image(x0))

    def __call__(self, x0: torch.Tensor) -> torch.Tensor:
        """log w in guidance units (unit.py)."""
        if self.decoder is None:
            return reward_guidance_log_w(self.reward, x0, x0)
        return reward_guidance_log_w(self.reward_at(self.decoded_scale(x0.shape[-2:])), self.image(x0), x0)

    def unit(self, x0: torch.Tensor) -> int:
        """Guidance units per natural unit of log w for this latent (traces divide by it)."""
        return unit_of(self.reward, x0)

    # -- out of memory -------------------------------------------------------------------
    def cheaper(self, latent_hw) -> str | None:
        """Step down to a cheaper path after an out-of-memory error: a quarter of the memory
        budget (smaller tiles), then, once tiles are at their smallest, half the decode scale,
        never below the scale the reward declares faithful. None when nothing cheaper is left."""
        if self.decoder is None:
            return None
        z_hw = [scaled_size(n, self.scale_for(latent_hw)) for n in latent_hw]
        plan = self._plan(1, z_hw)
        if plan.tile is None or plan.tile > MIN_TILE:
            self.budget /= 4
            return f"memory budget {self.budget / 2**20:.0f} MiB ({self._plan(1, z_hw).describe()})"
        lower = self.scale_for(latent_hw) / 2
        image_hw = tuple(int(n) * self.decoder.factor for n in latent_hw)
        if lower < faithful_scale(self.reward, image_hw) - 1e-9:
            return None  # below what the reward can judge: better to fail with a clear message
        self.scale_floor = lower
        return f"decode scale {lower:g}"
