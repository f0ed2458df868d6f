"""Tables, targets and docs/real_weights.md from the benchmark rows."""
from __future__ import annotations

from statistics import mean

from ..markdown import table
from .fidelity import SCALES
from .run import Row
from .strength import ALPHA_C, PALETTE, STEPS, TARGET_COLOUR, GuidedRun

COMMAND = "python -m benchmarks.real_weights"
DELTA_E_RANGE = (5.0, 20.0)
SIZE_RATIO = 1.5
#: The mean-colour shift the colour defaults aim for (middle of DELTA_E_RANGE, geometrically).
DELTA_E_AIM = 10.0

STATISTIC = {"colour mean": "ΔE to target", "colour palette": "ΔE to palette"}


def _num(values) -> str:
    values = [values] if isinstance(values, float) else values
    text = f"{mean(values):.3g}"
    return text if len(values) == 1 else f"{text} ({min(values):.3g}..{max(values):.3g})"


def _scale_cell(fid, scale) -> str:
    cosines = fid.scale_cosines[scale]
    if isinstance(cosines, str):
        return "not measurable at this scale (see below)"
    return f"{_num(cosines)} (norm x{_num(fid.scale_norm_ratios[scale])})"


def _guided_cells(reward: str, g) -> list:
    if not isinstance(g, GuidedRun):
        return ["", "", g, "", ""]  # why it did not run
    stat = STATISTIC.get(reward, "band share")
    seconds = f"{g.seconds:.0f}" + (f" ({g.guarded} guarded)" if g.guarded else "")
    return [f"{g.decode_scale:.3g}", _num(g.delta_e), f"{stat} {_num(g.before)} → {_num(g.after)}",
            _num(g.structure_psnr), seconds]


def strength_table(rows: list[Row]) -> str:
    body = [[r.reward, r.size, f"{r.strength:g}", f"{r.grad_rms:.3g}"] + _guided_cells(r.reward, r.guided)
            for r in rows]
    return table(["reward", "size", "strength", "RMS of v (guidance units)", "guide decode scale", "ΔE mean colour",
                  "statistic unguided → guided", "structure PSNR (dB)", "guided run (s)"], body)


def fidelity_table(rows: list[Row]) -> str:
    body = [[r.reward, r.size] + [_scale_cell(r.fidelity, s) for s in SCALES]
            + ([_num(r.fidelity.tiled_cosines), r.fidelity.tiles] if r.fidelity.tiled_cosines else ["", ""])
            for r in rows]
    refusals = dict.fromkeys(f"- {r.reward}, scale {s:g}: {r.fidelity.scale_cosines[s]}"
                             for r in rows for s in SCALES if isinstance(r.fidelity.scale_cosines[s], str))
    return table(["reward", "size"] + [f"cos(v@{s:g}, v@1)" for s in SCALES] + ["cos(tiled, whole)", "tiles (latent px)"],
                 body) + ("\n\nWhy not measurable:\n" + "\n".join(refusals) if refusals else "")


def _colour_runs(rows):
    return [r for r in rows if r.reward == "colour mean" and isinstance(r.guided, GuidedRun)]


