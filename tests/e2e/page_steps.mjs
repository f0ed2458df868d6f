// Functions the end-to-end test runs inside the ComfyUI page (page.evaluate). Each is
// self-contained: Playwright sends its source text, not its closure.

/** True once the app, its graph and the LAGS extension are there. */
export function appReady() {
  const app = window.comfyAPI?.app?.app;
  return Boolean(app?.graph && app.extensions?.some?.((e) => e.name === "LAGS.Charts"));
}

export async function loadWorkflow(workflow) {
  await window.comfyAPI.app.app.loadGraphData(workflow);
  return window.comfyAPI.app.app.graph.nodes.length;
}

/**
 * Makes the loaded workflow runnable on a CPU without checkpoints: the checkpoint/VAE
 * loaders become the test pack's tiny model, the latent 64×64, the sampler with a
 * fixed seed and the VAE decoder. Returns what was changed.
 */
export function prepareForTinyModel() {
  const { LiteGraph } = window;
  const graph = window.comfyAPI.app.app.graph;
  const changes = [];
  const targetsOf = (node, slot) =>
    (node.outputs?.[slot]?.links ?? []).map((id) => graph.links.get?.(id) ?? graph.links[id]).filter(Boolean);
  const setWidget = (node, name, value) => {
    const widget = node.widgets?.find((w) => w.name === name);
    if (!widget) return;
    widget.value = value;
    widget.callback?.(value);
    changes.push(`${node.type}#${node.id}.${name} = ${value}`);
  };

  let tiny = null;
  const tinyModel = (where) => {
    if (!tiny) {
      tiny = LiteGraph.createNode("LAGSTestTinyCheckpoint");
      tiny.pos = [...where.pos];
      graph.add(tiny);
    }
    return tiny;
  };
  const outputSlot = { MODEL: 0, CLIP: 1, VAE: 2 };
  for (const node of [...graph.nodes]) {
    if (node.type !== "CheckpointLoaderSimple" && node.type !== "VAELoader") continue;
    const replacement = tinyModel(node);
    node.outputs.forEach((output, slot) => {
      for (const link of targetsOf(node, slot)) {
        replacement.connect(outputSlot[output.type], graph.getNodeById(link.target_id), link.target_slot);
      }
    });
    graph.remove(node);
    changes.push(`${node.type}#${node.id} -> LAGSTestTinyCheckpoint`);
  }
  for (const node of graph.nodes) {
    if (node.type === "EmptyLatentImage" || node.type === "EmptySDXLLatentImage") {
      setWidget(node, "width", 64);
      setWidget(node, "height", 64);
      setWidget(node, "batch_size", 1);
    }
    if (node.type === "LAGSWeightedSampler") {
      setWidget(node, "control_after_generate", "fixed");
      if (node.widgets?.find((w) => w.name === "decoder")?.value !== "vae") setWidget(node, "decoder", "vae");
      const vaeSlot = node.inputs.findIndex((i) => i.name === "vae");
      if (tiny && vaeSlot >= 0 && node.inputs[vaeSlot].link == null) tiny.connect(2, node, vaeSlot);
    }
  }
  graph.setDirtyCanvas?.(true, true);
  return changes;
}

/** Per LAGS chart: its node, the summary it drew, and pixel counts of its canvas. */
export function chartStates() {
  const graph = window.comfyAPI.app.app.graph;
  return graph.nodes
    .filter((node) => node.__lags?.chart)
    .map((node) => {
      const { canvas, line } = node.__lags.chart;
      const ctx = canvas.getContext("2d");
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      let amber = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        if (Math.abs(r - 0x1b) + Math.abs(g - 0x1b) + Math.abs(b - 0x1b) > 24) painted++;
        if (r > 200 && g > 130 && g < 200 && b < 100) amber++; // the α colour
      }
      const rect = canvas.getBoundingClientRect();
      return {
        id: node.id,
        type: node.type,
        summary: JSON.parse(canvas.dataset.lags ?? "null"),
        text: line?.textContent ?? null,
        pixels: { total: canvas.width * canvas.height, painted, amber },
        visible: rect.width > 0 && rect.height > 0,
      };
    });
}

export function widgetValue({ nodeId, name }) {
  return window.comfyAPI.app.app.graph.getNodeById(nodeId)?.widgets?.find((w) => w.name === name)?.value;
}

/**
 * Sets a widget as a user would (value + callback); returns the old value. When the
 * widget's input is fed by a primitive node, its "value" widget is the one set.
 */
export function setWidgetValue({ nodeId, name, value }) {
  const graph = window.comfyAPI.app.app.graph;
  let node = graph.getNodeById(nodeId);
  let widget = node.widgets.find((w) => w.name === name);
  const input = node.inputs?.find((i) => i.name === name);
  const link = input?.link != null ? (graph.links.get?.(input.link) ?? graph.links[input.link]) : null;
  if (link) {
    node = graph.getNodeById(link.origin_id);
    widget = node.widgets.find((w) => w.name === "value");
  }
  const old = widget.value;
  widget.value = value;
  widget.callback?.(value);
  window.comfyAPI.app.app.graph.setDirtyCanvas?.(true, true);
  return old;
}

