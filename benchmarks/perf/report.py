"""Tables and docs/performance.md from the benchmark's results (host-free)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..gpu.report import GPU_BLOCK, not_run_block
from ..markdown import block, extract_block, table
from .allocations import flatness
from .config import DEFAULTS
from .recorder import RunRecord, mean
from .report_probe import probe_section

COMMAND = "COMFYUI_PATH=/path/to/ComfyUI python -m benchmarks.perf"
CPU_TARGET = 2.0
FLOP_TARGET = 1.5
NO_GPU = "not run: no GPU lent to this task"
#: The hand-written part of docs/performance.md, kept when the file is regenerated.
ANALYSIS_BLOCK = "analysis"
TIMING_NOTE = (
    "- Timing: every model call goes through a `model_function_wrapper` that records its sigma (a new sigma "
    "opens a new sampler step) and its time; an OUTER_SAMPLE wrapper brackets the sampling. Reward-path "
    "pieces are timed by wrapping the pack's `grad_log_w`, `vjp_through` and `RewardPath.image` and the "
    "reward's `log_w`. Wall and CPU (process) time are both shown: on a shared machine wall time swings "
    "with other load, CPU time much less.")
MEMORY_NOTE = (
    "- Memory: bytes live in torch's CPU allocator, from `torch.profiler` memory events "
    "(`profile_memory=True`; torch has no CPU `memory_stats` and tracemalloc does not see torch), relative "
    "to the start of sampling; peak = most bytes live at once. Growth = change of the bytes live at the "
    "start of each guided step after the first; spread = max − min of the per-step peaks over those steps. "
    "Both 0 means nothing (graph, tensor) is kept from step to step. The profiler is on for every variant "
    "(with and without it, CPU time differed by less than the run-to-run noise of about 5%).")
PROFILE_PARTS = (("unet_cfg", "UNet (sampler call)"), ("unet_extra", "UNet (probe / dps fwd)"),
                 ("decode_fwd", "decode fwd"), ("reward_fwd", "reward fwd"), ("backward", "backward"),
                 ("other", "other"))


@dataclass
class Row:
    label: str
    record: RunRecord
    log_w: float  # reward of the final image (full-resolution VAE decode)
    plain: bool = False
    guided_gain: float | None = None  # log w gain vs plain through the variant's own reward path


@dataclass
class PerfResult:
    config: object
    rows: list
    machine: dict
    fidelity: list = field(default_factory=list)
    quality: object = None
    projection: list = field(default_factory=list)
    gpu_rows: list = field(default_factory=list)  # (setting, reason) for the GPU rows not run
    seconds: float = 0.0
    probe: object = None  # probe_quality.ProbeQuality
    gpu_block: str | None = None  # docs/performance.md's GPU block as benchmarks.gpu wrote it

    @property
    def plain(self) -> Row:
        return next(r for r in self.rows if r.plain)

    def row(self, label: str) -> Row:
        return next(r for r in self.rows if r.label == label)

    def ratio(self, row: Row, cpu: bool = False) -> float:
        base = self.plain.record
        return (row.record.cpu / base.cpu) if cpu else (row.record.wall / base.wall)


def _mb(nbytes) -> str:
    return "-" if nbytes is None else f"{nbytes / 2**20:.1f}"


def _s(seconds: float) -> str:
    return "-" if seconds is None or math.isnan(seconds) else f"{seconds:.3f}"


def timing_table(result: PerfResult) -> str:
    headers = ["variant", "guided steps", "with an extra model call", "CPU s/step unguided", "CPU s/step guided",
               "wall s total", "× plain (wall)", "CPU s total", "× plain (CPU)", "peak MiB (torch, above start)",
               "growth / spread MiB over steps", "log w gain vs plain (full-size decode)",
               "log w gain vs plain (as guided)"]
    rows = []
    for r in result.rows:
        rec = r.record
        growth, spread = flatness(rec.steps)
        gain = "-" if r.plain else f"{r.log_w - result.plain.log_w:+.3f}"
        guided_gain = "-" if r.guided_gain is None else f"{r.guided_gain:+.3f}"
        per_step = [_s(mean(s.cpu for s in steps)) for steps in (rec.unguided_steps(), rec.guided_steps())]
        rows.append([r.label, f"{len(rec.guided_steps())}/{len(rec.steps)}", len(rec.extra_call_steps()), *per_step,
                     f"{rec.wall:.2f}", f"{result.ratio(r):.2f}×",
                     f"{rec.cpu:.2f}", f"{result.ratio(r, cpu=True):.2f}×",
                     _mb(rec.peak), f"{_mb(growth)} / {_mb(spread)}", gain, guided_gain])
    return table(headers, rows)


def steps_table(result: PerfResult, label: str = DEFAULTS.label) -> str:
    """One variant step by step: time and torch memory (flat memory = equal rows)."""
    headers = ["step", "sigma", "guided", "model calls", "wall s", "CPU s", "live at step start MiB",
               "peak in step MiB"]
    rows = [[s.index + 1, f"{s.sigma:.3f}", "yes" if s.guided else "no", s.unet_calls, f"{s.wall:.3f}",
             f"{s.cpu:.3f}", _mb(s.live_start), _mb(s.peak)] for s in result.row(label).record.steps]
    return table(headers, rows)


def profile_table(result: PerfResult) -> str:
    """Where a guided step's CPU time goes (mean over guided steps, seconds and share)."""
    headers = ["variant (guided step)", "CPU s"] + [name for _, name in PROFILE_PARTS]
    rows = []
    plain_step = mean(s.cpu for s in result.plain.record.steps)
    rows.append([result.plain.label + " (any step)", _s(plain_step), _s(plain_step), "-", "-", "-", "-", "-"])
    for r in result.rows:
        steps = r.record.guided_steps()
        if not steps:
            continue
        total = mean(s.cpu for s in steps)
        cells = []
        for key, _ in PROFILE_PARTS:
            value = mean(s.part(key) if key in ("backward", "other") else s.cpu_seconds[key] for s in steps)
            cells.append(f"{value:.3f} ({100 * value / total:.0f}%)")
        rows.append([r.label, _s(total)] + cells)
    return table(headers, rows)


