// The words around the trace chart (pure): the footer after (and during) a run, the readout of
// the step under the mouse, the legend, and the banner for runs that did not end well.

import { formatNumber } from "./chart_scale.js";
import { percent, runEffect } from "./effect.js";
import { particleCount } from "./particles.js";
import { reached } from "./run_record.js";

/** What each strip of the chart is, in words. */
export const LEGEND = [
  ["reward", "log w: the reward's score of the model's current guess of the picture (up is better)"],
  ["push", "‖g‖: how hard the reward pulls on that guess (a ring: that step skipped the extra model call, see probe_threshold)"],
  ["α", "the schedule's guidance strength, 0 (off) to 1 (full)"],
  ["ESS", "particles: how many of the K particles still carry weight (K = all alike)"],
];

const signed = (v) => (v === null ? "–" : `${v > 0 ? "+" : ""}${formatNumber(v)}`);

/**
 * Footer items: [{ text, level, wrap }] with level "info", "good" or "warn". Short items are
 * kept whole (the line wraps between them); `wrap` items are sentences on a line of their own.
 */
export function footerItems(record) {
  const { trace, status } = record;
  if (status === "idle" && trace.points.length === 0) return [{ text: "no run yet: the chart fills in while sampling", level: "info" }];
  const { step, steps } = reached(record);
  if (trace.points.length === 0 && record.ess.length === 0) {
    if (status === "running") return [{ text: "running: waiting for the first step", level: "info" }];
    if (status === "done") return [{ text: "the last run sampled no steps (denoise 0 or nothing to denoise): no trace", level: "warn" }];
  }
  const last = trace.points[trace.points.length - 1];
  const now = last ? ` · σ ${formatNumber(last.sigma)} · α ${formatNumber(last.alpha)}` : "";
  const items = [{ text: `step ${step}/${steps}${now}`, level: "info" }];
  if (last?.guided) items.push({ text: `log w ${formatNumber(last.logW)} · ‖g‖ ${formatNumber(last.gradNorm)}`, level: "info" });
  const effect = runEffect(trace.points, trace.steps);
  items.push({ text: `guided ${effect.guidedSteps}/${trace.steps || steps}`, level: effect.guidedSteps ? "info" : "warn" });
  const probeKnown = trace.points.filter((p) => p.guided && p.probeKnown);
  if (probeKnown.length) items.push({ text: `probed ${probeKnown.filter((p) => p.probed).length}/${probeKnown.length} guided`, level: "info" });
  if (effect.peak !== null) {
    items.push({ text: `change by guidance: up to ${percent(effect.peak)} per step`, level: "info" });
    items.push({ text: `last guided step ${percent(effect.last)}`, level: "info" });
  }
  if (effect.gain !== null) items.push({ text: `reward ${signed(effect.gain)} (first → last guided step)`, level: "info" });
  const ess = record.ess[record.ess.length - 1];
  if (ess) items.push({ text: `ESS ${formatNumber(ess.ess)} of ${particleCount(record.ess)} particles`, level: "info" });
  // Sentences: on a line of their own, wrapping between words.
  const guarded = trace.points.reduce((sum, p) => sum + (p.guarded || 0), 0);
  if (guarded > 0) items.push({ text: `${guarded} step(s) fell back to unguided: guidance was not finite there`, level: "warn", wrap: true });
  if (status === "done") {
    if (effect.verdict) items.push({ text: `⚠ ${effect.verdict}: ${effect.reason}`, level: "warn", wrap: true });
    else if (effect.peak !== null) items.push({ text: "✓ visible, not destructive", level: "good" });
  }
  return items;
}

/** A banner for an interrupted or failed run (null otherwise). */
export function runBanner(record) {
  const { step, steps } = reached(record);
  const where = steps ? ` at step ${step}/${steps}` : "";
  if (record.status === "interrupted") {
    return `Interrupted${where}${record.error ? ` (${record.error})` : ""}: the numbers are partial.`;
  }
  if (record.status === "failed") return `Failed${where}: ${record.error}`;
  return null;
}

/** The readout of one step in words (the step under the mouse). */
export function stepReadout(record, step) {
  const p = record.trace.points.find((q) => q.step === step);
  const e = record.ess.find((q) => q.step === step);
  if (!p && !e) return `step ${step}: no data`;
  const parts = [`step ${step}/${record.trace.steps || e?.steps || "?"}`];
  if (p) {
    parts.push(`σ ${formatNumber(p.sigma)}`, `strength α ${formatNumber(p.alpha)}`);
    if (p.guided) {
      parts.push(`reward log w ${formatNumber(p.logW)}`, `push ‖g‖ ${formatNumber(p.gradNorm)}`);
      if (typeof p.displacement === "number") parts.push(`changed the picture by ${percent(p.displacement)}`);
      if (p.probeKnown) parts.push(p.probed ? "extra model call (probe)" : "no extra model call (adaptive probe)");
    } else {
      parts.push("not guided (α too small)");
    }
    if (p.guarded > 0) parts.push("guidance not finite: took the unguided step");
  }
  if (e) parts.push(`ESS ${formatNumber(e.ess)} of ${e.particles ?? "?"}${e.resampled ? ", resampled" : ""}${e.zeroWeight ? `, ${e.zeroWeight} at zero weight` : ""}`);
  return parts.join(" · ");
}
