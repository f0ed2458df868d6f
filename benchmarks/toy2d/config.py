"""Run sizes for the 2-D benchmark: the documented run and a fast --quick one for tests."""
from __future__ import annotations

from dataclasses import dataclass, field

from .problem import ToySettings


@dataclass(frozen=True)
class BenchmarkConfig:
    problem: ToySettings = field(default_factory=ToySettings)
    samples: int = 10_000  # per method, and the size of the ground-truth set
    pool: int = 400_000  # exact base samples that the truth is resampled from
    steps: int = 30
    sampler: str = "euler"
    dps_alphas: tuple = (0.1, 0.2, 0.3, 0.5, 1.0)
    w2_size: int = 1000  # points per subsample for exact OT
    w2_repeats: int = 6
    timing_rounds: int = 1  # extra interleaved timing runs of the table's methods (min is kept)
    seed: int = 0

    def describe(self) -> str:
        return (f"{self.samples} samples per method, {self.sampler} sampler, {self.steps} Karras steps "
                f"(sigma 14.6 -> 0.029, SDXL's range), truth resampled from {self.pool} exact base samples, "
                f"seed {self.seed}")


FULL = BenchmarkConfig()
QUICK = BenchmarkConfig(samples=1000, pool=50_000, steps=10, dps_alphas=(0.3,), w2_size=300, w2_repeats=2,
                        timing_rounds=0)
