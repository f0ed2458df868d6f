// A chart inside a node: a DOM widget holding a <canvas> (and optionally a text line).
// Not saved with the workflow and not sent to the server (serialize: false).

/**
 * Adds the chart to `node`, or returns null when this frontend has no DOM widgets.
 * `draw(ctx, width, height)` paints it and returns a summary that is written to the
 * canvas's data-lags attribute (what the end-to-end test reads). `zoom()` is the graph
 * canvas's current scale.
 */
export function addChartWidget(node, name, { minHeight, withText = false, zoom = () => 1 }) {
  if (typeof node?.addDOMWidget !== "function" || typeof document === "undefined") return null;
  const root = document.createElement("div");
  root.className = `lags-chart ${name}`;
  // Clicks go through to the graph canvas, so the chart never gets in the way of dragging.
  root.style.cssText = "display:flex;flex-direction:column;gap:2px;width:100%;height:100%;box-sizing:border-box;pointer-events:none;";
  const canvas = document.createElement("canvas");
  canvas.style.cssText = "display:block;width:100%;flex:1 1 auto;min-height:0;border-radius:4px;";
  root.append(canvas);
  let line = null;
  if (withText) {
    line = document.createElement("div");
    line.className = "lags-chart-text";
    line.style.cssText = "font:10px/12px monospace;color:#c8c8c8;flex:0 0 auto;";
    root.append(line);
  }
  const widget = node.addDOMWidget(name, "lags_chart", root, {
    serialize: false,
    hideOnZoom: false,
    getMinHeight: () => minHeight,
  });
  if (widget) widget.serialize = false;

  const chart = { widget, root, canvas, line, draw: null, painted: null, zoom };
  chart.paint = (draw = chart.draw) => paint(chart, node, draw);
  if (typeof ResizeObserver === "function") {
    chart.observer = new ResizeObserver(() => chart.draw && chart.paint());
    chart.observer.observe(canvas);
  }
  return chart;
}

function paint(chart, node, draw) {
  if (!draw) return;
  chart.draw = draw;
  const { canvas } = chart;
  // The graph zooms the widget with a CSS transform: render at the zoomed resolution so
  // the chart stays sharp (capped: a far zoom-in need not cost megapixels).
  const dpr = (globalThis.devicePixelRatio || 1) * Math.min(Math.max(Number(chart.zoom()) || 1, 1), 3);
  // Before the widget is laid out the canvas has no size yet: fall back to the node's.
  const width = Math.max(canvas.clientWidth || (node.size?.[0] ?? 300) - 20, 60);
  const height = Math.max(canvas.clientHeight || 100, 40);
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const summary = draw(ctx, width, height);
  chart.painted = { width, height, dpr };
  canvas.dataset.lags = JSON.stringify(summary ?? {});
}

export function removeChartWidget(chart) {
  chart?.observer?.disconnect();
}

/** Repaints a chart whose zoom-dependent resolution is out of date. */
export function repaintIfZoomed(chart) {
  if (!chart?.draw || !chart.painted) return;
  const wanted = (globalThis.devicePixelRatio || 1) * Math.min(Math.max(Number(chart.zoom()) || 1, 1), 3);
  if (Math.abs(wanted - chart.painted.dpr) > 0.05) chart.paint();
}
