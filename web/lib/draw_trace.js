// The sampler node's live chart: one strip per quantity over the run's steps — the reward's
// score log w, the pull ‖g‖, the schedule's α and, for particle runs, the effective sample size
// (0..K) — unguided steps as grey rings, guided steps that skipped the finite-difference probe
// (adaptive probe: J0 v) as rings on the push strip, guarded steps (non-finite guidance) in red, the steps
// an interrupted or failed run never reached hatched, the step under the mouse highlighted.

import { columnAt, columnCenter, formatNumber, linearScale, plotArea, seriesDomain } from "./chart_scale.js";
import { PALETTE, clear, dot, frame, polyline, text } from "./draw_common.js";
import { particleCount } from "./particles.js";
import { emptyRecord, reached } from "./run_record.js";

const STRIPS = [
  { key: "logW", label: "reward", color: "logW" },
  { key: "gradNorm", label: "push", color: "gradNorm" },
  { key: "alpha", label: "α", color: "alpha", domain: [0, 1] },
];
const ESS_STRIP = { key: "ess", label: "ESS", color: "ess" };
export const MARGINS = { left: 54, right: 52, top: 6, bottom: 6 };

/** A guided lags step that took J0 v instead of the finite-difference probe (adaptive probe). */
export const unprobed = (p) => Boolean(p.guided && p.probed === false && p.probeKnown);

/** A run record (run_record.js); a bare trace (trace.js) is shown as a finished run. */
export function asRecord(data) {
  if (!data) return emptyRecord();
  if (Array.isArray(data.points)) return { ...emptyRecord(), trace: data, status: data.points.length ? "done" : "idle" };
  return data;
}

function placeholder(record) {
  if (record.status === "running") return "running: the first step is on its way";
  if (record.status === "done") return "the last run sampled no steps (denoise 0?): nothing to draw";
  if (record.status === "interrupted" || record.status === "failed") return `the run ${record.status === "failed" ? "failed" : "was interrupted"} before its first step`;
  return "LAGS trace: appears while sampling";
}

/** The 1-based step under canvas x, or null outside the plot. */
export function stepAt(x, width, height, data) {
  const record = asRecord(data);
  const steps = reached(record).steps;
  const area = plotArea(width, height, MARGINS);
  if (!steps || x < area.x0 || x > area.x1) return null;
  return columnAt(x, steps, area.x0, area.x1) + 1;
}

/** Returns what was drawn (for tests and the canvas's data-lags attribute). */
export function drawTrace(ctx, width, height, data, { hoverStep = null, palette = PALETTE } = {}) {
  const record = asRecord(data);
  const { trace } = record;
  clear(ctx, width, height, palette);
  const area = plotArea(width, height, MARGINS);
  const { step: lastStep, steps } = reached(record);
  if (trace.points.length === 0 && record.ess.length === 0) {
    frame(ctx, area, palette);
    const warn = record.status !== "idle" && record.status !== "running";
    text(ctx, placeholder(record), (area.x0 + area.x1) / 2, (area.y0 + area.y1) / 2, {
      color: warn ? palette.warning : palette.dim, align: "center", baseline: "middle",
    });
    return { drawn: false, points: 0, ...(record.status !== "idle" ? { status: record.status } : {}) };
  }

  const n = Math.max(steps, 1);
  const x = (step) => columnCenter(step - 1, n, area.x0, area.x1);
  const colWidth = (area.x1 - area.x0) / n;
  const K = particleCount(record.ess);
  const strips = record.ess.length ? [...STRIPS, { ...ESS_STRIP, domain: [0, K] }] : STRIPS;
  const stripHeight = (area.y1 - area.y0) / strips.length;

  if (hoverStep !== null && hoverStep >= 1 && hoverStep <= n) {
    ctx.fillStyle = palette.hover;
    ctx.fillRect(area.x0 + (hoverStep - 1) * colWidth, area.y0, colWidth, area.y1 - area.y0);
  }
  strips.forEach((strip, k) => {
    const box = { x0: area.x0, x1: area.x1, y0: area.y0 + k * stripHeight, y1: area.y0 + (k + 1) * stripHeight };
    frame(ctx, box, palette);
    text(ctx, strip.label, box.x0 - 5, (box.y0 + box.y1) / 2, { color: palette[strip.color], align: "right", baseline: "middle" });
    const series = strip.key === "ess" ? record.ess : trace.points;
    // ‖g‖ and log w are absent on unguided steps: leave those out of their scale and line.
    const value = (p) => (strip.key === "ess" || strip.key === "alpha" || p.guided ? p[strip.key] : null);
    const domain = strip.domain ?? seriesDomain(series.map(value));
    const latest = [...series].reverse().find((p) => value(p) !== null && value(p) !== undefined);
    const latestText = latest ? formatNumber(value(latest)) + (strip.key === "ess" && K ? `/${K}` : "") : "–";
    text(ctx, latestText, box.x1 + 4, (box.y0 + box.y1) / 2, { color: palette[strip.color], baseline: "middle" });
    if (!domain) return;
    const y = linearScale(domain, [box.y1 - 3, box.y0 + 3]);
    polyline(ctx, series.map((p) => [x(p.step), value(p) === null ? null : y(value(p))]), palette[strip.color], 1.5);
    for (const p of series) {
      const ring = p.resampled || (strip.key === "gradNorm" && unprobed(p));
      if (value(p) !== null) dot(ctx, x(p.step), y(value(p)), p.resampled ? 3 : 2, palette[strip.color], !ring);
      else dot(ctx, x(p.step), box.y1 - 3, 2, palette.skippedDot, false);
    }
  });

  ctx.fillStyle = palette.guarded;
  for (const p of trace.points) if (p.guarded > 0) ctx.fillRect(x(p.step) - 1, area.y0, 2, area.y1 - area.y0);
  const unfinished = record.status === "interrupted" || record.status === "failed";
  if (unfinished && lastStep < n) {
    // The steps the run never reached.
    ctx.fillStyle = palette.unreached;
    ctx.fillRect(area.x0 + lastStep * colWidth, area.y0, (n - lastStep) * colWidth, area.y1 - area.y0);
    text(ctx, record.status === "failed" ? "failed" : "interrupted", area.x0 + (lastStep + (n - lastStep) / 2) * colWidth, (area.y0 + area.y1) / 2, {
      color: palette.guarded, align: "center", baseline: "middle",
    });
  } else {
    ctx.fillStyle = "rgba(255, 255, 255, 0.25)"; // where the run is now
    ctx.fillRect(Math.round(x(lastStep)), area.y0, 1, area.y1 - area.y0);
  }
  // The plain summary of a finished run stays { drawn, points, lastStep, steps }; the rest only when it says something.
  return {
    drawn: true,
    points: trace.points.length,
    lastStep,
    steps,
    ...(record.status !== "done" ? { status: record.status } : {}),
    ...(record.ess.length ? { strips: strips.map((s) => s.label), essPoints: record.ess.length, particles: K } : {}),
    ...(hoverStep !== null ? { hoverStep } : {}),
  };
}
