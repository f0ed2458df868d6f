// The extension entry (web/lags.js) against stand-ins of ComfyUI's app/api: it must do
// nothing (and throw nothing) when the LAGS nodes or DOM widgets are missing, and wire
// the charts when they are there.
import assert from "node:assert/strict";
import { register } from "node:module";
import { after, before, test } from "node:test";
import { fakeGraph } from "./fake_graph.mjs";
import { installFakeDom } from "./fake_dom.mjs";

register("./comfy_stubs/loader.mjs", import.meta.url);
const { app } = await import("./comfy_stubs/app.mjs");
const { api } = await import("./comfy_stubs/api.mjs");

let extension;
let poll;
const warnings = [];
const realWarn = console.warn;
const realSetInterval = globalThis.setInterval;

before(async () => {
  console.warn = (...args) => warnings.push(args);
  await import("../../web/lags.js");
  extension = app.extensions.find((e) => e.name === "LAGS.Charts");
  globalThis.setInterval = (fn) => {
    poll = fn;
    return 0;
  };
  extension.setup();
  globalThis.setInterval = realSetInterval;
});
after(() => {
  console.warn = realWarn;
});

function nodeClass({ domWidgets }) {
  class Node {
    constructor(graph, id, widgets) {
      Object.assign(this, { graph, id, size: [200, 100], widgets: widgets.map(([name, value]) => ({ name, value })), outputs: [{ links: [] }] });
    }
    computeSize() {
      return [200, 260];
    }
    setSize(size) {
      this.size = size;
    }
  }
  if (domWidgets) {
    Node.prototype.addDOMWidget = function (name, type, element, options) {
      const widget = { name, type, element, options, value: "" };
      this.widgets.push(widget);
      return widget;
    };
  }
  return Node;
}

/** Like LiteGraph: the node is created (onNodeCreated) before it is added to a graph. */
function create(Node, graph, id, type, widgets) {
  const node = new Node(null, id, widgets);
  node.type = node.comfyClass = type;
  node.onNodeCreated?.();
  node.graph = graph;
  const previous = graph.getNodeById;
  graph.getNodeById = (nid) => (String(nid) === String(id) ? node : previous(nid));
  return node;
}

test("exactly one extension is registered", () => {
  assert.equal(app.extensions.length, 1);
  assert.equal(typeof extension.beforeRegisterNodeDef, "function");
});

test("other node types are left alone", () => {
  const Node = nodeClass({ domWidgets: true });
  const before = { ...Node.prototype };
  extension.beforeRegisterNodeDef(Node, { name: "KSampler" });
  extension.beforeRegisterNodeDef(Node, undefined);
  assert.deepEqual({ ...Node.prototype }, before);
});

test("an old frontend without DOM widgets: nodes work, nothing is added, nothing throws", () => {
  const Node = nodeClass({ domWidgets: false });
  extension.beforeRegisterNodeDef(Node, { name: "LAGSWeightedSampler" });
  const node = create(Node, fakeGraph(), 3, "LAGSWeightedSampler", [["steps", 4]]);
  assert.equal(node.__lags, undefined);
  api.send("lags.trace", { node: "3", step: 1, steps: 4, sigma: 1, alpha: 1, log_w: 0, grad_norm: 1, guided: true, guarded: 0 });
  poll();
  node.onRemoved();
  assert.deepEqual(warnings, []);
});

test("malformed or foreign trace messages are ignored", () => {
  for (const detail of [undefined, null, 42, "x", { node: "404", step: 1, steps: 2 }, { step: "nope" }]) {
    api.send("lags.trace", detail);
  }
  api.send("execution_start", {});
  assert.deepEqual(warnings, []);
});

const frame = () => new Promise((r) => setTimeout(r, 20)); // the chart repaints once per frame
const traceMsg = (step, steps, extra = {}) => ({ node: "9", step, steps, sigma: steps - step, alpha: 1, log_w: -step, grad_norm: 0.5, guided: true, guarded: 0, displacement: 0.04, ...extra });

/** fn(node, { Node, graph }) with a LAGS sampler (id 9, DOM widgets) in a fresh graph; no warnings after. */
async function withSampler(steps, fn) {
  const restore = installFakeDom();
  try {
    const Node = nodeClass({ domWidgets: true });
    extension.beforeRegisterNodeDef(Node, { name: "LAGSWeightedSampler" });
    const graph = fakeGraph();
    app.rootGraph = graph;
    await fn(create(Node, graph, 9, "LAGSWeightedSampler", [["steps", steps]]), { Node, graph });
  } finally {
    restore();
  }
  assert.deepEqual(warnings, []);
}

