"""What the benchmark runs: sizes, sampler settings and the variants compared (host-free)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Variant:
    label: str
    method: str | None  # None: core KSampler (no guidance)
    decode_scale: str = "1.0"  # the node's combo value
    decoder: str = "vae"
    skip_below: float | None = None  # None: the engine default (1e-3)
    probe_threshold: float | None = None  # None: the node default (adaptive probe)
    reward: str = "reward"  # key of the reward object the prompt uses
    particles: int = 1  # LAGS Weighted Sampler's particles (K per output image)
    sampler: str | None = None  # None: the config's sampler (particles need a stochastic one)

    @property
    def plain(self) -> bool:
        return self.method is None


PLAIN = Variant("KSampler (plain)", None)
DEFAULTS = Variant("defaults (decode_scale auto = 1/4 for this colour reward, adaptive probe)", "lags",
                   decode_scale="auto")
EVERY_PROBE = Variant("defaults, probe every step (probe_threshold 0)", "lags", decode_scale="auto",
                      probe_threshold=0.0)
LAGS = Variant("lags, decode_scale 1.0", "lags")  # full-resolution reward path (the fidelity reference)

VARIANTS = (
    PLAIN,
    DEFAULTS,
    EVERY_PROBE,
    LAGS,
    Variant("lags, decode_scale 1.0, no skip (skip_below=0)", "lags", skip_below=0.0),
    Variant("lags, decode_scale 0.5", "lags", decode_scale="0.5"),
    Variant("lags, taesd", "lags", decoder="taesd"),
    Variant("defaults, 4 particles (euler_ancestral)", "lags", decode_scale="auto", particles=4,
            sampler="euler_ancestral"),
    Variant("tweedie", "tweedie"),
    Variant("dps", "dps"),
)


@dataclass(frozen=True)
class PerfConfig:
    image_size: int = 192  # pixels; the latent is image_size / 8
    steps: int = 9  # karras + alpha = 1/(1+10 sigma^4): 6 of 9 steps guided, the same 2/3 as SDXL's 30
    cfg: float = 5.0
    sampler: str = "euler"
    scheduler: str = "karras"
    seed: int = 7
    colour: str = "#e03c28"
    #: Per latent pixel (the unit guidance uses): 3000 in the reward's own units at the 24x24
    #: latent, since the random decoder's colour barely follows the latent.
    strength: float = 3000.0 / 24**2
    rounds: int = 2  # timed rounds; variants run round-robin, the fastest run of each is kept
    warmup_steps: int = 2  # one untimed short run of every variant first (caches, decoder copies)
    variants: tuple = field(default=VARIANTS)

    @property
    def latent_size(self) -> int:
        return self.image_size // 8

    def describe(self) -> str:
        return (f"{self.image_size}x{self.image_size} px ({self.latent_size}x{self.latent_size} latent), batch 1, "
                f"{self.steps} steps {self.sampler}/{self.scheduler}, cfg {self.cfg:g}, seed {self.seed}, "
                f"colour reward {self.colour} strength {self.strength:g}, {self.rounds} interleaved timed rounds "
                f"(the run with the least CPU time of each variant is kept) after a {self.warmup_steps}-step warm-up")


DEFAULT = PerfConfig()
QUICK = replace(DEFAULT, image_size=128, steps=6, rounds=1)