def fidelity_table(result: PerfResult) -> str:
    rows = [[f.label, f"{f.mean:.3f}", f"{f.worst:.3f}", len(f.cosines)] for f in result.fidelity]
    headers = ["reward path (vs full-resolution VAE decode)", "cosine of ∇log w, mean", "worst", "x̄0 compared"]
    return table(headers, rows)


def quality_table(result: PerfResult) -> str:
    q = result.quality
    rows = [[f"{r.skip_below:g}", f"{r.guided_calls}/{r.total_calls}", f"{r.w2:.4f} ± {r.w2_sd:.4f}",
             f"{q.worsening(r):+.4f}", f"{r.mean_shift:.4f}", f"{100 * r.moved:.2f}%", f"{r.seconds:.2f}"]
            for r in q.runs]
    headers = ["skip_below", "guided calls", "W2 to q", "W2 change vs skip 0", "mean shift vs skip 0",
               "samples moved > 0.1", "wall s"]
    return table(headers, rows)


def projection_table(result: PerfResult) -> str:
    rows = [[p.model, p.label, f"{p.unet_tflops:.3g}", f"{p.extra_tflops:.3g}", f"{p.guided}/{p.steps}",
             p.probes, f"{p.ratio:.2f}×", "-" if p.measured is None else f"{p.measured:.2f}×"]
            for p in result.projection]
    return table(["models", "setting", "plain step TFLOP", "reward-path TFLOP per guided step", "guided steps",
                  "steps with a probe (+1 plain step each)", "FLOP ratio", "measured CPU ratio"], rows)


def defaults_projection(result: PerfResult, reward: str):
    """The SDXL FLOP-projection row of the defaults with the exact bed's probe count."""
    return next((p for p in result.projection if p.model.startswith("SDXL") and p.label.startswith("defaults")
                 and "exact bed" in p.label and p.label.endswith(reward)), None)


def targets(result: PerfResult) -> list:
    """(target, measured, met, note) rows."""
    defaults = result.row(DEFAULTS.label)
    out = []
    gains = "" if defaults.guided_gain is None else (
        f"log w gain {defaults.guided_gain:+.3f} as guided, {defaults.log_w - result.plain.log_w:+.3f} at full size")
    for cpu in (False, True):
        ratio = result.ratio(defaults, cpu)
        clock = "CPU time" if cpu else "wall time"
        met = ratio <= CPU_TARGET
        note = "" if met else f"missed by {ratio - CPU_TARGET:.2f}× ({100 * (ratio / CPU_TARGET - 1):.0f}% over)"
        out.append((f"CPU small model: defaults ≤ {CPU_TARGET}× plain ({clock})", f"{ratio:.2f}×", met,
                    "; ".join(n for n in (note, gains) if n)))
    meeting = [r.label for r in result.rows if not r.plain and result.ratio(r, True) <= CPU_TARGET
               and result.ratio(r) <= CPU_TARGET]
    out.append((f"variants within {CPU_TARGET}× (wall and CPU)", ", ".join(meeting) or "none", bool(meeting), ""))
    for reward in ("colour reward", "CLIP-H reward"):
        row = defaults_projection(result, reward)
        if row is not None:
            out.append((f"FLOP projection SDXL 1024², 30 steps: defaults ≤ {FLOP_TARGET}× plain ({reward})",
                        f"{row.ratio:.2f}×", row.ratio <= FLOP_TARGET,
                        f"{row.probes} of {row.guided} guided steps probe (exact bed on SDXL's schedule)"))
    gpu_run = result.gpu_block is not None and "not run" not in result.gpu_block
    out.append(("GPU SDXL 1024², 30 steps, fp16: defaults vs plain", "see GPU" if gpu_run else NO_GPU, None,
                "python -m benchmarks.gpu"))
    return out


