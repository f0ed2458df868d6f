"""docs/benchmark_2d.md and docs/benchmark_2d.png from a BenchmarkResult."""
from __future__ import annotations

import math

from ..markdown import table
from .run import BenchmarkResult, Row

COMMAND = "python -m benchmarks.toy2d --update-docs"
SENSITIVITY_BLOCK = "sensitivity"

READING = "\n".join([
    "- The mixture's exact denoiser has a symmetric Jacobian, so LAGS's finite difference J v and the "
    "DPS-style backprop J^T v are the same vector up to the FD error: the LAGS and DPS-style rows compare "
    "alpha schedules (the paper's alpha(t) against a constant tuned on the truth) and cost (one extra "
    "forward call on guided steps against a backward pass through the denoiser on every step).",
    "- The panels show where every first-order method falls short of q: samples pulled onto the curve "
    "itself (thinner than q's blobs) and samples left in components away from the curve (the q≈0 column). "
    "Both come from scoring w at one point x0_bar = D(x, sigma) instead of E[w(X0) | x]: while the "
    "posterior over x0 is wider than the weight's width h, log w(x0_bar) is sharper than log E[w | x], and "
    "where x0_bar lies more than ~5h from the curve, w sits at its floor and grad log w(x0_bar) ~ 0.",
    "- Exact guidance shows what first order costs and what the schedule costs: with alpha = 1 the exact "
    "grad log E[w | x] samples q (the W2 floor); under the paper's alpha(t) the same exact guidance closes only "
    "part of the gap, because alpha(t) is ~0 while the modes are chosen. No first-order method with alpha(t) "
    "can do better than that row.",
    "- Particles act where alpha(t) gives up: their weights carry the twist alpha log w(x0_bar) and the "
    "correction p/q of each guided move, so the final draw targets q whatever the guidance missed. The twist "
    "is tempered by the same alpha that scales the guidance (the locally optimal proposal for it); the paper's "
    "c = 10 as a twist resamples on blurry x0_bar and collapses the weights, hence c = 1000 for particles. "
    "Best-of-N keeps the highest-w of N base samples; with this nearly binary w it behaves like rejection "
    "sampling, a strong baseline here.",
    "- The sensitivity section (below, when present) shows how the numbers move with the problem's "
    "settings, the solver and the schedule, and at which sigma the base sampler commits to a mode.",
])


def _fmt_time(row: Row) -> tuple[str, str]:
    if row.seconds is None:
        return "-", "-"
    return f"{row.seconds:.2f}", f"{row.ratio:.2f}x"


def results_table(result: BenchmarkResult) -> str:
    headers = ["method", "guidance", "W2 to q (mean ± sd)", "gap closed", "q≈0 fraction", "wall s",
               "× base", "× LAGS", "model calls / output", "guided calls", "min ESS", "resamplings"]
    rows = []
    for r in result.rows:
        seconds, ratio = _fmt_time(r)
        calls = f"{r.guided_calls}/{r.total_calls}" if r.total_calls else "-"
        if r.guarded:
            calls += f" ({r.guarded} guarded)"
        gap = "-" if r.gap_share is None else f"{r.gap_share:.0%}"
        vs_lags = "-" if r.lags_ratio is None else f"{r.lags_ratio:.2f}x"
        per_output = f"{r.calls_per_output:.1f}" if r.calls_per_output else "-"
        ess = "-" if r.ess is None else f"{r.ess:.1f}"
        resamplings = str(r.resamples) if r.ess is not None else "-"
        rows.append([r.label, r.guidance, f"{r.w2:.4f} ± {r.w2_sd:.4f}", gap, f"{r.near_zero:.4f}", seconds, ratio,
                     vs_lags, per_output, calls, ess, resamplings])
    return table(headers, rows)


def dps_table(result: BenchmarkResult) -> str:
    rows = [[r.label, f"{r.w2:.4f} ± {r.w2_sd:.4f}", f"{r.near_zero:.4f}", f"{r.seconds:.2f}"] for r in result.dps_grid]
    return table(["DPS-style run", "W2 to q", "q≈0 fraction", "wall s"], rows)


def targets_table(result: BenchmarkResult) -> str:
    return table(["target", "met", "numbers"],
                 [[t, "yes" if ok else "**no**", numbers] for t, ok, numbers in result.targets()])


