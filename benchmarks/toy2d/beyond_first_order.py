"""The rows past first-order guidance: the exact-guidance limit, particles (SMC with LAGS
proposals) and best-of-N at equal model calls."""
from __future__ import annotations

import time

import torch

from guidance.families import VE
from guidance.sampling import TwistedDenoiser
from particles import PARTICLE_SCHEDULE_C, smc_sample, stepper_for
from schedulers import ConstantAlpha, PaperAlpha

from .exact_guidance import ExactGuidance
from .methods import SAMPLERS, Counted, Method, RunResult

EXACT_LIMIT_LABEL = "Exact guidance, alpha = 1"
PARTICLE_SAMPLER = "euler_ancestral"


def exact_methods(c: float = 10.0) -> list[Method]:
    return [Method(EXACT_LIMIT_LABEL, "exact", ConstantAlpha(1.0)),
            Method("Exact guidance, alpha(t)", "exact", PaperAlpha(c))]


def particle_methods(per_output=(4, 8)) -> list[Method]:
    schedule = PaperAlpha(PARTICLE_SCHEDULE_C)
    rows = [Method(f"Particles, K={k}", "smc", schedule, k) for k in per_output]
    return rows + [Method("Particles, one population", "smc", schedule, 0)]


def best_of_method(n: int) -> Method:
    return Method(f"Best of {n} (base)", "best_of", None, n)


def run_beyond(method: Method, mixture, log_w, noise, sigmas, sampler: str, seed: int) -> RunResult:
    if method.method == "exact":
        return _run_exact(method, mixture, log_w, noise, sigmas, sampler, seed)
    if method.method == "smc":
        return _run_particles(method, mixture, log_w, noise, sigmas, seed)
    return _run_best_of(method, mixture, log_w, noise, sigmas, sampler, seed)


def _run_exact(method, mixture, log_w, noise, sigmas, sampler, seed):
    exact = ExactGuidance(mixture, log_w, method.schedule.bind(sigmas), seed=seed)
    start = time.perf_counter()
    out = SAMPLERS[sampler](exact, noise * float(sigmas[0]), sigmas)
    # ExactGuidance computes the posterior itself: one "model call" per point and step
    return RunResult(method, out, time.perf_counter() - start, exact.calls, exact.calls, 0, float(exact.calls))


def _run_particles(method, mixture, log_w, noise, sigmas, seed):
    n = noise.shape[0]
    k = method.particles or n
    gen = torch.Generator().manual_seed(seed + 1000 + k)
    x = torch.randn(n * (k if method.particles else 1), noise.shape[1], dtype=noise.dtype, generator=gen)
    counted = Counted(mixture.denoise)
    model = TwistedDenoiser(counted, log_w, method.schedule.bind(sigmas), final_sigma=float(sigmas[-2]))
    reports = []
    start = time.perf_counter()
    out = smc_sample(model, x * float(sigmas[0]), sigmas, particles=k, stepper=stepper_for(PARTICLE_SAMPLER),
                     family=VE, generator=gen, outputs=1 if method.particles else k, report=reports.append)
    seconds = time.perf_counter() - start
    samples = out[::k] if method.particles else out
    guided = sum(int(d.guided.any()) for d in model.history)
    return RunResult(method, samples, seconds, guided, len(model.history), model.num_guarded,
                     counted.points / samples.shape[0], min(r.ess for r in reports), sum(r.resampled for r in reports))


def _run_best_of(method, mixture, log_w, noise, sigmas, sampler, seed):
    n, k = noise.shape[0], method.particles
    gen = torch.Generator().manual_seed(seed + 2000 + k)
    counted = Counted(mixture.denoise)
    start = time.perf_counter()
    x = torch.randn(n * k, noise.shape[1], dtype=noise.dtype, generator=gen) * float(sigmas[0])
    pool = SAMPLERS[sampler](counted, x, sigmas).view(n, k, -1)
    with torch.no_grad():
        best = log_w(pool.reshape(n * k, -1)).view(n, k).argmax(dim=1)
    samples = pool[torch.arange(n), best]
    return RunResult(method, samples, time.perf_counter() - start, 0, counted.calls, 0, counted.points / n)
