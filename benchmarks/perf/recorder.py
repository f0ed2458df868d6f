"""Per-step timing and memory of one sampling run (host-free).

The host side calls, in order: start_run(); begin_call(sigma, items) / end_call(seconds)
around every diffusion-model call (a new sigma opens a new sampler step); add(component, seconds) for timed
pieces of the reward path; end_run(). A step lasts from its first model call to the
next step's first call (the last one to end_run()), so everything the sampler and the
post-CFG hook do in between is charged to the step it belongs to.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from . import memory

#: Components the host side times (seconds per step); "other" is the rest of the step.
COMPONENTS = ("unet_cfg", "unet_probe", "reward_grad", "decode_fwd", "reward_fwd", "dps_grad")


@dataclass
class StepRecord:
    index: int
    sigma: float
    wall: float = 0.0
    cpu: float = 0.0
    peak_rss: int = 0  # bytes above the run's starting RSS, peak within the step
    unet_calls: int = 0
    unet_items: int = 0  # batch items over all model calls (cond + uncond count 2)
    seconds: dict = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 0.0))

    @property
    def guided(self) -> bool:
        """The step ran a reward gradient (probe call or DPS backprop)."""
        return self.seconds["reward_grad"] > 0 or self.seconds["dps_grad"] > 0

    def other(self) -> float:
        """Time not in the UNet or the reward path: sampler, hooks, engine arithmetic."""
        s = self.seconds
        return self.wall - s["unet_cfg"] - s["unet_probe"] - s["reward_grad"] - s["dps_grad"]

    def backward(self) -> float:
        """Backward through decoder and reward: the reward-gradient time not spent forward."""
        s = self.seconds
        return max(0.0, s["reward_grad"] - s["decode_fwd"] - s["reward_fwd"])


@dataclass
class RunRecord:
    label: str
    steps: list
    wall: float
    cpu: float
    peak_rss: int  # bytes above the starting RSS, peak over the run
    memory_source: str = ""

    def guided_steps(self) -> list:
        return [s for s in self.steps if s.guided]

    def unguided_steps(self) -> list:
        return [s for s in self.steps if not s.guided]


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else math.nan


def mean_step(steps: list, attr: str = "wall") -> float:
    return _mean(getattr(s, attr) for s in steps)


def mean_component(steps: list, name: str) -> float:
    if name == "other":
        return _mean(s.other() for s in steps)
    if name == "backward":
        return _mean(s.backward() for s in steps)
    return _mean(s.seconds[name] for s in steps)


def peak_drift(steps: list) -> int:
    """Largest minus smallest per-step peak over the guided steps after the first one:
    what a graph or tensor kept across steps would make grow."""
    peaks = [s.peak_rss for s in steps if s.guided][1:]
    return max(peaks) - min(peaks) if len(peaks) > 1 else 0


class StepRecorder:
    """Collects StepRecords; clock and memory readers are injectable for tests."""

    def __init__(self, wall=time.perf_counter, cpu=time.process_time, rss=memory.rss_bytes,
                 peak=memory.peak_rss_bytes, reset_peak=memory.reset_peak):
        self._wall, self._cpu, self._rss, self._peak, self._reset = wall, cpu, rss, peak, reset_peak
        self.steps: list = []
        self.runs: list = []
        self._current = None
        self._started = None

    # -- run boundaries ---------------------------------------------------------------
    def start_run(self) -> None:
        self.steps, self._current = [], None
        self._reset()
        self._base_rss = self._rss() or 0
        self._run_peak = 0
        self._started = (self._wall(), self._cpu())

    def end_run(self, label: str) -> RunRecord:
        self._close_step()
        wall0, cpu0 = self._started
        record = RunRecord(label, self.steps, self._wall() - wall0, self._cpu() - cpu0, self._run_peak)
        self.runs.append(record)
        self._started = None
        return record

    @property
    def running(self) -> bool:
        return self._started is not None

    # -- events -----------------------------------------------------------------------
    def begin_call(self, sigma: float, items: int) -> None:
        """Before a diffusion-model call at `sigma` with `items` batch items (cond and
        uncond count 2); a sigma other than the current step's opens a new step."""
        if not self.running:
            return
        step = self._current
        if step is None or not math.isclose(sigma, step.sigma, rel_tol=1e-6, abs_tol=1e-9):
            self._close_step()
            step = self._open_step(sigma)
            self._call_kind = "unet_cfg"
        else:
            self._call_kind = "unet_probe"
        step.unet_calls += 1
        step.unet_items += items

    def end_call(self, seconds: float) -> None:
        if self._current is not None:
            self._current.seconds[self._call_kind] += seconds

    def add(self, component: str, seconds: float) -> None:
        if self._current is not None:
            self._current.seconds[component] += seconds

    # -- internals --------------------------------------------------------------------
    def _open_step(self, sigma: float) -> StepRecord:
        step = StepRecord(len(self.steps), float(sigma))
        step._wall0, step._cpu0 = self._wall(), self._cpu()
        self._reset()
        self._current = step
        return step

    def _close_step(self) -> None:
        step = self._current
        if step is None:
            return
        step.wall = self._wall() - step._wall0
        step.cpu = self._cpu() - step._cpu0
        step.peak_rss = max(0, self._peak() - self._base_rss)
        self._run_peak = max(self._run_peak, step.peak_rss)
        self.steps.append(step)
        self._current = None
