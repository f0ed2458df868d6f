"""COMFYUI_PATH=/path/to/ComfyUI python -m benchmarks.perf [--quick] [--out FILE]

LAGS Weighted Sampler against core KSampler inside real ComfyUI (in-process, CPU, one
thread): per-step and total time, peak memory, a profile, reward-gradient fidelity of the
cheaper reward paths, the 2-D quality gate for the skip threshold, and a FLOP projection
for SDXL. Prints the tables and writes docs/performance.md (FILE)."""
from __future__ import annotations

import argparse
import logging
import os
import platform
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

from . import report
from .config import DEFAULT, QUICK, PerfConfig

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "performance.md"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes, one round (about a minute; for checks)")
    p.add_argument("--size", type=int, help=f"image side in pixels (default {DEFAULT.image_size})")
    p.add_argument("--steps", type=int, help=f"sampler steps (default {DEFAULT.steps})")
    p.add_argument("--rounds", type=int, help=f"timed rounds, best kept (default {DEFAULT.rounds})")
    p.add_argument("--no-quality", action="store_true", help="skip the 2-D skip-threshold check")
    p.add_argument("--no-projection", action="store_true", help="skip the FLOP projection")
    p.add_argument("--out", type=Path, default=DOCS, help="markdown file to write (default docs/performance.md)")
    p.add_argument("--no-write", action="store_true", help="print only")
    return p


def _config(args) -> PerfConfig:
    config = QUICK if args.quick else DEFAULT
    overrides = {k: v for k, v in (("image_size", args.size), ("steps", args.steps), ("rounds", args.rounds))
                 if v is not None}
    return replace(config, **overrides)


def _boot():
    if not os.environ.get("COMFYUI_PATH"):
        sys.exit("COMFYUI_PATH is not set: point it at a ComfyUI checkout, e.g. "
                 "COMFYUI_PATH=/work/ComfyUI python -m benchmarks.perf")
    sys.path.insert(0, str(REPO / "tests" / "host"))
    import harness

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # core nodes whose optional dependencies are missing log tracebacks
    try:
        host = harness.boot()
    finally:
        root.setLevel(level)
    import comfy.utils

    comfy.utils.PROGRESS_BAR_ENABLED = False  # no tqdm bars between the log lines (same for every variant)
    return host


def _cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
                platform.processor() or "?")


def _machine(models: str, load_before) -> dict:
    try:
        import comfyui_version

        comfy = comfyui_version.__version__
    except ImportError:
        comfy = "?"
    load_after = os.getloadavg()
    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else "none (torch.cuda.is_available() is False)"
    return {
        "CPU": f"{_cpu_name()}, {os.cpu_count()} cores, torch.set_num_threads({torch.get_num_threads()})",
        "Software": f"Python {platform.python_version()}, torch {torch.__version__}, ComfyUI {comfy} "
                    "(--cpu, in-process)",
        "Load average (1 min) before / after": f"{load_before[0]:.1f} / {load_after[0]:.1f} "
                                               "(other jobs share this machine)",
        "Models": models,
        "Process peak RSS": f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB over the whole "
                            "benchmark (resource.getrusage ru_maxrss: models, ComfyUI, allocator caches)",
        "GPU": gpu,
    }


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    config = _config(args)
    torch.set_num_threads(1)
    started, load_before = time.perf_counter(), os.getloadavg()
    host = _boot()
    from . import fidelity, models, runner
    from .quality import skip_threshold_check

    print(f"LAGS performance benchmark: {config.describe()}")
    bench = runner.Bench(host, config)
    x0s: list = []
    outcomes = runner.run_all(bench, capture=x0s)
    rows = [report.Row(label, o.record, bench.final_log_w(o.latent), o.variant.plain) for label, o in outcomes.items()]

    print("  reward-gradient fidelity")
    base_model = bench.small.model.model
    paths = {"decode_scale 0.5": {"decode_scale": 0.5}, "decode_scale 0.25": {"decode_scale": 0.25},
             "taesd (random weights)": {"decoder": "taesd"},
             "unrelated decoder (another random VAE)": {"vae": models.small_vae(config.seed + 100)}}
    fid = fidelity.compare(host, bench.base_reward, base_model, bench.small.vae, x0s, paths)

    quality = None
    if not args.no_quality:
        print("  2-D benchmark: skip threshold")
        quality = skip_threshold_check()

    projection = []
    if not args.no_projection:
        print("  FLOP projection")
        projection = _projection(host, bench, config, rows)

    no_gpu = report.NO_GPU if not torch.cuda.is_available() else "not run: this benchmark runs ComfyUI with --cpu"
    gpu_rows = [("SDXL 1024², 30 steps, cfg 5, fp16, colour reward", no_gpu),
                ("SDXL 1024², 30 steps, cfg 5, fp16, PickScore-sized CLIP-H reward", no_gpu)]
    result = report.PerfResult(config, rows, _machine(bench.small.describe(), load_before), fid, quality, projection,
                               gpu_rows, time.perf_counter() - started)
    print()
    print(report.console(result))
    if not args.no_write:
        existing = args.out.read_text() if args.out.exists() else None
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report.markdown(result, report.kept_analysis(existing)))
        print(f"\nwrote {args.out}")
    print(f"done in {time.perf_counter() - started:.0f} s")
    return 0


def _projection(host, bench, config, measured_rows) -> list:
    import comfy.samplers

    from . import projection
    from .quality import HIGHER_SKIP_BELOW

    schedule = host.pack("schedulers").PaperAlpha(10.0)
    skip = host.pack("guidance").DEFAULT_SKIP_BELOW
    sampling = bench.small.model.get_model_object("model_sampling")  # SD1.5 and SDXL share these sigmas

    def sigmas(steps):
        return comfy.samplers.calculate_sigmas(sampling, "karras", steps)

    size = f"{config.image_size}², {config.steps} steps"
    small = projection.project("small", config.latent_size, config.steps, sigmas(config.steps), schedule, skip,
                               model=f"this benchmark's (CPU) models, {size}")
    plain = next(r for r in measured_rows if r.plain).record.cpu
    measured = {r.label.split(" (")[0]: r.record.cpu / plain for r in measured_rows if not r.plain}
    small = [replace(r, measured=measured.get(r.label.removesuffix(", colour reward"))) for r in small]
    sd15 = projection.project("sd15", 64, 30, sigmas(30), schedule, skip, model="SD1.5 512², 30 steps")
    xl = "SDXL 1024², 30 steps"
    sdxl = projection.project("sdxl", 128, 30, sigmas(30), schedule, skip, model=xl)
    clip = projection.project("sdxl", 128, 30, sigmas(30), schedule, skip, clip=True, model=xl)
    higher = projection.project("sdxl", 128, 30, sigmas(30), schedule, HIGHER_SKIP_BELOW, model=xl)
    cheap = ("lags, decode_scale 0.25", "lags, taesd", "floor")
    return (small + [r for r in sd15 if r.label.startswith(("lags, colour", "floor"))] + sdxl
            + [r for r in clip if "lags" in r.label and "no skip" not in r.label]
            + [replace(r, label=f"{r.label}, skip_below {HIGHER_SKIP_BELOW:g}") for r in higher
               if r.label.startswith(cheap)])


if __name__ == "__main__":
    sys.exit(main())
