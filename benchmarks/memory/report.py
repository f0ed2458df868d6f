"""docs/memory.md from the measured tables (host-free)."""
from __future__ import annotations

from dataclasses import dataclass

from ..markdown import table
from .config import MAX_PIECES, TARGET_BYTES, TRUNCATE_AFTER

COMMAND = "COMFYUI_PATH=/path/to/ComfyUI python -m benchmarks.memory"
#: A constant the plan uses that is off by more than this from the measured slope is flagged.
CONSTANT_TOLERANCE = 0.10

COULD_NOT_MEASURE = (
    "- **CPU, not CUDA.** Bytes are torch's CPU allocator, not `torch.cuda.max_memory_allocated`. The pack's "
    "decoder copy saves the same tensors for backward on both, but on a GPU cuDNN picks other convolution "
    "algorithms with their own workspaces, the caching allocator rounds blocks up and keeps freed ones "
    "(reserved > allocated), and fp16/bf16 kernels may keep other intermediates. oneDNN's own scratch "
    "buffers on CPU may not all pass through torch's allocator.\n"
    "- **Attention.** With `--cpu`, ComfyUI's VAE uses split attention (`normal_attention`), which materialises "
    "the mid-block's (h·w)² attention matrix and keeps the softmax for backward: 4 bytes × (pixels/64)², "
    "about 1 GiB at 1024² in fp32. On NVIDIA GPUs ComfyUI uses PyTorch SDPA there, without that term, so the "
    "plain-autograd rows overstate a GPU's need by up to that much (and make the fit slightly non-linear). "
    "In a tile it is small: 4 bytes × t⁴ for t² latent pixels, 40 MiB at t = 57.\n"
    "- **Random weights.** Activation sizes depend on shapes, not values, so the bytes hold for trained weights; "
    "the rewards' values mean nothing here, and the gradient cosines between tiled and whole decodes are those of "
    "random weights (trained decoders can differ).\n"
    "- **Not included:** the UNet and its activations, the model weights, "
    "the cached trainable copy of the decoder (made before measuring, once per VAE), ComfyUI's own "
    "allocations, and the CLIP reward models' activations (estimated separately above, for one "
    "architecture, in fp32 on CPU; on a GPU they run in fp16 and their attention uses SDPA).\n"
    "- **One evaluation.** The peak of one reward-gradient evaluation; the sampler calls it once per guided "
    "step and keeps nothing between steps (tests/host/test_perf_memory.py).")


@dataclass
class MemoryReport:
    config: object
    tables: object  # rows.Tables
    machine: dict
    budget: float
    clip: object | None  # clip_activations.ClipEstimate
    seconds: float
    command: str = COMMAND


def mib(nbytes) -> str:
    return "-" if nbytes is None else f"{nbytes / 2**20:,.0f}"


def secs(seconds, partial: bool = False) -> str:
    return "-" if seconds is None else f"{seconds:.1f}" + (" (partial)" if partial else "")


def _pct(value: float) -> str:
    return f"{100 * value:+.1f}%"


def fit_table(report: MemoryReport) -> str:
    rows = []
    for fr in report.tables.fits:
        residual = {px: r for px, _, r in fr.fit.residuals()} if fr.fit else {}
        for r in fr.results:
            res = residual.get(float(r.decoded_pixels))
            per_px = f"{r.peak / r.decoded_pixels:,.0f}" if r.peak is not None else "-"
            res_text = "-" if res is None else f"{res / 2**20:+,.1f} ({_pct(res / r.peak)})"
            rows.append((fr.label, f"{r.side}²", mib(r.peak), per_px, res_text, secs(r.seconds), r.source))
        for t in fr.targets:
            rows.append((fr.label, f"**{t.side}²**", f"**{mib(t.peak)}**", f"{t.peak / t.decoded_pixels:,.0f}", "-",
                         "-", t.source))
    return table(("decoder", "image (batch 1)", "peak MiB", "bytes / decoded px", "linear fit residual MiB",
                  "seconds", "source"), rows)