def markdown(result: BenchmarkResult, png_name: str, sensitivity: str | None) -> str:
    cfg = result.config
    floor, sd = result.noise_floor
    parts = [
        "# 2-D benchmark: 25 Gaussians re-weighted towards a heart",
        f"Regenerate with `{COMMAND}` (CPU, one thread, no downloads; this file and "
        f"`{png_name}` are written by it). The paper's Fig. 1 setting: sample q(x) ∝ w(x) p(x) "
        "with p a 5x5 grid of Gaussians (exact denoiser, `guidance.mixture.GaussianMixture`) and w "
        "concentrated on a heart-shaped curve.",
        "## Settings",
        "\n".join([
            f"- Problem: {cfg.problem.describe()}. dist^2 is read by bilinear interpolation from a table of exact "
            "polyline distances (the interpolated field is the weight used everywhere, truth included).",
            f"- Run: {cfg.describe()}; every method starts from the same noise.",
            f"- Truth: exact importance resampling (multinomial, with replacement) of {cfg.pool} exact base "
            f"samples with weights w; effective sample size of the pool {result.ess:.0f}.",
            f"- W2: exact OT (`scipy.optimize.linear_sum_assignment` on squared distances) between random "
            f"{cfg.w2_size}-point subsamples of the method's samples and of the truth, averaged over "
            f"{cfg.w2_repeats} subsample pairs (sd over those pairs). Noise floor (q vs an independent "
            f"resample of q): **{floor:.4f} ± {sd:.4f}** (the truth row).",
            "- q≈0 fraction: share of samples x with q(x) < 1e-3 · max q, where q(x) ∝ p(x) w(x) "
            "(the mixture density times w; the max is taken over a 401x401 grid spanning the truth samples and over those samples).",
            "- Time: wall-clock seconds of the sampling loop, one thread, the fastest of "
            f"{cfg.timing_rounds + 1} runs interleaved across methods (identical samples); × base is relative "
            "to the base sampler in this run. DPS grid times are single runs.",
            f"- DPS-style = method `dps` (backprop through the denoiser) with ConstantAlpha(a), a tuned over "
            f"{', '.join(f'{a:g}' for a in cfg.dps_alphas)} by W2 to the truth: **a = {result.best_dps_alpha:g} won**. "
            "Tweedie and LAGS use alpha(t) = 1/(1+10 sigma^4) (PaperAlpha(10)); the hard gate is HardGate(10) "
            "(alpha = 1 for sigma <= 0.562). Steps with alpha < 1e-3 skip guidance.",
            "- Exact guidance: D_q = D + alpha (E_w[X0 | x] - D), the exact grad log E[w(X0) | x] for this "
            "mixture, E_w by 256 self-normalised draws from the exact posterior per point and step "
            "(`benchmarks/toy2d/exact_guidance.py`). **gap closed** = (W2 base - W2) / (W2 base - W2 of exact "
            "guidance with alpha = 1).",
            "- Particles: sequential Monte Carlo (`particles/`) with LAGS-guided euler-ancestral proposals, "
            "alpha(t) with c = 1000 for both guidance and twist, resampling (systematic) when a group's ESS "
            "falls below K/2; K per output returns one draw per group of K; one population resamples all "
            "samples together and returns them all. Their wall time is per output sample (K=4: four particles "
            "per output), × LAGS relative to LAGS alpha(t); min ESS is the lowest mean effective sample size "
            "over the steps, in particles. Exact-guidance, particle and best-of-N times are single runs.",
            "- Best of N: N base (euler) samples per output, the one with the highest w kept; N = the "
            "particle rows' model calls per output / the base's, rounded up (at least the same calls).",
        ]),
        "## Results",
        results_table(result),
        f"![samples]({png_name})",
        "### Targets",
        targets_table(result),
        "### DPS-style tuning grid",
        dps_table(result),
        "## Reading the results",
        READING,
    ]
    text = "\n\n".join(parts) + "\n"
    if sensitivity:
        text += "\n" + sensitivity.strip() + "\n"
    return text


def plot(result: BenchmarkResult, path, limit: float = 1.45) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = list(result.samples)
    order = [labels[1], labels[0]] + labels[2:]  # base, truth, then each method
    cols = 3
    rows = math.ceil(len(order) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 4 * rows), squeeze=False)
    by_label = {r.label: r for r in result.rows}
    for ax, label in zip(axes.flat, order):
        pts = result.samples[label].numpy()
        ax.scatter(pts[:, 0], pts[:, 1], s=0.4, alpha=0.5, color="tab:blue", rasterized=True)
        heart = result.heart.numpy()
        ax.plot(list(heart[:, 0]) + [heart[0, 0]], list(heart[:, 1]) + [heart[0, 1]], color="tab:red", lw=0.6)
        row = by_label[label]
        ax.set_title(f"{label}\nW2 {row.w2:.3f}, q≈0 {row.near_zero:.3f}", fontsize=9)
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in list(axes.flat)[len(order):]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