def targets_table(result: PerfResult) -> str:
    rows = [[t, measured, "-" if met is None else ("yes" if met else "**no**"), note]
            for t, measured, met, note in targets(result)]
    return table(["target", "measured", "met", "note"], rows)


def gpu_text(result: PerfResult) -> str:
    """The GPU block benchmarks.gpu wrote, or one that says it was not run."""
    return result.gpu_block or block(GPU_BLOCK, not_run_block(result.gpu_rows[0][1] if result.gpu_rows else NO_GPU))


def console(result: PerfResult) -> str:
    parts = ["Timing (same run, same seed/sampler/steps):", timing_table(result), "",
             "defaults step by step:", steps_table(result), "",
             "Guided-step profile (CPU seconds):", profile_table(result), ""]
    if result.fidelity:
        parts += ["Reward-gradient fidelity:", fidelity_table(result), ""]
    if result.quality is not None:
        parts += ["2-D benchmark, skip threshold:", quality_table(result), ""]
    if result.probe is not None:
        parts += ["\n\n".join(probe_section(result.probe)), ""]
    if result.projection:
        parts += ["FLOP projection:", projection_table(result), ""]
    parts += [gpu_text(result), "", "Targets:", targets_table(result)]
    return "\n".join(parts)


def markdown(result: PerfResult, analysis: str | None = None) -> str:
    c = result.config
    settings = [f"- {k}: {v}" for k, v in result.machine.items()] + [f"- Run: {c.describe()}."]
    parts = [
        "# Performance: LAGS overhead against plain KSampler",
        f"Regenerate with `{COMMAND}` from the repo root (about {result.seconds / 60:.0f} min here; "
        "`--help` lists the options). It runs real ComfyUI in-process (the test harness in `tests/host`), "
        "core KSampler and LAGS Weighted Sampler through ComfyUI's executor with the same instrumented "
        "MODEL, and writes this file (the analysis section at the end is kept).",
        "## Machine and settings",
        "\n".join(settings + [TIMING_NOTE, MEMORY_NOTE]),
        "## Results (CPU)",
        timing_table(result),
        "### defaults step by step",
        steps_table(result),
        "### Where a guided step's time goes",
        profile_table(result),
    ]
    if result.fidelity:
        parts += ["### Reward-gradient fidelity of the cheaper reward paths",
                  "Cosine similarity between v = ∇log w(x̄0) (in the latent) through the cheaper path and through "
                  "the full-resolution VAE decode, on the same x̄0 (those the full-resolution lags run scored, "
                  "one per guided step). **Weak proxy**: the decoders have random weights. A random VAE's "
                  "low-resolution "
                  "decode relates to its full-resolution decode only through the shared weights, and the random "
                  "TAESD shares nothing with the random VAE (the 'unrelated decoder' row shows what no relation "
                  "looks like). With trained decoders both approximate the same image, so expect higher numbers.",
                  fidelity_table(result)]
    if result.quality is not None:
        q = result.quality
        parts += ["### Quality gate: the skip threshold on the 2-D benchmark",
                  f"The 2-D benchmark (`python -m benchmarks.toy2d`, {q.config.describe()}) with LAGS α(t) "
                  "run three times from the same noise: guidance everywhere (skip_below = 0), and skipped where "
                  "α < 1e-3 (the default) or α < 1e-2. "
                  f"q-vs-q noise floor **{q.noise_floor[0]:.4f} ± {q.noise_floor[1]:.4f}**, unguided base "
                  f"{q.base_w2:.4f}. W2 change from skipping at the default: {q.worsening():+.4f} "
                  f"({'within' if q.within_noise_floor() else '**beyond**'} the noise floor). The 1e-2 row "
                  "shows a coarser threshold (not a default).",
                  quality_table(result)]
    if result.probe is not None:
        parts += probe_section(result.probe)
    parts += [gpu_text(result)]
    if result.projection:
        parts += ["### FLOP projection (an estimate, not a measurement)",
                  "FLOPs counted by `torch.utils.flop_counter` on the meta device (no weights, no GPU) for SDXL's "
                  "exact UNet (batch 2: cond + uncond) and VAE decoder, TAESD's decoder and a CLIP ViT-H/14 image "
                  "tower at 224² (PickScore's size), with frozen weights (backward = input gradients). Ratio = "
                  "FLOPs of the run / FLOPs of plain sampling, with the guided steps of the real schedule. GPU "
                  "time is not proportional to FLOPs (high-resolution VAE convolutions run at lower utilisation "
                  "than UNet matmuls), so treat these as the shape of the cost, not a promise.",
                  projection_table(result)]
    parts += ["## Targets", targets_table(result)]
    text = "\n\n".join(parts) + "\n"
    if analysis:
        text += "\n" + analysis.strip() + "\n"
    return text


def kept_analysis(existing: str | None) -> str | None:
    return extract_block(existing, ANALYSIS_BLOCK) if existing else None


def kept_gpu(existing: str | None) -> str | None:
    """The GPU block of an existing docs/performance.md (benchmarks.gpu writes it; perf keeps it)."""
    return extract_block(existing, GPU_BLOCK) if existing else None
