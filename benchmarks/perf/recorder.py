"""Per-step timing of one sampling run (host-free).

The host side calls, in order: start_run(); begin_call(sigma, items) / end_call(wall,
cpu) around every diffusion-model call (a call at a new sigma opens a new sampler
step); add(component, wall, cpu) for timed pieces of the reward path; end_run(label).
A step lasts from its first model call to the next step's first call (the last one to
end_run), so whatever the sampler and the post-CFG hook do in between is charged to the
step it belongs to. `mark(label)` is called at every boundary ("start", "step:<i>",
"end") so that a memory profiler can cut its timeline at the same places.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

#: Timed components (seconds per step). unet_cfg: the sampler's own model call (cond and
#: uncond batched); unet_extra: further calls at the same sigma (the lags FD probe, or the
#: dps forward with autograd); reward_grad: grad log w (decode forward, reward, backward);
#: dps_grad: the dps vector-Jacobian product (UNet forward, decode, reward, backward).
COMPONENTS = ("unet_cfg", "unet_extra", "reward_grad", "decode_fwd", "reward_fwd", "dps_grad")


def _zeros() -> dict:
    return dict.fromkeys(COMPONENTS, 0.0)


@dataclass
class StepRecord:
    index: int
    sigma: float
    wall: float = 0.0
    cpu: float = 0.0
    unet_calls: int = 0
    unet_items: int = 0  # batch items over all model calls (cond + uncond count 2)
    seconds: dict = field(default_factory=_zeros)  # wall
    cpu_seconds: dict = field(default_factory=_zeros)
    live_start: int | None = None  # torch bytes live when the step began (vs. sampling start)
    peak: int | None = None  # torch bytes live at the step's peak (vs. sampling start)

    @property
    def guided(self) -> bool:
        """The step computed a reward gradient."""
        return self.seconds["reward_grad"] > 0 or self.seconds["dps_grad"] > 0

    def part(self, name: str, cpu: bool = True) -> float:
        """Seconds in a profile part: unet, reward path pieces, or the rest ("other")."""
        s = self.cpu_seconds if cpu else self.seconds
        total = self.cpu if cpu else self.wall
        if name == "unet":
            return s["unet_cfg"] + s["unet_extra"]
        if name == "backward":
            # For dps the UNet forward and its backward are inside dps_grad too.
            inside = s["decode_fwd"] + s["reward_fwd"] + (s["unet_extra"] if s["dps_grad"] else 0.0)
            return max(0.0, s["reward_grad"] + s["dps_grad"] - inside)
        if name == "other":
            extra = 0.0 if s["dps_grad"] else s["unet_extra"]
            return total - s["unet_cfg"] - extra - s["reward_grad"] - s["dps_grad"]
        return s[name]


@dataclass
class RunRecord:
    label: str
    steps: list
    wall: float
    cpu: float

    def guided_steps(self) -> list:
        return [s for s in self.steps if s.guided]

    def unguided_steps(self) -> list:
        return [s for s in self.steps if not s.guided]

    def extra_call_steps(self) -> list:
        """Guided steps with a second model call: the lags probe (the adaptive probe skips it on
        some), or the dps forward."""
        return [s for s in self.steps if s.guided and s.unet_calls > 1]

    @property
    def peak(self) -> int | None:
        peaks = [s.peak for s in self.steps if s.peak is not None]
        return max(peaks) if peaks else None


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else math.nan


class StepRecorder:
    """Collects StepRecords; the clocks and the marker are injectable (tests)."""

    def __init__(self, wall=time.perf_counter, cpu=time.process_time, mark=None):
        self._wall, self._cpu, self._mark = wall, cpu, mark or (lambda label: None)
        self.steps: list = []
        self.runs: list = []
        self._current = None
        self._started = None
        self._kind = "unet_cfg"

    # -- run boundaries ---------------------------------------------------------------
    def start_run(self) -> None:
        self.steps, self._current = [], None
        self._mark("start")
        self._started = (self._wall(), self._cpu())

    def end_run(self, label: str) -> RunRecord:
        self._close_step()
        self._mark("end")
        wall0, cpu0 = self._started
        record = RunRecord(label, self.steps, self._wall() - wall0, self._cpu() - cpu0)
        self.runs.append(record)
        self._started = None
        return record

    @property
    def running(self) -> bool:
        return self._started is not None

    # -- events -----------------------------------------------------------------------
    def begin_call(self, sigma: float, items: int) -> None:
        """Before a diffusion-model call at `sigma` with `items` batch items."""
        if not self.running:
            return
        step = self._current
        if step is None or not math.isclose(sigma, step.sigma, rel_tol=1e-6, abs_tol=1e-9):
            self._close_step()
            step = self._open_step(sigma)
            self._kind = "unet_cfg"
        else:
            self._kind = "unet_extra"
        step.unet_calls += 1
        step.unet_items += items

    def end_call(self, wall: float, cpu: float) -> None:
        self.add(self._kind, wall, cpu)

    def add(self, component: str, wall: float, cpu: float) -> None:
        if self._current is not None:
            self._current.seconds[component] += wall
            self._current.cpu_seconds[component] += cpu

    # -- internals --------------------------------------------------------------------
    def _open_step(self, sigma: float) -> StepRecord:
        step = StepRecord(len(self.steps), float(sigma))
        self._mark(f"step:{step.index}")
        step._t0 = (self._wall(), self._cpu())
        self._current = step
        return step

    def _close_step(self) -> None:
        step = self._current
        if step is None:
            return
        step.wall = self._wall() - step._t0[0]
        step.cpu = self._cpu() - step._t0[1]
        self.steps.append(step)
        self._current = None