/** Records "lags.trace" messages and the end of the run in window.__lagsRun. */
export function recordRun() {
  const { api } = window.comfyAPI.api;
  const run = { trace: [], end: null };
  window.__lagsRun = run;
  api.addEventListener("lags.trace", (e) => run.trace.push(e.detail));
  api.addEventListener("execution_success", () => (run.end ??= { ok: true }));
  api.addEventListener("execution_error", (e) => (run.end ??= { ok: false, error: e.detail }));
  api.addEventListener("execution_interrupted", () => (run.end ??= { ok: false, error: "interrupted" }));
}

export async function queueRun() {
  await window.comfyAPI.app.app.queuePrompt(0, 1);
}

export function runEnded() {
  return window.__lagsRun?.end ?? null;
}

export function runTrace() {
  return window.__lagsRun.trace;
}

/** The σ and α per step that the schedule node's drawing used (from the web module). */
export async function drawnSchedule({ nodeId, kind, packFolder }) {
  const node = window.comfyAPI.app.app.graph.getNodeById(nodeId);
  const url = new URL(`/extensions/${packFolder}/lib/schedule_view.js`, location.href);
  const { scheduleInputs, scheduleView } = await import(url.href);
  const view = scheduleView(scheduleInputs(node, kind));
  return { sigmas: view.steps.sigmas, alphas: view.steps.alphas, guided: view.steps.guided };
}

/** Zooms and pans so that the given nodes fill the viewport, and brings them to the front. */
export function frameNodes(ids) {
  const canvas = window.comfyAPI.app.app.canvas;
  const graph = window.comfyAPI.app.app.graph;
  const nodes = ids.map((id) => graph.getNodeById(id)).filter(Boolean);
  nodes.forEach((node) => canvas.bringToFront?.(node));
  const title = window.LiteGraph.NODE_TITLE_HEIGHT ?? 30;
  const x0 = Math.min(...nodes.map((n) => n.pos[0])) - 40;
  const y0 = Math.min(...nodes.map((n) => n.pos[1] - title)) - 40;
  const x1 = Math.max(...nodes.map((n) => n.pos[0] + n.size[0])) + 40;
  const y1 = Math.max(...nodes.map((n) => n.pos[1] + n.size[1])) + 40;
  const { width, height } = canvas.canvas.getBoundingClientRect();
  const scale = Math.min(1.25, width / (x1 - x0), height / (y1 - y0));
  canvas.ds.scale = scale;
  canvas.ds.offset[0] = -x0 + (width / scale - (x1 - x0)) / 2;
  canvas.ds.offset[1] = -y0 + (height / scale - (y1 - y0)) / 2;
  canvas.setDirty(true, true);
}

/** Adds a schedule node wired to the sampler's schedule input (replacing its link); returns its id. */
export function addScheduleNode({ type, samplerId, widgets }) {
  const graph = window.comfyAPI.app.app.graph;
  const sampler = graph.getNodeById(samplerId);
  const node = window.LiteGraph.createNode(type);
  node.pos = [sampler.pos[0] - 380, sampler.pos[1] + sampler.size[1] + 60];
  graph.add(node);
  for (const [name, value] of Object.entries(widgets)) {
    const widget = node.widgets.find((w) => w.name === name);
    widget.value = value;
    widget.callback?.(value);
  }
  node.connect(0, sampler, sampler.inputs.findIndex((i) => i.name === "schedule"));
  return node.id;
}

/**
 * Puts a LAGS Guidance node in front of a plain KSampler's model input, fed by the
 * model, VAE, reward and schedule the LAGS sampler uses; returns its id.
 */
export function addGuidanceBefore({ ksamplerId, lagsSamplerId }) {
  const graph = window.comfyAPI.app.app.graph;
  const ksampler = graph.getNodeById(ksamplerId);
  const lags = graph.getNodeById(lagsSamplerId);
  const guidance = window.LiteGraph.createNode("LAGSGuidance");
  guidance.pos = [ksampler.pos[0] - 420, ksampler.pos[1]];
  graph.add(guidance);
  const link = (id) => graph.links.get?.(id) ?? graph.links[id];
  for (const name of ["model", "vae", "reward", "schedule"]) {
    const source = lags.inputs.find((i) => i.name === name);
    const from = source?.link != null ? link(source.link) : null;
    const slot = guidance.inputs.findIndex((i) => i.name === name);
    if (from && slot >= 0) graph.getNodeById(from.origin_id).connect(from.origin_slot, guidance, slot);
  }
  guidance.connect(0, ksampler, ksampler.inputs.findIndex((i) => i.name === "model"));
  return guidance.id;
}

export function lagsChartElements() {
  return document.querySelectorAll(".lags-chart").length;
}

export function nodeTypes() {
  return window.comfyAPI.app.app.graph.nodes.map((n) => n.type);
}
