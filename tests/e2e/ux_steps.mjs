// Page functions for the user-experience end-to-end test (page.evaluate sends their source
// text, so each is self-contained).

/** A fresh graph: tiny checkpoint -> LAGS Weighted Sampler (colour reward, start % schedule) -> preview. */
export function buildGraph({ steps = 10, start = 60, strength = 3.5 } = {}) {
  const { LiteGraph } = window;
  const graph = window.comfyAPI.app.app.graph;
  graph.clear();
  const add = (type, pos, widgets = {}) => {
    const node = LiteGraph.createNode(type);
    node.pos = pos;
    graph.add(node);
    for (const [name, value] of Object.entries(widgets)) {
      const widget = node.widgets.find((w) => w.name === name);
      widget.value = value;
      widget.callback?.(value);
    }
    return node;
  };
  const slot = (node, name) => node.inputs.findIndex((i) => i.name === name);
  const checkpoint = add("LAGSTestTinyCheckpoint", [0, 0]);
  const positive = add("CLIPTextEncode", [0, 140], { text: "a red apple" });
  const negative = add("CLIPTextEncode", [0, 380], { text: "blurry" });
  const latent = add("EmptyLatentImage", [0, 620], { width: 64, height: 64, batch_size: 1 });
  const reward = add("LAGSColourReward", [420, 0], { strength });
  const schedule = add("LAGSScheduleStart", [420, 260], { start_percent: start });
  const sampler = add("LAGSWeightedSampler", [900, 0], { steps, cfg: 4, sampler_name: "euler", scheduler: "karras", seed: 1, control_after_generate: "fixed" });
  const decode = add("VAEDecode", [1400, 0]);
  const preview = add("PreviewImage", [1400, 140]);
  checkpoint.connect(1, positive, 0);
  checkpoint.connect(1, negative, 0);
  checkpoint.connect(0, sampler, slot(sampler, "model"));
  checkpoint.connect(2, sampler, slot(sampler, "vae"));
  positive.connect(0, sampler, slot(sampler, "positive"));
  negative.connect(0, sampler, slot(sampler, "negative"));
  latent.connect(0, sampler, slot(sampler, "latent_image"));
  reward.connect(0, sampler, slot(sampler, "reward"));
  schedule.connect(0, sampler, slot(sampler, "schedule"));
  sampler.connect(0, decode, 0);
  checkpoint.connect(2, decode, 1);
  decode.connect(0, preview, 0);
  return { sampler: sampler.id, schedule: schedule.id, reward: reward.id };
}

/** Adds a node of `type` at `pos`; returns its id. */
export function addNode({ type, pos, widgets = {} }) {
  const node = window.LiteGraph.createNode(type);
  node.pos = pos;
  window.comfyAPI.app.app.graph.add(node);
  for (const [name, value] of Object.entries(widgets)) {
    const widget = node.widgets.find((w) => w.name === name);
    widget.value = value;
    widget.callback?.(value);
  }
  return node.id;
}

/** What the user sees of a node: widgets (visible ones, with their displayed text), notices, chart. */
export function nodeView(nodeId) {
  const node = window.comfyAPI.app.app.graph.getNodeById(nodeId);
  if (!node) return null;
  const chart = node.__lags?.chart;
  const notice = node.__lagsNoticeWidget?.element;
  const shown = (element) => Boolean(element && element.style.display !== "none" && element.textContent);
  return {
    widgets: node.widgets.filter((w) => node.isWidgetVisible?.(w) ?? true).map((w) => w.name),
    widgetY: Object.fromEntries(node.widgets.filter((w) => !w.hidden).map((w) => [w.name, w.y])),
    allWidgets: node.widgets.map((w) => ({ name: w.name, value: w.value, display: w._displayValue, advanced: Boolean(w.advanced) })),
    notice: shown(notice) ? notice.textContent : shown(chart?.banner) ? chart.banner.textContent : null,
    summary: chart ? JSON.parse(chart.canvas.dataset.lags ?? "null") : null,
    footer: chart?.line?.textContent ?? null,
    legend: chart?.legend?.textContent ?? null,
    size: [...node.size],
  };
}

