// Chart scaling and number formatting for the small node charts (pure, no DOM).

/** [min, max] of the finite numbers in `values`, or null when there are none. */
export function finiteExtent(values, { positiveOnly = false } = {}) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (typeof v !== "number" || !Number.isFinite(v) || (positiveOnly && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * A y-domain for a series: its finite extent with 8 % headroom; a flat series gets a
 * band around its value so it draws as a line in the middle, not on an edge.
 * Returns null when nothing is finite.
 */
export function seriesDomain(values) {
  const extent = finiteExtent(values);
  if (!extent) return null;
  const [lo, hi] = extent;
  if (hi === lo) {
    const half = Math.abs(lo) * 0.1 || 1;
    return [lo - half, hi + half];
  }
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

/** Maps [d0, d1] linearly onto [r0, r1]; a zero-width domain maps to the middle. */
export function linearScale([d0, d1], [r0, r1]) {
  const span = d1 - d0;
  return (v) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0));
}

/** Maps [d0, d1] (both > 0) onto [r0, r1] in log space. */
export function logScale([d0, d1], [r0, r1]) {
  const inner = linearScale([Math.log(d0), Math.log(d1)], [r0, r1]);
  return (v) => inner(Math.log(v));
}

/** Centre x of column i of n equal columns spanning [x0, x1] (one column per sampler step). */
export function columnCenter(i, n, x0, x1) {
  return x0 + ((i + 0.5) * (x1 - x0)) / Math.max(n, 1);
}

/** Column index under pixel x, clamped to [0, n-1]. */
export function columnAt(x, n, x0, x1) {
  const i = Math.floor(((x - x0) / (x1 - x0)) * n);
  return Math.min(Math.max(i, 0), Math.max(n - 1, 0));
}

/** Compact number text: 3 significant digits, exponent form for very small/large. */
export function formatNumber(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (v === Infinity) return "∞";
  if (v === -Infinity) return "−∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  const text = a >= 1e4 || a < 1e-2 ? v.toExponential(2).replace(/\.?0+e/, "e").replace("e+", "e") : String(Number(v.toPrecision(3)));
  return text.replace(/^-/, "−");
}

/** Plot rectangle inside a width × height box, leaving margins for labels. */
export function plotArea(width, height, { left = 30, right = 8, top = 18, bottom = 16 } = {}) {
  const x0 = Math.min(left, width / 2);
  const y0 = Math.min(top, height / 2);
  return { x0, y0, x1: Math.max(x0 + 1, width - right), y1: Math.max(y0 + 1, height - bottom) };
}

/** 1-based ranges of the true entries of `flags`, as text: "1–21, 25". */
export function indexRanges(flags) {
  const parts = [];
  let start = -1;
  flags.forEach((on, i) => {
    if (on && start < 0) start = i;
    if (start >= 0 && (!on || i === flags.length - 1)) {
      const end = on ? i : i - 1;
      parts.push(start === end ? `${start + 1}` : `${start + 1}–${end + 1}`);
      start = -1;
    }
  });
  return parts.join(", ");
}
