"""Run sizes: the documented run, and --quick (about a minute) for checks and tests.

Cost is decoded pixels through the TAEF2 decoder, forward and backward (~10 us each on one
CPU thread). A 30-step guided run does that at each of its ~20 guided steps, so the runs
whose reward path decodes more than `guided_pixel_limit` pixels per step are skipped (the
table says so); the default lets frequency suppress (which needs the full-size decode) run at
512^2 only.
"""
from __future__ import annotations

from dataclasses import dataclass

from .photos import PHOTOS
from .strength import REWARDS


@dataclass(frozen=True)
class RunConfig:
    sizes: tuple = ("512", "1024", "768x512")  # width x height
    photos: tuple = PHOTOS[:1]
    rewards: tuple = tuple(REWARDS)
    tiled_sizes: tuple = ("512",)  # a tiled gradient costs ~3 whole ones
    guided_pixel_limit: int = 512 * 512  # per photo and step

    def describe(self) -> str:
        return (f"sizes {', '.join(self.sizes)}; photos {', '.join(self.photos)}; tiled decode compared at "
                f"{', '.join(self.tiled_sizes) or 'no size'}; guided runs that decode over "
                f"{self.guided_pixel_limit} pixels per step skipped")


FULL = RunConfig()
QUICK = RunConfig(sizes=("128", "256"), tiled_sizes=("256",), guided_pixel_limit=128 * 128)