def targets(rows: list[Row]) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for the colour calibration and resolution independence."""
    runs = _colour_runs(rows)
    lo, hi = DELTA_E_RANGE
    out = [(f"colour mean ΔE at {r.size} in {lo:g}..{hi:g}", f"{mean(r.guided.delta_e):.1f}",
            lo <= mean(r.guided.delta_e) <= hi) for r in runs]
    if len(runs) >= 2:
        shifts = [mean(r.guided.delta_e) for r in runs]
        ratio = max(shifts) / max(min(shifts), 1e-12)
        out.append((f"colour mean ΔE across sizes within x{SIZE_RATIO:g}", f"x{ratio:.2f}", ratio <= SIZE_RATIO))
    # Colour statistics are image means: their v should not depend on size. A band share's v
    # does (a resized photo has different detail), so frequency rewards are not held to it.
    for name in [n for n in dict.fromkeys(r.reward for r in rows) if n.startswith("colour")]:
        grads = [r.grad_rms for r in rows if r.reward == name]
        if len(grads) >= 2:
            ratio = max(grads) / max(min(grads), 1e-300)
            out.append((f"{name}: RMS of v across sizes within x{SIZE_RATIO:g}", f"x{ratio:.2f}", ratio <= SIZE_RATIO))
    return out


def targets_table(rows: list[Row]) -> str:
    return table(["target", "measured", "met"], [[t, m, "yes" if ok else "**no**"] for t, m, ok in targets(rows)])


def calibration_hint(rows: list[Row]) -> str:
    """The colour strength that would give DELTA_E_AIM, if ΔE is proportional to strength."""
    runs = _colour_runs(rows)
    if not runs:
        return ""
    guesses = ", ".join(f"{r.size}: {r.strength * DELTA_E_AIM / max(mean(r.guided.delta_e), 1e-12):.2g}" for r in runs)
    return f"colour mean strength for ΔE ≈ {DELTA_E_AIM:g} (linear estimate): {guesses}"


NOT_MEASURED = (
    "No real SD/SDXL VAE, UNet or SDXL-size latent is available on these machines, so: the decoder is TAEF2, "
    "the tiny autoencoder for FLUX.2's 32-channel latents, not the VAE a user decodes with (a real VAE's "
    "Jacobian, and so the latent gradient's size and the right strength, may differ; SDXL's 4-channel latent "
    "has 8x fewer elements per pixel). The prior is an exact Gaussian centred on the photo's latent, not a "
    "trained denoiser: it measures the reward path and the schedule, not how a real model's Jacobian bends the "
    "guidance, and it has no CFG, prompt or noise. Each run starts at the photo (no noise) and is deterministic; "
    "one or a few photos are no sample of what users generate. The 1024² photos are upsampled from scikit-image's "
    "≤ 640-pixel originals, so they hold little true detail above 0.25 cycles/pixel (the suppress band then mostly "
    "holds the decoder's own texture). Time is CPU time on a shared 2-core machine, not GPU time. The guided runs "
    "whose decode exceeds the per-step limit (listed as skipped) and the tiled decode at the other sizes were not "
    "run here, for time.")


def markdown(rows: list[Row], command: str, machine: str, config_text: str, timing: str) -> str:
    return "\n\n".join([
        "# Real-weights strength and fidelity benchmark (TAEF2)",
        f"Regenerate with `{command}` (repository root). Machine: {machine}. Run: {config_text}; {timing}.",
        "## What is measured",
        "\n".join([
            "- Decoder: the real TAEF2 decoder (shared/weights, float32). Latents: TAEF2 encodings of "
            "scikit-image photos, centre-cropped and resized.",
            f"- Rewards at the strengths in `benchmarks/real_weights/strength.py` (`DEFAULT_STRENGTHS`): colour mean "
            f"towards {TARGET_COLOUR}; colour palette {PALETTE}; frequency suppress and favour 0.25-0.5 "
            "cycles/pixel (the node's default band).",
            "- RMS of v: v = ∇ log w of `RewardPath(reward, TAEF2, decode_scale=1.0)` (whole decode, never tiled) at the photo latent, in "
            "guidance units (natural log w × latent pixels), so one strength should give the same RMS at any size.",
            f"- Guided run: {STEPS} Karras steps (σ 14.6 → 0.029), Euler, `GuidedDenoiser(method=\"lags\")` with "
            f"α(σ) = 1/(1 + {ALPHA_C:g} σ⁴) and the reward path at decode_scale auto (the node default; the scale "
            "used is listed). Prior N(μ, s²I) centred on the photo latent μ, s² = the latent's element variance: "
            "its denoiser is exact and linear, so the lags finite difference is exact too. x_T = μ with no noise: "
            "unguided sampling returns μ exactly, guided sampling moves only because of the reward.",
            "- ΔE mean colour: CIE76 distance between the mean CIELAB colour of the guided and unguided decodes "
            "(full size, clamped to 0..1). Statistic: the reward's own measure on those two images (ΔE to the "
            "target colour or palette, or the band's energy share). Structure PSNR: PSNR between the two decodes "
            "after removing each one's per-channel mean, so a colour cast alone does not lower it.",
            "- Fidelity: cosine between v at decode scale 0.5 / 0.25 (the reward as "
            "`at_decode_scale` gives it; not measurable where it refuses, with its message) and v at scale 1, with the ratio of their norms (a change "
            "of effective strength); and the cosine between v of a tiled decode (a quarter of the whole decode's "
            "memory budget, so tiles of about half the side) and of the whole decode.",
            "- Several photos: mean (min..max) over photos.",
        ]),
        "## Strength", strength_table(rows),
        "## Targets", targets_table(rows) + "\n\n" + calibration_hint(rows),
        "## Fidelity of the cheaper reward paths", fidelity_table(rows),
        "## What this could not measure", NOT_MEASURED,
    ]) + "\n"
