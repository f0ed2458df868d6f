"""The samplers compared on the 2-D problem, all started from the same noise."""
from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from guidance.sampling import GuidedDenoiser, sample_euler, sample_heun
from schedulers import ConstantAlpha, HardGate, PaperAlpha

SAMPLERS = {"euler": sample_euler, "heun": sample_heun}


@dataclass(frozen=True)
class Method:
    label: str
    method: str | None  # None: the unguided base sampler; "exact", "smc", "best_of": beyond_first_order.py
    schedule: object = None
    particles: int = 0  # smc: particles per output (0: one population of all samples); best_of: N

    def describe(self) -> str:
        if self.method is None:
            return "unguided"
        if self.method == "best_of":
            return f"best of {self.particles} base samples by w"
        text = f"{self.method}, {self.schedule.describe()}"
        if self.method == "smc":
            text += ", " + (f"K={self.particles} per output" if self.particles else "one population")
        return text


BASE = Method("Base sampler", None)


def dps_methods(alphas) -> list[Method]:
    return [Method(f"DPS-style (a={a:g})", "dps", ConstantAlpha(a)) for a in alphas]


def lags_methods(c: float = 10.0) -> list[Method]:
    return [
        Method("Tweedie, alpha(t)", "tweedie", PaperAlpha(c)),
        Method("LAGS, alpha(t)", "lags", PaperAlpha(c)),
        Method("LAGS, hard gate", "lags", HardGate(c)),
    ]


@dataclass
class RunResult:
    method: Method
    samples: torch.Tensor
    seconds: float
    guided_calls: int  # denoiser evaluations that computed guidance
    total_calls: int
    guarded: int
    calls_per_output: float = 0.0  # denoiser evaluations of one point, per output sample
    ess: float | None = None  # particles: lowest mean effective sample size over the steps, in particles
    resamples: int = 0


class Counted:
    """A denoiser counting its calls and the points it evaluated."""

    def __init__(self, denoiser):
        self.denoiser, self.calls, self.points = denoiser, 0, 0

    def __call__(self, x, sigma):
        self.calls += 1
        self.points += x.shape[0]
        return self.denoiser(x, sigma)


def _sample_once(method: Method, denoiser, log_w, x, sigmas, step):
    counted = Counted(denoiser)
    if method.method is None:
        wrapped = counted
    else:
        wrapped = GuidedDenoiser(counted, log_w, method.schedule.bind(sigmas), method=method.method)
    start = time.perf_counter()
    out = step(wrapped, x, sigmas)
    return out, time.perf_counter() - start, wrapped, counted


def run_method(method: Method, denoiser, log_w, noise: torch.Tensor, sigmas: torch.Tensor,
               sampler: str) -> RunResult:
    """Sample from noise * sigma_max (the wall time of this one run is kept)."""
    step = SAMPLERS[sampler]
    out, seconds, wrapped, counted = _sample_once(method, denoiser, log_w, noise * float(sigmas[0]), sigmas, step)
    per_output = counted.points / noise.shape[0]
    if method.method is None:
        return RunResult(method, out, seconds, 0, wrapped.calls, 0, per_output)
    n_guided = sum(int(d.guided.any()) for d in wrapped.history)
    return RunResult(method, out, seconds, n_guided, len(wrapped.history), wrapped.num_guarded, per_output)


def retime(runs: list[RunResult], denoiser, log_w, noise, sigmas, sampler: str, rounds: int) -> None:
    """Re-run the methods `rounds` more times, interleaved (round-robin) so that a burst of
    load on a shared machine hits all of them alike, and keep each one's fastest time."""
    step = SAMPLERS[sampler]
    x = noise * float(sigmas[0])
    for _ in range(rounds):
        for run in runs:
            _, seconds, _, _ = _sample_once(run.method, denoiser, log_w, x, sigmas, step)
            run.seconds = min(run.seconds, seconds)
