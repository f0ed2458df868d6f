"""Runs every option through ComfyUI's executor and measures it (host side)."""
from __future__ import annotations

import gc
import time
from dataclasses import dataclass

import torch

from ..perf.prompt import sampler_prompt
from ..perf.rounds import interleaved
from ..perf.runner import register_object_nodes
from .config import GpuConfig
from .models import GpuModels


@dataclass
class GpuRow:
    label: str
    plain: bool
    wall: float
    peak: int | None  # torch.cuda.max_memory_allocated during the run (None off CUDA)
    guided: int = 0  # guided steps (traces)
    probed: int = 0  # of which took the finite-difference probe


def _sync(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


class GpuBench:
    def __init__(self, host, config: GpuConfig, models: GpuModels):
        import comfy.model_management

        self.host, self.config, self.models = host, config, models
        self.device = comfy.model_management.get_torch_device()
        register_object_nodes(host)
        self.keys = {name: host.put(f"gpu_{name}", obj) for name, obj in (
            ("model", models.model), ("vae", models.vae), ("positive", models.positive),
            ("negative", models.negative), *models.rewards.items())}

    def run(self, variant, steps: int | None = None) -> GpuRow:
        c = self.config
        prompt = sampler_prompt(self.keys, variant, size=c.image_size, steps=steps or c.steps, cfg=c.cfg,
                                sampler=c.sampler, scheduler=c.scheduler, seed=c.seed,
                                epsilon=self.host.pack("guidance").DEFAULT_EPSILON)
        cuda = self.device.type == "cuda"
        gc.collect()
        if cuda:
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats(self.device)
        _sync(self.device)
        start = time.perf_counter()
        result = self.host.run(prompt)
        _sync(self.device)
        wall = time.perf_counter() - start
        if not result.success:
            raise RuntimeError(f"{variant.label}: {result.error_message}")
        traces = result.traces("20")
        peak = torch.cuda.max_memory_allocated(self.device) if cuda else None
        return GpuRow(variant.label, variant.plain, wall, peak, sum(bool(t["guided"]) for t in traces),
                      sum(bool(t.get("probed")) for t in traces))


def run_all(bench: GpuBench, log=print) -> list:
    """A short warm-up of every option, then `rounds` interleaved timed rounds (fastest kept)."""
    c = bench.config

    def describe(row: GpuRow) -> str:
        return f"{row.wall:.2f} s" + ("" if row.peak is None else f", peak {row.peak / 2**30:.2f} GiB")

    best = interleaved(c.variants, c.rounds, c.warmup_steps, lambda variant, steps, _: bench.run(variant, steps),
                       lambda row: row.wall, describe, log)
    return [best[v.label] for v in c.variants]