def _against(slope: float, fr) -> str:
    off = slope / fr.constant - 1.0
    verdict = (f"**differs by more than {CONSTANT_TOLERANCE:.0%}**" if abs(off) > CONSTANT_TOLERANCE
               else f"within {CONSTANT_TOLERANCE:.0%}")
    return f"{_pct(off)} against `{fr.constant_name}` = {fr.constant:,.0f} B/px ({verdict})"


def fit_lines(report: MemoryReport) -> list:
    lines = []
    for fr in report.tables.fits:
        if fr.fit is None:
            lines.append(f"- {fr.label}: too few points for a fit.")
            continue
        f = fr.fit
        lines.append(
            f"- {fr.label}: peak ≈ **{f.slope:,.0f} B/px** × decoded pixels {f.intercept / 2**20:+,.0f} MiB "
            f"(largest residual {_pct(f.max_relative_residual())} of its point); slope {_against(f.slope, fr)}.")
        a = fr.attention_fit
        if a is not None:
            lines.append(
                f"  - With the split-attention matrix as a known term (element size × (pixels/64)²): "
                f"**{a.slope:,.0f} B/px** × pixels {a.intercept / 2**20:+,.1f} MiB + the matrix, largest residual "
                f"{_pct(a.max_relative_residual())}; slope {_against(a.slope, fr)}. This slope is the decoder "
                "without that matrix, i.e. what a GPU with SDPA attention keeps per pixel.")
    return lines


def _decoded(r) -> str:
    side = int(r.decoded.split("x")[0])
    scale = side / r.side
    return f"{r.decoded} (scale {scale:.3g})"


def _target_check(peak) -> str:
    if peak is None:
        return "-"
    return "yes" if peak <= TARGET_BYTES else "**NO**"


def defaults_table(report: MemoryReport) -> str:
    rows = [(r.reward, _decoded(r), r.plan, mib(r.peak), _target_check(r.peak),
             "-" if r.cosine is None else f"{r.cosine:.4f}", secs(r.seconds, r.truncated), r.source)
            for r in report.tables.defaults]
    return table(("reward", "decoded", "plan", "peak MiB", f"≤ {TARGET_BYTES / 2**20:.0f} MiB",
                  "grad cosine vs plain", "seconds", "source"), rows)


def clip_lines(report: MemoryReport) -> list:
    clip = report.clip
    if clip is None:
        return ["- CLIP model activations: not measured (`--no-clip` or open_clip missing)."]
    path = next((r for r in report.tables.defaults if r.reward.startswith("CLIP")), None)
    lines = [f"- CLIP model activations (estimate): open_clip {clip.arch} vision tower ({clip.params / 1e6:.0f} M "
             f"params, random weights, frozen), 224², batch 1, forward + backward to the pixels: "
             f"**{mib(clip.peak)} MiB** above its weights ({clip.seconds:.1f} s)."]
    if path is not None and path.peak is not None:
        total = path.peak + clip.peak
        lines.append(f"- CLIP-reward path + that model: {mib(path.peak)} + {mib(clip.peak)} ≈ **{mib(total)} MiB** "
                     f"({'within' if total <= TARGET_BYTES else 'ABOVE'} {TARGET_BYTES / 2**20:.0f} MiB). The "
                     "decoder's saved activations stay live while the model runs forward and backward, so the two "
                     "add up (for a whole decode; a tiled decode keeps no activations then: it re-decodes its "
                     "pieces after the model's backward).")
    return lines


def simple_table(rows_) -> str:
    return table(("row", "reward", "image", "decoded", "plan", "peak MiB", "seconds", "source"),
                 [(r.label, r.reward, f"{r.side}² x{r.batch}", r.decoded, r.plan, mib(r.peak),
                   secs(r.seconds, r.truncated), r.source) for r in rows_])


