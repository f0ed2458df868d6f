"""Where the adaptive probe's threshold comes from: a sweep on the exact test beds (host-free).

python -m benchmarks.perf.probe_quality [--quick]

- the 2-D benchmark (benchmarks/toy2d: SDXL's 30-step karras schedule, alpha(t), sharp 0.08-wide
  components): W2 to q, and how far samples move against probing every step (same noise). The
  method's own numerical noise is the yardstick: the same runs with epsilon halved and doubled;
- the in-host exact bed (benchmarks/perf/exact_bed.py: unit-scale data), as
  tests/host/test_host_exact.py runs it (20 karras steps, alpha = 1): distance to the exact
  guided flow, and samples moved;
- the same bed on SDXL's 30-step karras schedule with the node defaults' alpha(t): how many
  guided steps still probe there (what the FLOP projection uses).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import torch

#: Thresholds swept (0 = probe every guided step, the reference).
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 1.0)
#: Reference runs at threshold 0 with another epsilon (the default's neighbours in the sweep of
#: docs/epsilon_sweep.md): how much the method's own numerical choices move samples.
EPSILON_FACTORS = (0.5, 2.0)
MOVED = 0.1  # as quality.MOVED: a fifth of the 2-D grid spacing


@dataclass
class ToyRun:
    label: str
    threshold: float
    epsilon: float
    probed: int
    guided: int
    w2: float
    w2_sd: float
    shift: float = 0.0  # mean per-sample distance to the probe-every-step run
    moved: float = 0.0  # share of samples moved more than MOVED


@dataclass
class ProbeQuality:
    toy: list  # ToyRun: thresholds, then the epsilon references
    noise_floor: tuple
    bed: list  # exact_bed.BedRun, 20 steps alpha = 1
    bed_sdxl: list  # exact_bed.BedRun, SDXL's 30-step karras schedule, alpha(t)
    toy_config: object
    seconds: float

    def toy_run(self, threshold: float) -> ToyRun:
        return next(r for r in self.toy if r.threshold == threshold and r.label.startswith("threshold"))

    def bed_run(self, threshold: float, sdxl: bool = False):
        return next(r for r in (self.bed_sdxl if sdxl else self.bed) if r.threshold == threshold)

    @property
    def epsilon_moves(self) -> list:
        return [r for r in self.toy if r.label.startswith("epsilon")]


def _toy_runs(config, thresholds, log) -> tuple:
    from benchmarks.toy2d.run import prepare
    from benchmarks.wasserstein import w2_subsampled
    from guidance import DEFAULT_EPSILON
    from guidance.sampling import GuidedDenoiser, sample_euler, sample_heun
    from schedulers import PaperAlpha

    prep = prepare(config)
    step = {"euler": sample_euler, "heun": sample_heun}[config.sampler]
    x = prep.noise * float(prep.sigmas[0])
    settings = [(f"threshold {t:g}", t, DEFAULT_EPSILON) for t in thresholds]
    settings += [(f"epsilon {DEFAULT_EPSILON * f:g} (threshold 0)", 0.0, DEFAULT_EPSILON * f) for f in EPSILON_FACTORS]
    runs, reference = [], None
    for label, threshold, epsilon in settings:
        log(f"  2-D benchmark: {label}")
        guided = GuidedDenoiser(prep.mixture.denoise, prep.log_w, PaperAlpha(10.0).bind(prep.sigmas),
                                epsilon=epsilon, probe_threshold=threshold)
        out = step(guided, x, prep.sigmas)
        w2, sd = w2_subsampled(out, prep.truth, config.w2_size, config.w2_repeats, seed=config.seed)
        shift = torch.zeros(out.shape[0], dtype=out.dtype) if reference is None else (out - reference).norm(dim=1)
        reference = out if reference is None else reference
        runs.append(ToyRun(label, threshold, epsilon, guided.probe.probed, guided.probe.probed + guided.probe.skipped,
                           w2, sd, float(shift.mean()), float((shift > MOVED).double().mean())))
    floor = prep.truth_row()
    return runs, (floor.w2, floor.w2_sd)


def probe_threshold_check(quick: bool = False, thresholds=THRESHOLDS, log=print) -> ProbeQuality:
    from benchmarks.toy2d.config import FULL, QUICK
    from schedulers import ConstantAlpha, PaperAlpha

    from .exact_bed import N, run_bed

    start = time.perf_counter()
    config = replace(QUICK, steps=30) if quick else FULL  # SDXL's 30 karras steps either way
    toy, floor = _toy_runs(config, thresholds, log)
    n = 256 if quick else N
    log("  exact bed: 20 steps, alpha = 1; SDXL's 30-step karras schedule, alpha(t)")
    bed = run_bed(thresholds, 20, ConstantAlpha(1.0), n)
    bed_sdxl = run_bed(thresholds, 30, PaperAlpha(10.0), n)
    return ProbeQuality(toy, floor, bed, bed_sdxl, config, time.perf_counter() - start)


def _main() -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.perf.probe_quality", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (for checks)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    from .report_probe import probe_section

    print("\n".join(probe_section(probe_threshold_check(args.quick))))


if __name__ == "__main__":
    _main()
