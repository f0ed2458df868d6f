"""The reward interface carried on the LAGS_REWARD socket."""
from __future__ import annotations

import torch

PIXEL = "pixel"
LATENT = "latent"


class Reward:
    """log w(x) per item. Subclasses set `space` and implement `log_w`.

    `log_w` must be differentiable in its input and return a [B] tensor. It may be
    called under torch.inference_mode(False) + enable_grad() with a float32 input;
    models it owns must not be inference tensors (see rewards' `prepare`).
    """

    space: str = PIXEL
    name: str = "reward"

    def log_w(self, x: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.log_w(x)

    def prepare(self, device: torch.device, dtype: torch.dtype) -> "Reward":
        """Move owned weights to where sampling runs; default: nothing to move."""
        return self

    def describe(self) -> str:
        return self.name

    def faithful_decode_scale(self, image_hw) -> float:
        """Smallest decode scale (fraction of the full image size) at which this reward still
        measures what it measures at full size; unknown rewards need full size."""
        return 1.0

    def at_decode_scale(self, scale: float) -> "Reward":
        """This reward as computed on an image decoded at `scale` of the full size (rewards
        defined in full-size pixel units rescale them); ValueError if it cannot be measured."""
        return self


class CombinedReward(Reward):
    """log w = sum_i lambda_i log w_i over rewards living in the same space."""

    name = "combined"

    def __init__(self, terms):
        terms = [(r, float(lam)) for r, lam in terms]
        if not terms:
            raise ValueError("rewards: Reward Combine needs at least one reward")
        spaces = {r.space for r, _ in terms}
        if len(spaces) != 1:
            raise ValueError(f"rewards: cannot combine rewards of different spaces {sorted(spaces)}")
        self.terms = terms
        self.space = spaces.pop()

    def log_w(self, x):
        return sum(lam * r.log_w(x) for r, lam in self.terms)

    def prepare(self, device, dtype):
        for r, _ in self.terms:
            r.prepare(device, dtype)
        return self

    def faithful_decode_scale(self, image_hw):
        return max(r.faithful_decode_scale(image_hw) for r, _ in self.terms)

    def at_decode_scale(self, scale):
        return CombinedReward([(r.at_decode_scale(scale), lam) for r, lam in self.terms])

    def describe(self):
        return " + ".join(f"{lam:g}*{r.describe()}" for r, lam in self.terms)