test("with DOM widgets: the sampler chart follows trace messages and keeps the final numbers", async () => {
  await withSampler(3, async (node) => {
    const chart = node.__lags.chart;
    assert.equal(chart.widget.options.serialize, false);
    assert.equal(chart.widget.serialize, false);
    assert.deepEqual(JSON.parse(chart.canvas.dataset.lags), { drawn: false, points: 0 });
    assert.match(chart.legend.textContent, /reward = log w: the reward's score/);

    api.send("execution_start", {});
    api.send("executing", "9");
    for (let step = 1; step <= 3; step++) api.send("lags.trace", traceMsg(step, 3));
    await frame();
    assert.deepEqual(JSON.parse(chart.canvas.dataset.lags), { drawn: true, points: 3, lastStep: 3, steps: 3, status: "running" });
    api.send("executing", "10"); // the next node: the sampler is done
    api.send("execution_success", {});
    await frame();
    assert.deepEqual(JSON.parse(chart.canvas.dataset.lags), { drawn: true, points: 3, lastStep: 3, steps: 3 });
    assert.equal(chart.line.textContent, "step 3/3 · σ 0 · α 1 · log w −3 · ‖g‖ 0.5 · guided 3/3 · change by guidance: up to 4.0 % per step · last guided step 4.0 % · reward −2 (first → last guided step) · ✓ visible, not destructive");
    api.send("execution_start", {}); // a later prompt that does not run this node (cached)
    api.send("execution_success", {});
    await frame();
    assert.match(chart.line.textContent, /^step 3\/3/);
  });
});

test("with DOM widgets: a run without steps clears the chart; interrupted and failed runs are marked", async () => {
  await withSampler(3, async (node) => {
    const chart = node.__lags.chart;
    const summary = () => JSON.parse(chart.canvas.dataset.lags);
    api.send("execution_start", {});
    api.send("executing", "9");
    for (let step = 1; step <= 3; step++) api.send("lags.trace", traceMsg(step, 3));
    api.send("execution_success", {});
    await frame();
    assert.equal(summary().points, 3);

    api.send("execution_start", {}); // denoise 0: the sampler runs and sends nothing
    api.send("executing", "9");
    api.send("executing", null);
    api.send("execution_success", {});
    await frame();
    assert.deepEqual(summary(), { drawn: false, points: 0, status: "done" });
    assert.match(chart.line.textContent, /sampled no steps/);

    api.send("execution_start", {});
    api.send("executing", "9");
    api.send("lags.trace", traceMsg(1, 3));
    api.send("execution_interrupted", {});
    await frame();
    assert.equal(summary().status, "interrupted");
    assert.match(chart.banner.textContent, /Interrupted at step 1\/3: the numbers are partial/);

    api.send("execution_start", {});
    api.send("executing", "9");
    api.send("lags.trace", traceMsg(1, 3));
    api.send("execution_error", { node_id: "9", exception_message: "out of memory" });
    await frame();
    assert.equal(summary().status, "failed");
    assert.match(chart.banner.textContent, /Failed at step 1\/3: out of memory/);
    assert.equal(chart.banner.dataset.level, "error");
  });
});

test("with DOM widgets: particle messages add an ESS strip; malformed ones are ignored", async () => {
  await withSampler(2, async (node) => {
    api.send("execution_start", {});
    api.send("executing", "9");
    for (const bad of [{ node: "9", step: 1 }, { node: "9", ess: 2 }, { step: 1, ess: 2 }, { node: "9", step: 0, ess: 1 }, null]) api.send("lags.particles", bad);
    api.send("lags.trace", traceMsg(1, 2));
    api.send("lags.particles", { node: "9", step: 1, steps: 2, ess: 3.5, particles: 4, resampled: false, zero_weight: 0 });
    api.send("lags.particles", { node: "9", step: 2, ess: 1.25 }); // missing fields: ignored, not fatal
    await frame();
    const summary = JSON.parse(node.__lags.chart.canvas.dataset.lags);
    assert.deepEqual([summary.strips, summary.essPoints, summary.particles], [["reward", "push", "α", "ESS"], 2, 4]);
    assert.match(node.__lags.chart.line.textContent, /ESS 1.25 of 4 particles/);
  });
});

test("with DOM widgets: the last run comes back on a re-created node (tab switch, reload)", async () => {
  const restore = installFakeDom();
  const store = new Map();
  globalThis.sessionStorage = {
    get length() { return store.size; },
    key: (i) => [...store.keys()][i],
    getItem: (k) => (store.has(k) ? store.get(k) : null),
    setItem: (k, v) => store.set(k, String(v)),
    removeItem: (k) => store.delete(k),
  };
  try {
    const Node = nodeClass({ domWidgets: true });
    extension.beforeRegisterNodeDef(Node, { name: "LAGSWeightedSampler" });
    const graph = fakeGraph();
    graph.id = "workflow-a";
    app.rootGraph = graph;
    const first = create(Node, graph, 9, "LAGSWeightedSampler", [["steps", 2]]);
    api.send("execution_start", {});
    api.send("executing", "9");
    api.send("lags.trace", traceMsg(1, 2));
    api.send("lags.trace", traceMsg(2, 2));
    api.send("execution_success", {});
    await frame();
    first.graph = null; // the tab closes its graph ...
    const other = fakeGraph();
    other.id = "workflow-b";
    app.rootGraph = other;
    const stranger = create(Node, other, 9, "LAGSWeightedSampler", [["steps", 2]]);
    poll();
    await frame();
    assert.equal(JSON.parse(stranger.__lags.chart.canvas.dataset.lags).points, 0, "another workflow's node 9 stays empty");
    const back = fakeGraph(); // ... and builds it again when the tab comes back
    back.id = "workflow-a";
    app.rootGraph = back;
    const again = create(Node, back, 9, "LAGSWeightedSampler", [["steps", 2]]);
    poll();
    await frame();
    assert.deepEqual(JSON.parse(again.__lags.chart.canvas.dataset.lags).points, 2);
    assert.match(again.__lags.chart.line.textContent, /^step 2\/2 · σ 0/);
  } finally {
    delete globalThis.sessionStorage;
    restore();
  }
  assert.deepEqual(warnings, []);
});

test("with DOM widgets: the schedule chart redraws when the connected sampler changes", () => {
  const restore = installFakeDom();
  try {
    const Gate = nodeClass({ domWidgets: true });
    const Sampler = nodeClass({ domWidgets: true });
    extension.beforeRegisterNodeDef(Gate, { name: "LAGSScheduleHardGate" });
    extension.beforeRegisterNodeDef(Sampler, { name: "LAGSWeightedSampler" });
    const graph = fakeGraph();
    const schedule = create(Gate, graph, 1, "LAGSScheduleHardGate", [["mode", "fraction of steps"], ["c", 10], ["sigma_max", 1], ["fraction", 0.5]]);
    const summary = () => JSON.parse(schedule.__lags.chart.canvas.dataset.lags);
    assert.equal(summary().steps, 30);
    assert.equal(summary().guided, 15);

    const sampler = create(Sampler, graph, 2, "LAGSWeightedSampler", [["steps", 10], ["scheduler", "normal"]]);
    schedule.getOutputNodes = () => [sampler];
    poll();
    assert.equal(summary().steps, 10);
    assert.equal(summary().guided, 5);

    schedule.widgets.find((w) => w.name === "fraction").value = 0.2;
    schedule.widgets.find((w) => w.name === "fraction").callback?.(0.2);
    assert.equal(summary().guided, 2);
    assert.ok(schedule.size[1] >= 260, "the node grew to fit the chart");
    // Zooming the graph in re-renders the chart at the zoomed resolution (sharp text).
    const canvas = schedule.__lags.chart.canvas;
    assert.equal(canvas.width, 300);
    app.canvas = { ds: { scale: 2 } };
    poll();
    assert.deepEqual([canvas.width, canvas.height], [600, 240]);
    app.canvas = undefined;

    schedule.size = [100, 50]; // a smaller size saved in a workflow
    schedule.onConfigure({});
    assert.deepEqual(schedule.size, [400, 260]);

    // Removed from the graph without onRemoved (graph cleared): the poll lets it go.
    schedule.graph = null;
    schedule.widgets.find((w) => w.name === "fraction").value = 0.9;
    poll();
    assert.equal(summary().guided, 2);
  } finally {
    restore();
  }
  assert.deepEqual(warnings, []);
});
