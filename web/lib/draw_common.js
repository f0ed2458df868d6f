// Canvas 2D helpers shared by the LAGS charts. They only call methods of the context
// they are given, so tests can pass a recording stand-in instead of a real canvas.

export const PALETTE = Object.freeze({
  background: "#1b1b1b",
  frame: "#3a3a3a",
  grid: "#2c2c2c",
  text: "#c8c8c8",
  dim: "#8a8a8a",
  alpha: "#f0a830",
  sigma: "#5b8fd6",
  logW: "#6fcf7f",
  gradNorm: "#d98ad9",
  skipped: "rgba(255, 255, 255, 0.06)",
  skippedDot: "#6a6a6a",
  warning: "#ff9f43",
  guarded: "#ff5c5c",
  ess: "#4fc3d9",
  hover: "rgba(255, 255, 255, 0.09)",
  unreached: "rgba(255, 92, 92, 0.13)",
});

/** 13 px: LiteGraph's own widget text size, still about 10 px on screen at the 0.75 zoom the shipped workflows open with. */
export const FONT = "13px sans-serif";

export function clear(ctx, width, height, palette = PALETTE) {
  ctx.fillStyle = palette.background;
  ctx.fillRect(0, 0, width, height);
}

export function frame(ctx, area, palette = PALETTE) {
  ctx.strokeStyle = palette.frame;
  ctx.lineWidth = 1;
  ctx.strokeRect(area.x0 + 0.5, area.y0 + 0.5, area.x1 - area.x0, area.y1 - area.y0);
}

export function hline(ctx, x0, x1, y, color) {
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x0, Math.round(y) + 0.5);
  ctx.lineTo(x1, Math.round(y) + 0.5);
  ctx.stroke();
}

/** Polyline through [x, y] points; null y values break the line. */
export function polyline(ctx, points, color, width = 1.5) {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  let pen = false;
  for (const [x, y] of points) {
    if (y === null || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    pen = true;
  }
  ctx.stroke();
}

export function dot(ctx, x, y, radius, color, filled = true) {
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, 2 * Math.PI);
  if (filled) {
    ctx.fillStyle = color;
    ctx.fill();
  } else {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1;
    ctx.stroke();
  }
}

export function text(ctx, str, x, y, { color = PALETTE.text, align = "left", baseline = "alphabetic", font = FONT } = {}) {
  ctx.font = font;
  ctx.fillStyle = color;
  ctx.textAlign = align;
  ctx.textBaseline = baseline;
  ctx.fillText(str, x, y);
}
