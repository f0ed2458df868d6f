// The sampler node's live chart: one strip per quantity (log w(x̄0), ‖g‖, α) over the
// run's steps, unguided steps as grey ticks, guarded steps (non-finite guidance) in red.

import { columnCenter, formatNumber, linearScale, plotArea, seriesDomain } from "./chart_scale.js";
import { PALETTE, clear, dot, frame, polyline, text } from "./draw_common.js";

const STRIPS = [
  { key: "logW", label: "log w", color: "logW" },
  { key: "gradNorm", label: "‖g‖", color: "gradNorm" },
  { key: "alpha", label: "α", color: "alpha", domain: [0, 1] },
];

/** trace: from trace.js. Returns what was drawn (for tests and data attributes). */
export function drawTrace(ctx, width, height, trace, palette = PALETTE) {
  clear(ctx, width, height, palette);
  const area = plotArea(width, height, { left: 38, right: 44, top: 4, bottom: 4 });
  if (!trace || trace.points.length === 0) {
    frame(ctx, area, palette);
    text(ctx, "LAGS trace: appears while sampling", (area.x0 + area.x1) / 2, (area.y0 + area.y1) / 2, {
      color: palette.dim, align: "center", baseline: "middle",
    });
    return { drawn: false, points: 0 };
  }

  const n = Math.max(trace.steps, 1);
  const x = (step) => columnCenter(step - 1, n, area.x0, area.x1);
  const stripHeight = (area.y1 - area.y0) / STRIPS.length;
  const last = trace.points[trace.points.length - 1];

  STRIPS.forEach((strip, k) => {
    const box = { x0: area.x0, x1: area.x1, y0: area.y0 + k * stripHeight, y1: area.y0 + (k + 1) * stripHeight };
    frame(ctx, box, palette);
    text(ctx, strip.label, box.x0 - 4, (box.y0 + box.y1) / 2, { color: palette[strip.color], align: "right", baseline: "middle" });
    // ‖g‖ is 0 on unguided steps: leave those out of its scale and line.
    const value = (p) => (strip.key !== "alpha" && !p.guided ? null : p[strip.key]);
    const domain = strip.domain ?? seriesDomain(trace.points.map(value));
    const latest = [...trace.points].reverse().find((p) => value(p) !== null);
    text(ctx, latest ? formatNumber(value(latest)) : "–", box.x1 + 4, (box.y0 + box.y1) / 2, {
      color: palette[strip.color], baseline: "middle",
    });
    if (!domain) return;
    const y = linearScale(domain, [box.y1 - 3, box.y0 + 3]);
    polyline(ctx, trace.points.map((p) => [x(p.step), value(p) === null ? null : y(value(p))]), palette[strip.color], 1.5);
    for (const p of trace.points) {
      if (value(p) !== null) dot(ctx, x(p.step), y(value(p)), 1.5, palette[strip.color]);
      else dot(ctx, x(p.step), box.y1 - 3, 1.5, palette.skippedDot, false);
    }
  });

  ctx.fillStyle = palette.guarded;
  for (const p of trace.points) if (p.guarded > 0) ctx.fillRect(x(p.step) - 1, area.y0, 2, area.y1 - area.y0);
  // Where the run is now.
  ctx.fillStyle = "rgba(255, 255, 255, 0.25)";
  ctx.fillRect(Math.round(x(last.step)), area.y0, 1, area.y1 - area.y0);
  return { drawn: true, points: trace.points.length, lastStep: last.step, steps: trace.steps };
}

/** The text line under the chart: the latest (after the run: the final) numbers. */
export function traceLine(trace, totals) {
  const p = totals.last;
  if (!p) return "no LAGS trace yet";
  const parts = [
    `step ${p.step}/${trace.steps}`,
    `σ ${formatNumber(p.sigma)}`,
    `α ${formatNumber(p.alpha)}`,
    `log w ${formatNumber(p.logW)}`,
    `‖g‖ ${formatNumber(p.guided ? p.gradNorm : null)}`,
    `guided ${totals.guidedSteps}/${trace.steps}`,
  ];
  if (totals.guarded > 0) parts.push(`guarded ${totals.guarded}`);
  return parts.join(" · ");
}
