// A chart inside a node: a DOM widget holding an optional banner (warnings), a <canvas>, and
// optionally a footer of items and a legend. Not saved with the workflow and not sent to the
// server (serialize: false).

const LEVEL_COLOURS = { info: "#c8c8c8", good: "#6fcf7f", warn: "#ff9f43", error: "#ff5c5c" };
const TEXT_CSS = "font:13px/16px sans-serif;flex:0 0 auto;overflow-wrap:anywhere;";

/**
 * Adds the chart to `node`, or returns null when this frontend has no DOM widgets.
 * `draw(ctx, width, height)` paints it and returns a summary that is written to the
 * canvas's data-lags attribute (what the end-to-end test reads). `zoom()` is the graph
 * canvas's current scale. `minHeight` is the canvas's; `withText` adds footer and legend.
 */
export function addChartWidget(node, name, { minHeight, withText = false, zoom = () => 1 }) {
  if (typeof node?.addDOMWidget !== "function" || typeof document === "undefined") return null;
  const root = document.createElement("div");
  root.className = `lags-chart ${name}`;
  // Clicks go through to the graph canvas, so the chart never gets in the way of dragging.
  root.style.cssText = "display:flex;flex-direction:column;gap:3px;width:100%;height:100%;box-sizing:border-box;pointer-events:none;";
  const banner = document.createElement("div");
  banner.className = "lags-chart-banner";
  banner.style.cssText = `${TEXT_CSS}display:none;white-space:pre-wrap;padding:3px 6px;border-radius:4px;background:#3a2a12;color:${LEVEL_COLOURS.warn};`;
  const canvas = document.createElement("canvas");
  canvas.style.cssText = `display:block;width:100%;flex:1 1 auto;min-height:${minHeight}px;border-radius:4px;`;
  root.append(banner, canvas);
  let line = null;
  let legend = null;
  if (withText) {
    line = document.createElement("div");
    line.className = "lags-chart-text";
    // Items wrap as wholes (each is nowrap), never in the middle of one.
    line.style.cssText = `${TEXT_CSS}display:flex;flex-wrap:wrap;color:${LEVEL_COLOURS.info};`;
    legend = document.createElement("div");
    legend.className = "lags-chart-legend";
    legend.style.cssText = `${TEXT_CSS}font-size:12px;line-height:15px;color:#9a9a9a;`;
    root.append(line, legend);
  }
  const widget = node.addDOMWidget(name, "lags_chart", root, {
    serialize: false,
    hideOnZoom: false,
    // The text below and the banner above as laid out now (they wrap with the node's width).
    getMinHeight: () => minHeight + 8 + textHeight(line, legend, withText ? 96 : 0) + (banner.style.display === "none" ? 0 : (banner.offsetHeight || 36) + 3),
  });
  if (widget) widget.serialize = false;

  const chart = { widget, root, banner, canvas, line, legend, draw: null, painted: null, zoom };
  chart.paint = (draw = chart.draw) => paint(chart, node, draw);
  if (typeof ResizeObserver === "function") {
    chart.observer = new ResizeObserver(() => chart.draw && chart.paint());
    chart.observer.observe(canvas);
  }
  return chart;
}

function textHeight(line, legend, fallback) {
  const measured = (line?.offsetHeight ?? 0) + (legend?.offsetHeight ?? 0);
  return measured ? measured + 6 : fallback;
}

/** Shows (or with null, hides) the banner above the chart. */
export function setBanner(chart, message, level = "warn") {
  if (!chart?.banner) return;
  chart.banner.textContent = message ?? "";
  chart.banner.style.display = message ? "block" : "none";
  chart.banner.style.color = LEVEL_COLOURS[level] ?? LEVEL_COLOURS.warn;
  chart.banner.style.background = level === "error" ? "#3a1616" : "#3a2a12";
  chart.banner.dataset.level = message ? level : "";
}

/** The footer: [{ text, level }], each item kept whole. */
export function setItems(chart, items) {
  if (!chart?.line) return;
  if (typeof chart.line.replaceChildren === "function" && typeof document !== "undefined") {
    const span = (text, css) => {
      const element = document.createElement("span");
      element.textContent = text;
      element.style.cssText = css;
      return element;
    };
    // Each item with the separator after it is one flex item: lines break after a " · ", never
    // inside a short item; sentences (wrap) take a line of their own. textContent reads as the
    // items joined by " · ".
    chart.line.replaceChildren(
      ...items.map(({ text, level, wrap }, i) => {
        const colour = `color:${LEVEL_COLOURS[level] ?? LEVEL_COLOURS.info};`;
        const item = span("", wrap ? `flex:1 0 100%;${colour}` : `white-space:nowrap;${colour}`);
        item.append(span(text, ""), ...(i < items.length - 1 ? [span(" · ", "white-space:pre;color:#6a6a6a;")] : []));
        return item;
      }),
    );
  } else {
    chart.line.textContent = items.map((i) => i.text).join(" · ");
  }
  chart.line.dataset.items = JSON.stringify(items);
}

export function setLegend(chart, entries) {
  if (!chart?.legend) return;
  chart.legend.textContent = entries.map(([name, words]) => `${name} = ${words}`).join(" · ");
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

/**
 * Calls fn(clientX) while the pointer moves over the chart's canvas and fn(null) when it leaves.
 * (The frontend's DOM-widget wrapper takes pointer events itself, so the graph canvas never sees
 * them; the chart's own canvas listens instead.)
 */
export function onHover(chart, fn) {
  if (typeof chart?.canvas?.addEventListener !== "function") return;
  chart.canvas.style.pointerEvents = "auto";
  chart.canvas.addEventListener("pointermove", (event) => fn(event.clientX));
  chart.canvas.addEventListener("pointerleave", () => fn(null));
}

/** Canvas x (in drawing units) of a pointer event's clientX, or null off the canvas. */
export function pointerX(chart, clientX) {
  const rect = chart?.canvas?.getBoundingClientRect?.();
  if (!rect || !rect.width || !chart.painted || typeof clientX !== "number") return null;
  const x = ((clientX - rect.left) / rect.width) * chart.painted.width;
  return x >= 0 && x <= chart.painted.width ? x : null;
}
