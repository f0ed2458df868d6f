"""python -m benchmarks.toy2d.sensitivity: how the 2-D results move with the problem's
settings and the solver, and where the base sampler commits to a mode.

Writes its section into docs/benchmark_2d.md between markers (the main command keeps it).
Takes a few minutes; it is not part of the demo.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import torch

from schedulers import ConstantAlpha, PaperAlpha

from ..markdown import replace_block, table
from .__main__ import DOCS
from .config import FULL, BenchmarkConfig
from .beyond_first_order import run_beyond
from .methods import BASE, SAMPLERS, Method, lags_methods
from .problem import ToySettings
from .report import SENSITIVITY_BLOCK
from .run import prepare, tune_dps

VARIANTS = [
    ("as documented", {}),
    ("component std 0.15 (modes overlap more)", {"component_std": 0.15}),
    ("heart width h = 0.15 (smoother w)", {"heart_width": 0.15}),
    ("weight floor 1e-2", {"weight_floor": 1e-2}),
    ("Heun, 60 steps (solver check)", {"sampler": "heun", "steps": 60}),
]
ALPHA_VARIANTS = [Method(f"LAGS, alpha(t) c={c:g}", "lags", PaperAlpha(c)) for c in (100.0, 1.0, 0.1)] + [
    Method(f"LAGS, constant alpha {a:g}", "lags", ConstantAlpha(a)) for a in (1.0, 0.3)]


def variant_config(changes: dict) -> BenchmarkConfig:
    run_fields = {k: v for k, v in changes.items() if k in ("sampler", "steps")}
    problem = dataclasses.replace(ToySettings(), **{k: v for k, v in changes.items() if k not in run_fields})
    return dataclasses.replace(FULL, problem=problem, timing_rounds=0, **run_fields)


#: The schedule that guides and tempers particles, c of alpha = 1/(1 + c sigma^4) (particles.PARTICLE_SCHEDULE_C).
PARTICLE_C = (10.0, 100.0, 1000.0, 1e4)


def particle_rows(prep, base_seconds, log=print) -> list:
    """Particles (K = 4 per output, and one population) under each c."""
    rows = []
    for c in PARTICLE_C:
        for k in (4, 0):
            method = Method(f"c = {c:g}, " + (f"K = {k}" if k else "one population"), "smc", PaperAlpha(c), k)
            log(f"  sampling: particles {method.label}")
            run = run_beyond(method, prep.mixture, prep.log_w, prep.noise, prep.sigmas, prep.config.sampler,
                             prep.config.seed)
            row = prep.score(run, base_seconds)
            rows.append([method.label, f"{row.w2:.4f} ± {row.w2_sd:.4f}", f"{row.near_zero:.4f}", f"{row.ess:.1f}",
                         str(row.resamples)])
    return rows


def _cell(row) -> str:
    return f"{row.w2:.3f} ({row.near_zero:.2f})"


def variant_rows(log=print):
    out = []
    for name, changes in VARIANTS:
        log(f"variant: {name}")
        prep = prepare(variant_config(changes))
        base = prep.run(BASE, log)
        _, grid_rows, best = tune_dps(prep, base.seconds, log)
        rows = [prep.score(prep.run(m, log), base.seconds) for m in lags_methods()]
        out.append([name, f"{prep.truth_row().w2:.3f}", _cell(prep.score(base, base.seconds)),
                    f"{_cell(grid_rows[best])} a={prep.config.dps_alphas[best]:g}"] + [_cell(r) for r in rows])
    return out


def commitment(prep, schedule=PaperAlpha(10.0)):
    """Per step of the base sampler: sigma, alpha(sigma) and the share of trajectories whose
    denoised point is already nearest to the component they end in."""
    trace = []

    def recording(x, sigma):
        d = prep.mixture.denoise(x, sigma)
        trace.append((float(sigma[0]), prep.mixture.nearest_component(d)))
        return d

    final = prep.mixture.nearest_component(SAMPLERS[prep.config.sampler](recording, prep.noise * float(prep.sigmas[0]), prep.sigmas))
    return [(s, float(schedule(torch.tensor([s]))[0]), float((c == final).double().mean())) for s, c in trace]


def _first_sigma_reaching(trace, share):
    return next((s, a) for s, a, f in trace if f >= share)


def section(log=print) -> str:
    rows = variant_rows(log)
    log("alpha variants and mode commitment on the documented problem")
    prep = prepare(dataclasses.replace(FULL, timing_rounds=0))
    base = prep.run(BASE, log)
    alpha_rows = [prep.score(prep.run(m, log), base.seconds) for m in lags_methods()[1:2] + ALPHA_VARIANTS]
    particles = particle_rows(prep, base.seconds, log)
    trace = commitment(prep)
    committed = [(s, a, f) for s, a, f in trace if 0.05 < f < 0.999]
    (s50, a50), (s90, a90) = _first_sigma_reaching(trace, 0.5), _first_sigma_reaching(trace, 0.9)
    headers = ["variant", "noise floor", "base", "best DPS-style", "Tweedie alpha(t)", "LAGS alpha(t)", "LAGS hard gate"]
    return "\n\n".join([
        "## Sensitivity (`python -m benchmarks.toy2d.sensitivity`)",
        "W2 to q (q≈0 fraction in brackets); one setting changed at a time from the documented one, "
        f"same sizes and seed; DPS-style a re-tuned per row over {', '.join(f'{a:g}' for a in FULL.dps_alphas)}.",
        table(headers, rows),
        "### Other LAGS schedules (documented problem)",
        "If the misses came only from alpha(t) ~ 0 while modes are chosen, guiding harder at high sigma "
        "(smaller c, or a constant alpha) would help. The mixture's exact denoiser has a symmetric Jacobian, "
        "so LAGS with a constant alpha computes the DPS-style update (J v = J^T v) without backprop:",
        table(["LAGS schedule", "W2 to q", "q≈0 fraction"],
              [[r.label, f"{r.w2:.4f} ± {r.w2_sd:.4f}", f"{r.near_zero:.4f}"] for r in alpha_rows]),
        "### Which schedule guides and tempers particles",
        "Particles use one alpha for the guidance and for their twist alpha log w(x0_bar). A twist that turns "
        "on while x0_bar is still blurry resamples on noise and collapses the weights; the default "
        "(particles.PARTICLE_SCHEDULE_C) is the best c here:",
        table(["particles, alpha = 1/(1 + c sigma^4)", "W2 to q", "q≈0 fraction", "min ESS", "resamplings"],
              particles),
        "### When the base sampler commits to a mode",
        "Share of base trajectories whose denoised point D(x, sigma) is already nearest to the grid "
        "component the trajectory ends in, with the paper's alpha(t) (c = 10) at that sigma. "
        f"Half are committed by sigma = {s50:.2f} (alpha = {a50:.2f}), 90% by sigma = {s90:.2f} (alpha = {a90:.2f}).",
        table(["sigma", "alpha(t), c=10", "committed"], [[f"{s:.3f}", f"{a:.3f}", f"{f:.3f}"] for s, a, f in committed]),
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.toy2d.sensitivity", description=__doc__)
    parser.add_argument("--out", type=Path, default=DOCS / "benchmark_2d.md")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    text = section()
    old = args.out.read_text() if args.out.exists() else ""
    args.out.write_text(replace_block(old, SENSITIVITY_BLOCK, text))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
