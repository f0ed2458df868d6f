// The schedule node's drawing: α at each step of the sampler's σ list, σ on a log axis,
// steps where guidance is skipped shaded, gates drawn as a staircase.

import { columnCenter, formatNumber, indexRanges, linearScale, logScale, finiteExtent, plotArea } from "./chart_scale.js";
import { PALETTE, clear, dot, frame, hline, polyline, text } from "./draw_common.js";

/**
 * view: { title, subtitle, steps (from scheduleSteps) | null, note, error }.
 * Returns what was drawn (for tests and the DOM's data attributes).
 */
export function drawSchedule(ctx, width, height, view, palette = PALETTE) {
  clear(ctx, width, height, palette);
  const top = view.both ? 38 : 22;
  const area = plotArea(width, height, { left: 28, right: 40, top, bottom: view.note ? 36 : 20 });
  text(ctx, view.title ?? "", 4, 14, { color: palette.text });
  text(ctx, view.subtitle ?? "", width - 4, 14, { color: palette.dim, align: "right" });
  if (view.both) text(ctx, view.both, 4, 31, { color: palette.alpha });
  if (view.note) text(ctx, view.note, 4, height - 4, { color: palette.warning });
  frame(ctx, area, palette);

  const data = view.steps;
  if (view.error || !data || data.sigmas.length === 0) {
    const message = view.error ?? "no steps to draw";
    text(ctx, message, (area.x0 + area.x1) / 2, (area.y0 + area.y1) / 2, { color: palette.warning, align: "center", baseline: "middle" });
    return { drawn: false, message };
  }

  const n = data.sigmas.length;
  const colWidth = (area.x1 - area.x0) / n;
  const x = (i) => columnCenter(i, n, area.x0, area.x1);
  const yAlpha = linearScale([0, 1], [area.y1 - 2, area.y0 + 2]);

  // Skipped steps: shaded columns, so the unguided stretch reads at a glance.
  ctx.fillStyle = palette.skipped;
  data.guided.forEach((on, i) => on || ctx.fillRect(area.x0 + i * colWidth, area.y0 + 1, colWidth, area.y1 - area.y0 - 1));

  for (const a of [0, 0.5, 1]) {
    hline(ctx, area.x0 + 1, area.x1, yAlpha(a), palette.grid);
    text(ctx, a === 0.5 ? ".5" : String(a), area.x0 - 3, yAlpha(a), { color: palette.alpha, align: "right", baseline: "middle" });
  }

  const sigmaExtent = finiteExtent(data.sigmas, { positiveOnly: true });
  if (sigmaExtent) {
    const [lo, hi] = sigmaExtent[0] === sigmaExtent[1] ? [sigmaExtent[0] / 2, sigmaExtent[1] * 2] : sigmaExtent;
    const ySigma = logScale([lo, hi], [area.y1 - 2, area.y0 + 2]);
    polyline(ctx, data.sigmas.map((s, i) => [x(i), s > 0 ? ySigma(s) : null]), palette.sigma, 1);
    text(ctx, `σ ${formatNumber(hi)}`, area.x1 + 3, area.y0 + 9, { color: palette.sigma });
    text(ctx, formatNumber(lo), area.x1 + 3, area.y1 - 2, { color: palette.sigma });
  }

  const points = data.alphas.map((a, i) => [x(i), yAlpha(a)]);
  if (data.isGate) {
    // A 0/1 gate is a step function of the step index: draw it as one.
    const stairs = [];
    data.alphas.forEach((a, i) => stairs.push([area.x0 + i * colWidth, yAlpha(a)], [area.x0 + (i + 1) * colWidth, yAlpha(a)]));
    polyline(ctx, stairs, palette.alpha, 2);
  } else {
    polyline(ctx, points, palette.alpha, 1.5);
  }
  const radius = Math.max(1.5, Math.min(3, colWidth / 3));
  points.forEach(([px, py], i) => dot(ctx, px, py, radius, data.guided[i] ? palette.alpha : palette.skippedDot, data.guided[i]));

  const skipped = indexRanges(data.guided.map((g) => !g));
  const summary = (view.warning ? "⚠ " : "") + `guided ${data.guidedCount}/${n}` + (skipped ? ` · skipped ${skipped}` : "");
  text(ctx, "1", area.x0, area.y1 + 14, { color: palette.dim });
  text(ctx, String(n), area.x1, area.y1 + 14, { color: palette.dim, align: "right" });
  text(ctx, summary, (area.x0 + area.x1) / 2, area.y1 + 14, { color: view.warning ? palette.warning : palette.text, align: "center" });
  return { drawn: true, steps: n, guided: data.guidedCount, summary, ...(view.warning ? { warning: view.warning } : {}), ...(view.both ? { both: view.both } : {}) };
}
