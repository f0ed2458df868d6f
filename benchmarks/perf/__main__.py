"""COMFYUI_PATH=/path/to/ComfyUI python -m benchmarks.perf [--quick] [--out FILE]

LAGS Weighted Sampler against core KSampler inside real ComfyUI (in-process, CPU, one
thread): per-step and total time, peak memory, a profile, reward-gradient fidelity of the
cheaper reward paths, the 2-D quality gate for the skip threshold, and a FLOP projection
for SDXL. Prints the tables and writes docs/performance.md (FILE)."""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

from ..comfy_host import REPO, boot, machine
from . import report
from .config import DEFAULT, QUICK, PerfConfig

DOCS = REPO / "docs" / "performance.md"
COMMAND = "python -m benchmarks.perf"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes, one round (about a minute; for checks)")
    p.add_argument("--size", type=int, help=f"image side in pixels (default {DEFAULT.image_size})")
    p.add_argument("--steps", type=int, help=f"sampler steps (default {DEFAULT.steps})")
    p.add_argument("--rounds", type=int, help=f"timed rounds, best kept (default {DEFAULT.rounds})")
    p.add_argument("--no-quality", action="store_true",
                   help="skip the 2-D skip-threshold check and the probe-threshold sweep on the exact test beds")
    p.add_argument("--no-projection", action="store_true", help="skip the FLOP projection")
    p.add_argument("--out", type=Path, default=DOCS, help="markdown file to write (default docs/performance.md)")
    p.add_argument("--no-write", action="store_true", help="print only")
    return p


def _config(args) -> PerfConfig:
    config = QUICK if args.quick else DEFAULT
    overrides = {k: v for k, v in (("image_size", args.size), ("steps", args.steps), ("rounds", args.rounds))
                 if v is not None}
    return replace(config, **overrides)


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    config = _config(args)
    torch.set_num_threads(1)
    started, load_before = time.perf_counter(), os.getloadavg()
    host = boot(COMMAND)
    from . import fidelity, models, runner
    from .probe_quality import probe_threshold_check
    from .quality import skip_threshold_check

    print(f"LAGS performance benchmark: {config.describe()}")
    bench = runner.Bench(host, config)
    x0s: list = []
    outcomes = runner.run_all(bench, capture=x0s)
    plain = next(o for o in outcomes.values() if o.variant.plain)
    rows = [report.Row(label, o.record, bench.final_log_w(o.latent), o.variant.plain,
                       None if o.variant.plain else
                       bench.guided_log_w(o.variant, o.latent) - bench.guided_log_w(o.variant, plain.latent))
            for label, o in outcomes.items()]

    print("  reward-gradient fidelity")
    base_model = bench.small.model.model
    paths = {"decode_scale 0.5": {"decode_scale": 0.5}, "decode_scale 0.25": {"decode_scale": 0.25},
             "taesd (random weights)": {"decoder": "taesd"},
             "unrelated decoder (another random VAE)": {"vae": models.small_vae(config.seed + 100)}}
    fid = fidelity.compare(host, bench.base_reward, base_model, bench.small.vae, x0s, paths)

    quality = probe = None
    if not args.no_quality:
        print("  2-D benchmark: skip threshold")
        quality = skip_threshold_check()
        print("  exact test beds: adaptive probe threshold")
        probe = probe_threshold_check()

    projection = []
    if not args.no_projection:
        print("  FLOP projection")
        projection = _projection(host, bench, config, outcomes, probe)

    no_gpu = report.NO_GPU if not torch.cuda.is_available() else "not run here: python -m benchmarks.gpu runs it"
    existing = args.out.read_text() if args.out.exists() else None
    result = report.PerfResult(config, rows, machine(bench.small.describe(), load_before), fid, quality, projection,
                               [("GPU", no_gpu)], time.perf_counter() - started, probe, report.kept_gpu(existing))
    print()
    print(report.console(result))
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report.markdown(result, report.kept_analysis(existing)))
        print(f"\nwrote {args.out}")
    print(f"done in {time.perf_counter() - started:.0f} s")
    return 0


def _sdxl_probes(host, probe) -> dict:
    """Guided steps that probe on SDXL's 30-step karras schedule at the default threshold: the exact
    bed (unit-scale data) and the 2-D benchmark (0.08-wide components)."""
    from .exact_bed import run_bed

    default = host.pack("guidance").DEFAULT_PROBE_THRESHOLD
    if probe is not None:
        return {"exact bed": probe.bed_run(default, sdxl=True).probed, "2-D benchmark": probe.toy_run(default).probed}
    from schedulers import PaperAlpha

    return {"exact bed": run_bed((default,), 30, PaperAlpha(10.0))[0].probed}


def _projection(host, bench, config, outcomes, probe) -> list:
    import comfy.samplers

    from . import projection

    schedule = host.pack("schedulers").PaperAlpha(10.0)
    skip = host.pack("guidance").DEFAULT_SKIP_BELOW
    sampling = bench.small.model.get_model_object("model_sampling")  # SD1.5 and SDXL share these sigmas
    sigmas = comfy.samplers.calculate_sigmas(sampling, "karras", 30)
    plain = next(o for o in outcomes.values() if o.variant.plain).record.cpu
    small = []
    for o in outcomes.values():
        v = o.variant
        if v.plain or v.skip_below is not None:
            continue
        scale = 0.25 if v.decode_scale == "auto" else float(v.decode_scale)  # auto: 1/4 for the colour reward
        small.append(projection.measured_row(
            "small", config.latent_size, config.steps, f"{v.label}, colour reward", v.method, scale, v.decoder,
            len(o.record.guided_steps()), len(o.record.extra_call_steps()), o.record.cpu / plain,
            model=f"this benchmark's (CPU) models, {config.image_size}², {config.steps} steps", particles=v.particles))
    probes = _sdxl_probes(host, probe)
    clip_scale = host.pack("rewards.decode_scale").model_input_scale(224, (1024, 1024))
    sd15 = projection.project("sd15", 64, 30, sigmas, schedule, skip, model="SD1.5 512², 30 steps",
                              probes={"exact bed": probes["exact bed"]})
    xl = "SDXL 1024², 30 steps"
    sdxl = projection.project("sdxl", 128, 30, sigmas, schedule, skip, model=xl, probes=probes)
    clip = projection.project("sdxl", 128, 30, sigmas, schedule, skip, clip=True, model=xl, auto_scale=clip_scale,
                              probes=probes)
    return (small + [r for r in sd15 if r.label.startswith(("defaults", "floor"))] + sdxl
            + [r for r in clip if "no skip" not in r.label and "tweedie" not in r.label and "dps" not in r.label])


if __name__ == "__main__":
    sys.exit(main())
