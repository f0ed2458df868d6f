"""The guidance inputs shared by the sampler node and the MODEL-patch node."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..guidance import DEFAULT_EPSILON, DEFAULT_PROBE_THRESHOLD, METHODS, check_probe_threshold
from ..reward_path.path import AUTO as AUTO_DECODE_SCALE, at_scale
from ..particles import PARTICLE_SCHEDULE_C
from ..schedulers import PaperAlpha
from .errors import LagsInputError

#: Differentiable decoders for pixel rewards: the connected VAE, or TAESD from models/vae_approx.
DECODERS = ("vae", "taesd")

#: decode_scale values offered by the nodes; "auto" lets each reward pick the cheapest
#: faithful scale (reward_path.path.faithful_scale).
DECODE_SCALES = (AUTO_DECODE_SCALE, "1.0", "0.5", "0.25")

#: The paper's schedule, used when no schedule is connected.
DEFAULT_SCHEDULE_C = 10.0


def _decode_scale(value):
    """'auto', or a number in (0, 1] (the combo gives strings)."""
    if value == AUTO_DECODE_SCALE:
        return value
    try:
        scale = float(value)
    except (TypeError, ValueError):
        scale = float("nan")
    if not math.isfinite(scale) or not 0 < scale <= 1:
        raise LagsInputError(f"decode_scale must be 'auto' or a number in (0, 1]; got {value!r}.")
    return scale


def default_schedule(particles: bool = False):
    """The paper's alpha(t); with particles a later one (particles.PARTICLE_SCHEDULE_C), which also
    tempers their weights: the reward at blurry early estimates would resample on noise."""
    return PaperAlpha(PARTICLE_SCHEDULE_C if particles else DEFAULT_SCHEDULE_C)


@dataclass
class LagsSettings:
    reward: Any
    schedule: Any = None
    method: str = "lags"
    epsilon: float = DEFAULT_EPSILON
    decode_scale: Any = AUTO_DECODE_SCALE
    decoder: str = "vae"
    vae: Any = None
    node_id: str | None = None
    particles: bool = False  # sampled with particles (bridge/particle_sampler.py), even one per image
    probe_threshold: float = DEFAULT_PROBE_THRESHOLD  # adaptive probe (guidance.adaptive_probe); 0: every step

    def __post_init__(self):
        if self.schedule is None:
            self.schedule = default_schedule(self.particles)
        if self.reward is None:
            raise LagsInputError("reward: connect a LAGS reward (LAGS_REWARD) to the reward input.")
        if getattr(self.reward, "space", None) not in ("pixel", "latent") or not callable(getattr(self.reward, "log_w", None)):
            raise LagsInputError(f"reward: expected a LAGS reward, got {type(self.reward).__name__}.")
        if self.method not in METHODS:
            raise LagsInputError(f"method must be one of {', '.join(METHODS)}; got {self.method!r}.")
        eps = float(self.epsilon)
        if not math.isfinite(eps) or eps <= 0:
            raise LagsInputError(f"epsilon must be a number > 0 (the finite-difference step, in units of sigma); got {self.epsilon!r}.")
        self.epsilon = eps
        try:
            self.probe_threshold = check_probe_threshold(self.probe_threshold)
        except ValueError as exc:
            raise LagsInputError(f"{exc}.") from exc
        self.decode_scale = _decode_scale(self.decode_scale)
        if self.reward_space == "pixel" and self.decode_scale != AUTO_DECODE_SCALE:
            try:  # a reward that cannot be measured at this scale (frequency) fails here, before sampling
                at_scale(self.reward, self.decode_scale)
            except ValueError as exc:
                raise LagsInputError(f"decode_scale: {exc}") from exc
        if self.decoder not in DECODERS:
            raise LagsInputError(f"decoder must be one of {', '.join(DECODERS)}; got {self.decoder!r}.")
        if self.reward_space == "pixel" and self.decoder == "vae" and self.vae is None:
            raise LagsInputError(
                f"vae: the reward '{self.reward_name}' scores pixels, so LAGS must decode x0: connect a VAE "
                "to the vae input (or set decoder = taesd).")

    @property
    def reward_space(self) -> str:
        return self.reward.space

    @property
    def reward_name(self) -> str:
        describe = getattr(self.reward, "describe", None)
        return describe() if callable(describe) else getattr(self.reward, "name", "reward")