def timing_lines(report: MemoryReport) -> list:
    plain, tiled = report.tables.timing
    rows = [(r.label, r.decoded, r.plan, mib(r.peak), secs(r.seconds), secs(r.cpu_seconds)) for r in (plain, tiled)]
    lines = [table(("path", "decoded", "plan", "peak MiB", "wall s", "CPU s"), rows), ""]
    if plain.seconds and tiled.seconds and plain.cpu_seconds and tiled.cpu_seconds:
        memory = (tiled.peak or 0) / max(plain.peak or 1, 1)
        lines.append(f"- Tiled default path / plain autograd: **{tiled.cpu_seconds / plain.cpu_seconds:.2f}×** CPU "
                     f"time ({tiled.seconds / plain.seconds:.2f}× wall), {memory:.2f}× peak memory (same run, same "
                     "latent). CPU time is this process's (both threads): other jobs on the machine move it less than "
                     "wall time, though a thread spinning while the other waits for a core still counts.")
    if report.tables.timing_cosine is not None:
        lines.append(f"- Cosine between the two gradients d log w / d x0: {report.tables.timing_cosine:.5f} "
                     "(tiles are blended with ramps, so the tiled decode is not bit-identical to the whole one).")
    return lines


def markdown(report: MemoryReport) -> str:
    c = report.config
    machine = "\n".join(f"- {k}: {v}" for k, v in report.machine.items())
    mode = {"full": " --full", "quick": " --quick"}.get(c.name, "")
    sections = [
        "# Memory: one reward-gradient evaluation at SDXL sizes (CPU)",
        f"Regenerate with `{report.command}{mode}` from the repo root (`--quick` for a small check, `--full` to "
        "measure directly what the default run derives). This run took "
        f"{report.seconds / 60:.1f} min. It boots real ComfyUI in-process (tests/host/harness.py), builds ComfyUI's "
        "exact SDXL VAE and TAESD architectures with random weights, and measures the pack's own path: "
        "`grad_log_w(RewardPath(reward, decoder, decode_scale, budget), x0, float32)` = decode x0 → reward → "
        "backward to the latent.",
        "## Machine and settings",
        machine,
        f"- Run: {c.describe()}; latents N(0, 1), batch 1 unless stated; default memory budget "
        f"{report.budget / 2**20:,.0f} MiB (`reward_path.path.DEFAULT_BUDGET`).",
        "- Peak = most bytes live in torch's CPU allocator during ONE evaluation, above the bytes live when it "
        "starts (torch.profiler memory events, benchmarks/perf/allocations.py). The weights and the decoder's "
        "cached trainable copy exist before and are not counted. Seconds are wall time with the profiler on, on a "
        "machine other jobs share.",
        f"- Long tiled evaluations (more than {MAX_PIECES} pieces) decode, without `--full`, only their first "
        f"{TRUNCATE_AFTER} pieces: the "
        "tiled decode runs its forward piece by piece without autograd, then backward re-decodes one equally sized "
        "piece at a time, so later pieces allocate what the first ones did. The forward's other pieces come back as "
        "zeros of the decoded shape (same buffers, no decoder work) and the evaluation stops when backward asks for "
        "the next piece (tests/host/test_memory_budget.py checks the peak equals the full evaluation's). Their "
        "seconds are partial.",
        "## 1. Old default settings: decode_scale 1, no budget (one whole decode, no tiling), colour mean",
        fit_table(report),
        "\n".join(fit_lines(report)),
        f"## 2. Fixed decode scales at {c.target_side}² (VAE fp32, no budget), colour mean",
        simple_table(report.tables.scales + report.tables.references),
        "Plain references: the tiled default rows of section 3 decoded whole at the same scale, to compare "
        "gradients.",
        f"## 3. New defaults at {c.target_side}², batch 1 (decode_scale auto, budget {report.budget / 2**20:,.0f} "
        "MiB, VAE fp32): the target",
        defaults_table(report),
        "- grad cosine vs plain: cosine between d log w / d x0 of the tiled default and of plain autograd at the "
        "same decode scale (section 2). Both are exact gradients of their own decode (finite differences agree on "
        "a tiny VAE), but a tile's GroupNorm statistics and mid-block attention see only the tile, so a tiled "
        "decode is a slightly different function; image-wide statistics (mean colour, palette share) feel that most.",
        "\n".join(clip_lines(report)),
        f"## 4. Batch {c.batch} at {c.target_side}², defaults",
        simple_table(report.tables.batch),
        f"## 5. Cost of tiling: frequency suppress 0.25-0.5 at {c.time_side}²",
        "\n".join(timing_lines(report)),
        "## What this could not measure",
        COULD_NOT_MEASURE,
    ]
    return "\n\n".join(s.strip() for s in sections) + "\n"