/** The on-screen centre (client px) of a widget, bringing its node into view first. */
export function widgetCentre({ nodeId, name }) {
  const app = window.comfyAPI.app.app;
  const node = app.graph.getNodeById(nodeId);
  const widget = node.widgets.find((w) => w.name === name);
  const height = widget.computedHeight ?? window.LiteGraph.NODE_WIDGET_HEIGHT ?? 20;
  const { scale, offset } = app.canvas.ds; // screen = (graph + offset) * scale
  const rect = app.canvas.canvas.getBoundingClientRect();
  const x = (node.pos[0] + node.size[0] / 2 + offset[0]) * scale;
  const y = (node.pos[1] + widget.y + height / 2 + offset[1]) * scale;
  return [rect.left + x, rect.top + y];
}

/** Client px of step `step`'s column in the trace chart of `nodeId`. */
export function traceColumn({ nodeId, step }) {
  const chart = window.comfyAPI.app.app.graph.getNodeById(nodeId).__lags.chart;
  const rect = chart.canvas.getBoundingClientRect();
  const { width, height } = chart.painted;
  const steps = JSON.parse(chart.canvas.dataset.lags).steps;
  const [x0, x1] = [54, width - 52]; // draw_trace.js MARGINS
  const x = x0 + ((step - 0.5) / steps) * (x1 - x0);
  return [rect.left + (x / width) * rect.width, rect.top + rect.height / 2];
}

/** On-screen size of a trace chart and its text at the current zoom; footer items broken across lines. */
export function chartOnScreen(nodeId) {
  const chart = window.comfyAPI.app.app.graph.getNodeById(nodeId).__lags.chart;
  const canvas = chart.canvas.getBoundingClientRect();
  const zoom = window.comfyAPI.app.app.canvas.ds.scale;
  const items = [...chart.line.children].filter((s) => s.textContent.trim() !== "·");
  const fontPx = parseFloat(getComputedStyle(chart.line).fontSize) * zoom;
  return {
    canvas: [canvas.width, canvas.height],
    canvasFontPx: 13 * zoom, // draw_common.js FONT, drawn at the chart's scale
    footerFontPx: fontPx,
    brokenItems: items.filter((s) => s.getClientRects().length > 1).map((s) => s.textContent),
    items: items.length,
  };
}

export function setZoom(scale) {
  const canvas = window.comfyAPI.app.app.canvas;
  canvas.ds.scale = scale;
  canvas.setDirty(true, true);
}

export function toggleAdvanced(nodeId) {
  const node = window.comfyAPI.app.app.graph.getNodeById(nodeId);
  node.toggleAdvanced();
  return node.showAdvanced;
}

export async function runCommand(id) {
  await window.comfyAPI.app.app.extensionManager.command.execute(id);
}

export function graphId() {
  return window.comfyAPI.app.app.rootGraph?.id ?? window.comfyAPI.app.app.graph.id;
}

/** Waits (in the page) for the first lags.trace message of the run, then presses Cancel. */
export async function interruptAfterFirstStep(nodeId) {
  const run = window.__lagsRun;
  for (let i = 0; i < 600 && !run.trace.some((m) => String(m.node) === String(nodeId)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await window.comfyAPI.api.api.interrupt();
  return run.trace.filter((m) => String(m.node) === String(nodeId)).length;
}

/** Queues only the test node that sends lags.particles messages for `forNode`. */
export async function queueParticleMessages({ forNode, steps, particles }) {
  const app = window.comfyAPI.app.app;
  const id = (() => {
    const node = window.LiteGraph.createNode("LAGSTestParticleEvents");
    node.pos = [0, 900];
    app.graph.add(node);
    node.widgets.find((w) => w.name === "node").value = String(forNode);
    node.widgets.find((w) => w.name === "steps").value = steps;
    node.widgets.find((w) => w.name === "particles").value = particles;
    return node.id;
  })();
  const { output } = await app.graphToPrompt();
  await window.comfyAPI.api.api.queuePrompt(0, { output: { [id]: output[id] }, workflow: null });
  return id;
}
