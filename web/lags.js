// ComfyUI-LAGS frontend: draws α over the connected sampler's σ schedule on the
// schedule nodes, and a live per-step trace on the LAGS sampler and LAGS Guidance.
//
// Everything here is optional decoration: if the pack's Python nodes are missing, the
// server never sends "lags.trace", or the frontend lacks DOM widgets, nothing is added
// and nothing throws into the graph.

import { app } from "../../scripts/app.js";
import { api } from "../../scripts/api.js";
import { SCHEDULE_NODE_KINDS } from "./lib/alpha_schedules.js";
import { addChartWidget, removeChartWidget, repaintIfZoomed } from "./lib/chart_widget.js";
import { drawSchedule } from "./lib/draw_schedule.js";
import { drawTrace, traceLine } from "./lib/draw_trace.js";
import { TRACE_NODES, findNodeByExecutionId } from "./lib/graph_read.js";
import { scheduleInputs, scheduleView } from "./lib/schedule_view.js";
import { TRACE_EVENT, addTracePoint, emptyTrace, parseTracePoint, traceTotals } from "./lib/trace.js";

const REFRESH_MS = 300;
const MIN_NODE_WIDTH = 320;
const scheduleNodes = new Set();
const traceNodes = new Set();

/** Runs fn, logging instead of throwing: a chart bug must never break the graph. */
function guarded(fn) {
  return function (...args) {
    try {
      return fn.apply(this, args);
    } catch (error) {
      console.warn("[LAGS] chart:", error);
    }
  };
}

function chain(proto, name, after) {
  const before = proto[name];
  proto[name] = function (...args) {
    const result = before?.apply(this, args);
    guarded(after).apply(this, args);
    return result;
  };
}

const canvasZoom = () => app.canvas?.ds?.scale ?? 1;

/** A node that was in a graph and no longer is (removed without onRemoved, e.g. graph cleared). */
function isGone(node) {
  if (node.graph) node.__lags.attached = true;
  return Boolean(node.__lags.attached && !node.graph);
}

/** Grows the node so its chart fits (also over a smaller size saved in a workflow). */
function fitNode(node) {
  if (!node.__lags) return;
  const need = node.computeSize?.() ?? [0, 0];
  const [width, height] = node.size ?? [0, 0];
  const fitted = [Math.max(width, need[0], MIN_NODE_WIDTH), Math.max(height, need[1])];
  if (fitted[0] !== width || fitted[1] !== height) node.setSize?.(fitted);
}

// --- schedule nodes -------------------------------------------------------------

function refreshSchedule(node, force = false) {
  const state = node.__lags;
  if (isGone(node)) {
    scheduleNodes.delete(node);
    return;
  }
  const inputs = scheduleInputs(node, state.kind);
  if (!force && inputs.signature === state.signature) return;
  state.signature = inputs.signature;
  const view = scheduleView(inputs);
  state.chart.paint((ctx, w, h) => drawSchedule(ctx, w, h, view));
}

function setUpScheduleNode(node, kind) {
  const chart = addChartWidget(node, "lags_schedule_chart", { minHeight: 130, zoom: canvasZoom });
  if (!chart) return;
  node.__lags = { kind, chart, signature: null };
  // Own widgets redraw at once; the sampler's widgets and links are picked up by the poll.
  for (const widget of node.widgets ?? []) {
    if (widget === chart.widget) continue;
    const callback = widget.callback;
    widget.callback = function (...args) {
      const result = callback?.apply(this, args);
      guarded(refreshSchedule)(node);
      return result;
    };
  }
  fitNode(node);
  scheduleNodes.add(node);
  refreshSchedule(node, true);
}

// --- sampler / guidance nodes (live trace) ----------------------------------------

function paintTrace(node) {
  const state = node.__lags;
  state.pending = false;
  const totals = traceTotals(state.trace);
  state.chart.paint((ctx, w, h) => drawTrace(ctx, w, h, state.trace));
  if (state.chart.line) state.chart.line.textContent = traceLine(state.trace, totals);
}

function setUpTraceNode(node) {
  const chart = addChartWidget(node, "lags_trace_chart", { minHeight: 124, withText: true, zoom: canvasZoom });
  if (!chart) return;
  node.__lags = { chart, trace: emptyTrace(), newRun: false, pending: false };
  fitNode(node);
  traceNodes.add(node);
  paintTrace(node);
}

function traceNodeFor(executionId) {
  const graph = app.rootGraph ?? app.graph;
  const found = findNodeByExecutionId(graph, executionId);
  if (found?.__lags?.trace) return found;
  // Fallback for ids this frontend resolves differently: match the innermost id.
  const inner = String(executionId).split(":").pop();
  return [...traceNodes].find((n) => String(n.id) === inner && n.graph) ?? null;
}

function onTrace(event) {
  const point = parseTracePoint(event?.detail);
  if (!point) return;
  const node = traceNodeFor(point.node);
  if (!node) return;
  const state = node.__lags;
  state.trace = addTracePoint(state.trace, point, { newRun: state.newRun });
  state.newRun = false;
  // Messages can come faster than frames: paint once per frame.
  if (!state.pending) {
    state.pending = true;
    (globalThis.requestAnimationFrame ?? setTimeout)(guarded(() => paintTrace(node)));
  }
}

function onExecutionStart() {
  for (const node of traceNodes) {
    if (isGone(node)) traceNodes.delete(node);
    else node.__lags.newRun = true;
  }
}

/** Every REFRESH_MS: schedules follow their sampler's widgets; charts follow the zoom. */
function poll() {
  scheduleNodes.forEach((node) => refreshSchedule(node));
  for (const node of [...scheduleNodes, ...traceNodes]) repaintIfZoomed(node.__lags.chart);
}

// --- registration -----------------------------------------------------------------

app.registerExtension({
  name: "LAGS.Charts",

  setup: guarded(function () {
    api.addEventListener(TRACE_EVENT, guarded(onTrace));
    api.addEventListener("execution_start", guarded(onExecutionStart));
    setInterval(guarded(poll), REFRESH_MS);
  }),

  beforeRegisterNodeDef: guarded(function (nodeType, nodeData) {
    const name = nodeData?.name;
    const kind = SCHEDULE_NODE_KINDS[name];
    if (!kind && !TRACE_NODES.includes(name)) return;
    const proto = nodeType.prototype;
    chain(proto, "onNodeCreated", function () {
      if (kind) setUpScheduleNode(this, kind);
      else setUpTraceNode(this);
    });
    chain(proto, "onConfigure", function () {
      fitNode(this);
    });
    chain(proto, "onRemoved", function () {
      scheduleNodes.delete(this);
      traceNodes.delete(this);
      removeChartWidget(this.__lags?.chart);
    });
  }),
});
