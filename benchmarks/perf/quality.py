"""Quality gate for the speed-ups that change the sampler's numbers (host-free).

Of the speed-ups, only skipping guidance where alpha(sigma) < skip_below changes D_q on
the 2-D benchmark (FD in float32 and the batched cond/uncond probe leave float64 toy
numbers alone; decode_scale and TAESD change the reward model, which the toy does not
have). Here the 2-D benchmark's LAGS alpha(t) run is repeated with skip_below = 0 and at
the default, from the same noise, and both are scored against the same truth; the W2 change
must stay within the q-vs-q noise floor.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import torch


#: A sample counts as moved when it lands this far (a fifth of the grid spacing) from its twin.
MOVED = 0.1


@dataclass
class SkipCheck:
    skip_below: float
    w2: float
    w2_sd: float
    guided_calls: int
    total_calls: int
    seconds: float
    mean_shift: float = 0.0  # mean per-sample distance to the first run's samples (same noise)
    moved: float = 0.0  # share of samples that ended more than MOVED from where the first run put them


@dataclass
class QualityResult:
    runs: list
    noise_floor: tuple
    base_w2: float
    config: object

    @property
    def default(self) -> SkipCheck:
        from guidance import DEFAULT_SKIP_BELOW

        return next(r for r in self.runs if r.skip_below == DEFAULT_SKIP_BELOW)

    def worsening(self, run: SkipCheck | None = None) -> float:
        """W2 of `run` (default: the default threshold) minus W2 without skipping (negative = better)."""
        return (run or self.default).w2 - self.runs[0].w2

    def within_noise_floor(self, run: SkipCheck | None = None) -> bool:
        return self.worsening(run) <= self.noise_floor[0]


#: Thresholds compared: none, the default, and a 10x higher one (fewer guided steps: see
#: docs/performance.md on the GPU target).
HIGHER_SKIP_BELOW = 1e-2


def skip_threshold_check(config=None, thresholds=None) -> QualityResult:
    """Runs LAGS alpha(t) with each threshold; the first must be 0 (the reference)."""
    from benchmarks.toy2d.config import FULL
    from benchmarks.toy2d.methods import BASE, run_method
    from benchmarks.wasserstein import w2_subsampled
    from guidance import DEFAULT_SKIP_BELOW
    from guidance.sampling import GuidedDenoiser, sample_euler, sample_heun
    from schedulers import PaperAlpha

    from benchmarks.toy2d.run import prepare

    config = config or FULL
    thresholds = thresholds or (0.0, DEFAULT_SKIP_BELOW, HIGHER_SKIP_BELOW)
    prep = prepare(config)
    step = {"euler": sample_euler, "heun": sample_heun}[config.sampler]
    x = prep.noise * float(prep.sigmas[0])
    runs, reference = [], None
    for threshold in thresholds:
        guided = GuidedDenoiser(prep.mixture.denoise, prep.log_w, PaperAlpha(10.0).bind(prep.sigmas),
                                method="lags", skip_below=threshold)
        start = time.perf_counter()
        out = step(guided, x, prep.sigmas)
        seconds = time.perf_counter() - start
        w2, sd = w2_subsampled(out, prep.truth, config.w2_size, config.w2_repeats, seed=config.seed)
        n_guided = sum(int(d.guided.any()) for d in guided.history)
        shift = torch.zeros(out.shape[0], dtype=out.dtype) if reference is None else (out - reference).norm(dim=1)
        reference = out if reference is None else reference
        runs.append(SkipCheck(threshold, w2, sd, n_guided, len(guided.history), seconds, float(shift.mean()),
                              float((shift > MOVED).double().mean())))
    base = run_method(BASE, prep.mixture.denoise, prep.log_w, prep.noise, prep.sigmas, config.sampler)
    base_w2, _ = w2_subsampled(base.samples, prep.truth, config.w2_size, config.w2_repeats, seed=config.seed)
    floor = prep.truth_row()
    return QualityResult(runs, (floor.w2, floor.w2_sd), base_w2, config)


def _main() -> None:  # python -m benchmarks.perf.quality
    torch.set_num_threads(1)
    result = skip_threshold_check()
    for r in result.runs:
        print(r)
    print("noise floor", result.noise_floor, "base W2", result.base_w2, "within floor", result.within_noise_floor())


if __name__ == "__main__":
    _main()
