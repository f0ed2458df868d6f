"""One row of the memory table: a reward, a decoder, a size, a decode scale and a budget run
through the pack's RewardPath, measured once (host side). Rows that resolve to the same
computation (same latent, decoded size and plan) share one measurement."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch

from . import measure
from .models import Decoders
from .rewards import pixel_rewards

NO_BUDGET = math.inf  # plain autograd: the plan is always "whole"
#: Kept free of the benchmark when it checks whether a measurement fits in RAM.
RAM_MARGIN = 2**30


@dataclass
class Result:
    label: str
    reward: str
    decoder: str
    side: int  # full image side (px)
    batch: int
    decoded: str  # what the decoder really decodes, e.g. "256x256"
    plan: str
    peak: float | None  # bytes above the start; None when not measured
    seconds: float | None = None  # wall
    cpu_seconds: float | None = None
    source: str = "measured"
    decoded_pixels: int = 0  # per item
    pieces: int = 1  # decodes the plan makes (tiles x item chunks)
    truncated: bool = False  # stopped after the first backward pieces
    grad: torch.Tensor | None = None
    cosine: float | None = None  # gradient agreement with a plain-autograd reference, where one ran

    @property
    def scale(self) -> float:
        """The decode scale the path used (decoded width / image width)."""
        return int(self.decoded.split("x")[1]) / self.side


class MemoryBench:
    def __init__(self, host, config, log=print):
        self.host = host
        self.config = config
        self.log = log
        self.RewardPath = host.pack("reward_path").RewardPath
        self.tile_grid = host.pack("reward_path").tile_grid
        self.downscale_latent = host.pack("reward_path.path").downscale_latent
        self.default_budget = host.pack("reward_path.path").DEFAULT_BUDGET
        self.decoders = Decoders(host, config.seed)
        self.rewards = pixel_rewards(host)
        self.started = time.perf_counter()
        self._done: dict = {}

    def latent(self, side: int, batch: int = 1) -> torch.Tensor:
        g = torch.Generator().manual_seed(self.config.seed + side + 7919 * batch)
        return torch.randn(batch, 4, side // 8, side // 8, generator=g)

    def resolve(self, path, x0):
        """(latent size the decoder gets, its plan) exactly as RewardPath.image decides them."""
        z = self.downscale_latent(torch.empty(x0.shape, device="meta"), path.scale_for(x0.shape[-2:]))
        return tuple(z.shape[-2:]), path.plan_for(z)

    def run(self, label: str, reward: str, decoder: str, side: int, scale="auto", budget=None,
            batch: int = 1, measure_new: bool = True, backward_pieces: int | None = None) -> Result:
        """The row measured (or taken from an earlier row that did the same computation).
        measure_new False: a computation not done before is left unmeasured (peak None).
        backward_pieces: decode only that many pieces of a tiled plan (measure.FirstPieces)."""
        budget = self.default_budget if budget is None else budget
        dec = self.decoders[decoder]
        path = self.RewardPath(self.rewards[reward], dec, scale, budget)
        x0 = self.latent(side, batch)
        z_hw, plan = self.resolve(path, x0)
        factor = dec.factor
        tiles = len(self.tile_grid(*z_hw, plan.tile, plan.overlap)) if plan.tile else 1
        result = Result(label, reward, decoder, side, batch, f"{z_hw[0] * factor}x{z_hw[1] * factor}",
                        plan.describe(), None, decoded_pixels=z_hw[0] * z_hw[1] * factor * factor,
                        pieces=tiles * math.ceil(batch / plan.chunk))
        truncated = backward_pieces is not None and backward_pieces < result.pieces
        key = (reward, decoder, batch, tuple(x0.shape[-2:]), z_hw, plan, truncated and backward_pieces)
        if key in self._done:
            earlier = self._done[key]
            result.peak, result.seconds, result.grad = earlier.peak, earlier.seconds, earlier.grad
            result.cpu_seconds = earlier.cpu_seconds
            result.truncated = earlier.truncated
            result.source = f"same computation as '{earlier.label}'"
            return result
        if not measure_new:
            result.source = "not measured"
            return result
        piece = (plan.tile * factor) ** 2 if plan.tile else result.decoded_pixels
        need = plan.chunk * piece * dec.bytes_per_pixel * 1.1 + RAM_MARGIN
        free = measure.available_bytes()
        if free is not None and need > free:
            result.source = f"skipped: needs about {need / 2**30:.1f} GiB of RAM, {free / 2**30:.1f} GiB available"
            self.log(f"  {label} {side}² ({reward}): {result.source}")
            return result
        if truncated:
            path = self.RewardPath(self.rewards[reward], measure.FirstPieces(dec, backward_pieces), scale, budget)
            result.source = (f"measured: the first {backward_pieces} of {result.pieces} equally sized pieces, forward "
                             "and backward (the rest repeat them; all of them with --full)")
        try:
            measured = measure.reward_gradient(self.host, path, x0)
        except ValueError as e:  # the pack refuses this combination: the row shows why
            result.source = f"error: {e}"
            self.log(f"  {label} {side}² ({reward}): {result.source}")
            return result
        result.peak, result.seconds, result.grad = measured.peak, measured.seconds, measured.grad
        result.cpu_seconds = measured.cpu_seconds
        result.truncated = truncated
        self._done[key] = result
        self.log(f"  [{time.perf_counter() - self.started:6.0f} s] {label}, {reward}, {side}² x{batch}: decoded "
                 f"{result.decoded}, {result.plan}: peak {measured.peak / 2**20:.0f} MiB, {measured.seconds:.1f} s"
                 + (" (truncated)" if truncated else ""))
        return result
