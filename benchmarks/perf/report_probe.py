"""The adaptive-probe section of docs/performance.md (host-free): the threshold sweep on the exact
test beds (probe_quality.py)."""
from __future__ import annotations

from ..markdown import table


def _toy_table(q) -> str:
    reference = q.toy[0]
    rows = [[r.label, f"{r.probed}/{r.guided}", f"{r.w2:.4f} ± {r.w2_sd:.4f}", f"{r.w2 - reference.w2:+.4f}",
             f"{r.shift:.4f}", f"{100 * r.moved:.1f}%"] for r in q.toy]
    return table(["2-D benchmark run", "guided steps that probe", "W2 to q", "W2 change vs threshold 0",
                  "mean shift vs threshold 0", "samples moved > 0.1"], rows)


def _bed_table(q) -> str:
    rows = []
    for a, b in zip(q.bed, q.bed_sdxl):
        rows.append([f"{a.threshold:g}", f"{a.probed}/{a.guided}", f"{a.gap:.4f}", f"{a.moved:.4f}",
                     f"{b.probed}/{b.guided}", f"{b.gap:.4f}", f"{b.moved:.4f}"])
    return table(["threshold", "test bed: steps that probe", "gap to exact guidance", "moved vs threshold 0",
                  "SDXL schedule: steps that probe", "gap to exact guidance", "moved vs threshold 0"], rows)


def probe_section(q, default: float | None = None) -> list:
    """Markdown parts: heading, explanation, the two tables, the derivation in numbers."""
    from guidance import DEFAULT_PROBE_THRESHOLD

    default = DEFAULT_PROBE_THRESHOLD if default is None else default
    toy, bed, sdxl = q.toy_run(default), q.bed_run(default), q.bed_run(default, sdxl=True)
    eps = ", ".join(f"{r.label.split(' (')[0]}: mean shift {r.shift:.4f}, {100 * r.moved:.1f}% moved" for r in
                    q.epsilon_moves)
    return [
        "### Adaptive probe: where the threshold comes from",
        "A probing step measures gap = ‖J v − J₀ v‖ / ‖J₀ v‖ (J₀: the family's flat-data Jacobian); later, "
        "lower-noise steps use J₀ v without the extra model call while gap × (level of that probe / level now) "
        "≤ threshold (`guidance/adaptive_probe.py`). Swept by `python -m benchmarks.perf.probe_quality` "
        f"({q.seconds:.0f} s), every run of a table from the same noise. 2-D benchmark: "
        f"{q.toy_config.describe()}; q-vs-q noise floor {q.noise_floor[0]:.4f} ± {q.noise_floor[1]:.4f}. The "
        "epsilon rows (threshold 0) are the yardstick: how much the method's own numerical step moves samples.",
        _toy_table(q),
        "Exact mixture bed of `tests/host/test_host_exact.py` (unit-scale data, d = 16, host-free, N = "
        f"{bed.samples.shape[0]}): as the test runs it (20 karras steps, α = 1) and on SDXL's 30-step karras "
        "schedule with the node defaults' α(t) (c = 10, skip below 1e-3). Gap and moved: mean per-sample "
        "distance to the exact guided flow / to the threshold-0 run, in units of the exact samples' spread.",
        _bed_table(q),
        f"**Default {default:g}.** 2-D benchmark: {toy.probed} of {toy.guided} guided steps probe, W2 "
        f"{toy.w2 - q.toy[0].w2:+.4f} against probing every step (subsample sd {toy.w2_sd:.4f}; noise floor "
        f"{q.noise_floor[0]:.4f}), mean shift {toy.shift:.4f} with {100 * toy.moved:.1f}% of samples moved > 0.1, "
        f"against {eps}. Exact bed as tested: {bed.probed} of {bed.guided} probe, gap to exact guidance "
        f"{q.bed[0].gap:.4f} → {bed.gap:.4f}. Exact bed on SDXL's schedule: **{sdxl.probed} of {sdxl.guided} "
        "guided steps probe** (the FLOP projection's count). The 2-D benchmark's components are 0.08 wide, "
        "so its gap stays large down to σ ≈ 0.04 and almost every step probes; the count on a real model "
        "depends on its data, and the trace shows it per step.",
    ]
