"""What the memory benchmark measures: sizes, the target, and which slow rows run (host-free)."""
from __future__ import annotations

from dataclasses import dataclass

#: The issue's target for one reward's path at SDXL 1024^2, batch 1, default settings.
TARGET_BYTES = 3 * 2**30
#: SDXL's native size (pixels, square).
SDXL_SIDE = 1024
#: Without --full, a tiled plan of more pieces than MAX_PIECES is measured on its first
#: TRUNCATE_AFTER pieces (benchmarks.memory.measure.FirstPieces: the rest repeat them).
MAX_PIECES = 8
TRUNCATE_AFTER = 2


@dataclass(frozen=True)
class MemoryConfig:
    fit_sides: tuple = (256, 512, 768)  # plain-autograd sizes (px, square, batch 1) the linear fits use
    target_side: int = SDXL_SIDE  # where the defaults, the decode scales and the batch run
    scales: tuple = (0.5, 0.25)  # fixed decode scales at target_side (fp32, no tiling)
    time_side: int = 512  # tiled default vs plain autograd, frequency reward
    batch: int = 4
    clip_arch: str = "ViT-H-14"  # open_clip vision tower for the CLIP activations estimate ("" = skip)
    full: bool = False  # also measure directly what the default run derives (slow: tens of minutes)
    seed: int = 0
    name: str = "default"

    def describe(self) -> str:
        sides = "/".join(f"{s}²" for s in self.fit_sides)
        return (f"{self.name}: fits at {sides}, target {self.target_side}², batch {self.batch}, "
                f"timing at {self.time_side}², CLIP estimate {self.clip_arch or 'skipped'}")


DEFAULT = MemoryConfig()
FULL = MemoryConfig(full=True, name="full")
#: A smoke test at a quarter of the size: every decode fits the default budget whole (tiling is
#: tested in tests/host/test_memory_budget.py).
QUICK = MemoryConfig(fit_sides=(64, 128, 192), target_side=256, time_side=256, batch=2, clip_arch="ViT-B-32",
                     name="quick")
