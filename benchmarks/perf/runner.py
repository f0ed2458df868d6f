"""Runs KSampler and LAGS Weighted Sampler through ComfyUI's executor (host side)."""
from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass, replace

import torch

from . import allocations, fidelity, instrument, models
from .config import LAGS, PerfConfig, Variant
from .prompt import OBJECT_TYPES, sampler_prompt
from .recorder import RunRecord, StepRecorder
from .rounds import interleaved


def register_object_nodes(host) -> None:
    """VAE and CONDITIONING objects handed to prompts by key, like the harness's LAGSTest_Model."""
    import fixture_nodes

    for node_id, socket in OBJECT_TYPES.items():
        if node_id not in host.nodes.NODE_CLASS_MAPPINGS:
            node = type(node_id, (fixture_nodes.ObjectModel,), {"RETURN_TYPES": (socket,)})
            host.nodes.NODE_CLASS_MAPPINGS[node_id] = node


@dataclass
class Outcome:
    variant: Variant
    record: RunRecord
    latent: torch.Tensor


class Bench:
    """Everything the runs share: models, reward, recorder, the instrumented MODEL."""

    def __init__(self, host, config: PerfConfig):
        self.host, self.config = host, config
        register_object_nodes(host)
        self.small = models.build(config.seed)
        self.recorder = StepRecorder(mark=allocations.mark)
        self._label = ""
        colour = host.pack("rewards.colour").ColourReward(colour=config.colour, strength=config.strength)
        self.base_reward = colour
        self.reward = instrument.TimedReward(colour, self.recorder)
        self.model = instrument.instrumented_model(self.small.model, self.recorder, lambda: self._label)
        self.keys = {name: host.put(f"perf_{name}", obj) for name, obj in (
            ("model", self.model), ("vae", self.small.vae), ("positive", self.small.positive),
            ("negative", self.small.negative), ("reward", self.reward))}

    def prompt(self, variant: Variant, steps: int) -> dict:
        c = self.config
        return sampler_prompt(self.keys, variant, size=c.image_size, steps=steps, cfg=c.cfg, sampler=c.sampler,
                              scheduler=c.scheduler, seed=c.seed, epsilon=self.host.pack("guidance").DEFAULT_EPSILON)

    def run(self, variant: Variant, steps: int | None = None, capture: list | None = None) -> Outcome:
        """One sampling run; `capture` (a list) receives every x0_bar the reward is differentiated at."""
        self._label = variant.label
        skip = (instrument.skip_below(self.host, variant.skip_below) if variant.skip_below is not None
                else contextlib.nullcontext())
        stash = fidelity.capture_x0(self.host, capture) if capture is not None else contextlib.nullcontext()
        with skip, stash, instrument.component_timers(self.host, self.recorder), allocations.profiler() as prof:
            result = self.host.run(self.prompt(variant, steps or self.config.steps))
        if not result.success:
            raise RuntimeError(f"{variant.label}: {result.error_message}")
        latent = result.captures["latent"]["samples"]
        record = self.recorder.runs[-1]
        allocations.attach(record.steps, allocations.windows(*allocations.events_of(prof)))
        del prof, result
        # The executor and profiler leave reference cycles holding tensors and events; without
        # a collection here they pile up between runs (about 200 MB of RSS per run).
        gc.collect()
        return Outcome(variant, record, latent)

    def final_log_w(self, latent: torch.Tensor) -> float:
        """The reward of the final image, decoded at full resolution by the VAE node's path."""
        with torch.no_grad():
            image = self.small.vae.decode(latent)
            return float(self.base_reward.log_w(image.float()).mean())

    def guided_log_w(self, variant: Variant, latent: torch.Tensor) -> float:
        """The reward of the final image as the variant's own reward path scores it (the decode
        scale and decoder it guided with; for plain: the node defaults' path), in the reward's units.
        With random decoder weights a smaller decode is another function of the latent, so this is
        what the variant's guidance could move."""
        variant = variant if not variant.plain else replace(variant, decode_scale="auto")
        settings = self.host.pack("bridge.settings").LagsSettings(
            reward=self.base_reward, vae=self.small.vae, decode_scale=variant.decode_scale, decoder=variant.decoder)
        base_model = self.small.model.model
        path = self.host.pack("bridge.reward_path").make_reward_path(settings, base_model, latent.device)
        with torch.no_grad():
            return float(path.natural_log_w(base_model.process_latent_in(latent)).mean())


def run_all(bench: Bench, capture: list | None = None, log=print) -> dict:
    """Warm-up, then `rounds` interleaved timed rounds; of each variant the run with the least
    CPU time is kept (CPU time moves much less than wall time with other load on the machine).
    `capture` receives the x0_bar of the first timed full-resolution lags run."""
    c = bench.config

    def run(variant, steps, round_index):
        stash = capture if (round_index == 0 and variant == LAGS) else None
        return bench.run(variant, steps, capture=stash)

    return interleaved(c.variants, c.rounds, c.warmup_steps, run, lambda o: o.record.cpu,
                       lambda o: f"{o.record.wall:.2f} s wall, {o.record.cpu:.2f} s CPU", log)
