// ComfyUI-LAGS frontend: draws α over the connected sampler's σ schedule on the schedule
// nodes, and a live per-step trace on the LAGS sampler and LAGS Guidance; shows problems on
// the nodes where the user looks (missing reward files, settings that guide nothing, typed
// values outside a widget's range, interrupted runs).
//
// Everything here is optional decoration: if the pack's Python nodes are missing, the
// server never sends "lags.trace", or the frontend lacks DOM widgets, nothing is added
// and nothing throws into the graph.

import { app } from "../../scripts/app.js";
import { api } from "../../scripts/api.js";
import { SCHEDULE_NODE_KINDS } from "./lib/alpha_schedules.js";
import { addChartWidget, onHover, pointerX, removeChartWidget, repaintIfZoomed, setBanner, setItems, setLegend } from "./lib/chart_widget.js";
import { drawSchedule } from "./lib/draw_schedule.js";
import { drawTrace, stepAt } from "./lib/draw_trace.js";
import { forecast } from "./lib/forecast.js";
import { TRACE_NODES, findNodeByExecutionId, nodeType } from "./lib/graph_read.js";
import { setNotice } from "./lib/node_notice.js";
import { enhanceWidget, syncAdvanced } from "./lib/number_widgets.js";
import { PARTICLES_EVENT, parseParticlesPoint } from "./lib/particles.js";
import { ROUTE as REWARD_FILES_ROUTE, problemText, rewardFileRequest } from "./lib/reward_files.js";
import { emptyRecord, finishedRecord, reached, startedRecord, withParticlesPoint, withTracePoint } from "./lib/run_record.js";
import { scheduleInputs, scheduleView } from "./lib/schedule_view.js";
import { TRACE_EVENT, parseTracePoint } from "./lib/trace.js";
import { LEGEND, footerItems, runBanner, stepReadout } from "./lib/trace_text.js";
import { defaultStorage, loadRecord, saveRecord, storeKey } from "./lib/trace_store.js";

const REFRESH_MS = 300;
const MIN_NODE_WIDTH = 400;
const REJECTED_NOTICE_MS = 12_000;
const RECHECK_FILES_MS = 15_000;
const scheduleNodes = new Set();
const traceNodes = new Set();
const lagsNodes = new Set();
let executingId = null;
const rewardFiles = { signature: null, busy: false, problems: {}, checkedAt: 0 };

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
  if (!node.__lags?.chart) return;
  const need = node.computeSize?.() ?? [0, 0];
  const [width, height] = node.size ?? [0, 0];
  const fitted = [Math.max(width, need[0], MIN_NODE_WIDTH), Math.max(height, need[1])];
  if (fitted[0] !== width || fitted[1] !== height) node.setSize?.(fitted);
}

// --- every LAGS node: number widgets, advanced inputs --------------------------------

function enhanceWidgets(node) {
  for (const widget of node.widgets ?? []) {
    enhanceWidget(widget, {
      onReject: (w, message) => rejectValue(node, w, message),
      onAccept: () => setNotice(node, "range", null),
    });
  }
  if (syncAdvanced(node)) {
    // Shown: make room; hidden: the node keeps its size (the user's layout stays).
    const need = node.computeSize?.();
    if (need && node.size && need[1] > node.size[1]) node.setSize?.([node.size[0], need[1]]);
    node.setDirtyCanvas?.(true, true);
  }
}

function rejectValue(node, widget, message) {
  setNotice(node, "range", `⚠ ${message}`);
  app.extensionManager?.toast?.add?.({ severity: "warn", summary: "LAGS: value not accepted", detail: message, life: 6000 });
  clearTimeout(node.__lagsRangeTimer);
  node.__lagsRangeTimer = setTimeout(guarded(() => setNotice(node, "range", null)), REJECTED_NOTICE_MS);
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
  setBanner(state.chart, view.warning ? `⚠ ${view.warning}` : null);
  fitNode(node);
}

function setUpScheduleNode(node, kind) {
  const chart = addChartWidget(node, "lags_schedule_chart", { minHeight: 170, zoom: canvasZoom });
  if (!chart) return;
  node.__lags = { kind, chart, signature: null };
  // Own widgets redraw at once; the sampler's widgets and links (and widgets a mode switch
  // adds) are picked up by the poll.
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

function recordKey(node) {
  const root = app.rootGraph ?? app.graph;
  if (!node.graph || !root) return null;
  const local = node.graph === root ? String(node.id) : `${node.graph.id}:${node.id}`;
  return storeKey(root.id, local);
}

function paintTrace(node) {
  const state = node.__lags;
  state.pending = false;
  const { record, hover } = state;
  state.chart.paint((ctx, w, h) => drawTrace(ctx, w, h, record, { hoverStep: hover }));
  setItems(state.chart, hover !== null ? [{ text: stepReadout(record, hover), level: "info", wrap: true }] : footerItems(record));
  const banners = [state.forecast, runBanner(record)].filter(Boolean);
  setBanner(state.chart, banners.length ? banners.map((b) => `⚠ ${b}`).join("\n") : null, record.status === "failed" ? "error" : "warn");
  fitNode(node); // a longer footer or a banner needs room
  if (state.dirty) {
    state.dirty = false;
    saveRecord(defaultStorage(), recordKey(node), record);
  }
}

function schedulePaint(node) {
  const state = node.__lags;
  if (state.pending) return;
  state.pending = true;
  // Messages can come faster than frames: paint once per frame.
  (globalThis.requestAnimationFrame ?? setTimeout)(guarded(() => paintTrace(node)));
}

function updateRecord(node, record) {
  node.__lags.record = record;
  node.__lags.dirty = true;
  node.__lags.restored = true; // a live run wins over what was stored
  schedulePaint(node);
}

function setUpTraceNode(node) {
  const chart = addChartWidget(node, "lags_trace_chart", { minHeight: 190, withText: true, zoom: canvasZoom });
  if (!chart) return;
  node.__lags = { chart, record: emptyRecord(), newRun: false, pending: false, hover: null, forecast: null, restored: false };
  setLegend(chart, LEGEND);
  onHover(chart, guarded((clientX) => hoverTrace(node, clientX)));
  fitNode(node);
  traceNodes.add(node);
  paintTrace(node);
}

/** After a tab switch or reload the node is new: bring back its last run. */
function restoreTrace(node) {
  const state = node.__lags;
  if (state.restored || !node.graph) return;
  const key = recordKey(node);
  if (!key) return;
  state.restored = true;
  const stored = loadRecord(defaultStorage(), key);
  if (stored && state.record.status === "idle" && state.record.trace.points.length === 0) {
    state.record = stored;
    schedulePaint(node);
  }
}

function refreshForecast(node) {
  const state = node.__lags;
  const { warning, signature } = forecast(node);
  if (signature === state.forecastSignature) return;
  state.forecastSignature = signature;
  state.forecast = warning;
  schedulePaint(node);
}

function hoverTrace(node, clientX) {
  const state = node.__lags;
  const x = clientX === null ? null : pointerX(state.chart, clientX);
  const step = x === null ? null : stepAt(x, state.chart.painted.width, state.chart.painted.height, state.record);
  if (step === state.hover) return;
  state.hover = step;
  schedulePaint(node);
}

function traceNodeFor(executionId) {
  const graph = app.rootGraph ?? app.graph;
  const found = findNodeByExecutionId(graph, executionId);
  if (found?.__lags?.record) return found;
  // Fallback for ids this frontend resolves differently: match the innermost id.
  const inner = String(executionId).split(":").pop();
  return [...traceNodes].find((n) => String(n.id) === inner && n.graph) ?? null;
}

function onTrace(event) {
  const point = parseTracePoint(event?.detail);
  if (!point) return;
  const d = event.detail.displacement;
  point.displacement = typeof d === "number" && Number.isFinite(d) ? d : null;
  const node = traceNodeFor(point.node);
  if (!node) return;
  const state = node.__lags;
  const record = withTracePoint(state.record, point, { newRun: state.newRun });
  state.newRun = false;
  updateRecord(node, record);
}

function onParticles(event) {
  const point = parseParticlesPoint(event?.detail);
  const node = point && traceNodeFor(point.node);
  if (!node) return;
  updateRecord(node, withParticlesPoint(node.__lags.record, point));
}

function liveTraceNodes() {
  for (const node of traceNodes) if (isGone(node)) traceNodes.delete(node);
  return [...traceNodes];
}

function finish(node, outcome, error = null) {
  const record = finishedRecord(node.__lags.record, outcome, error);
  if (record !== node.__lags.record) updateRecord(node, record);
}

function onExecutionStart() {
  executingId = null;
  for (const node of liveTraceNodes()) node.__lags.newRun = true;
}

/** A node starts executing: the LAGS node's own run starts clean; the sampler before it has ended. */
function onExecuting(event) {
  const id = event?.detail === null || event?.detail === undefined ? null : String(event.detail);
  for (const node of liveTraceNodes()) {
    const { record } = node.__lags;
    if (record.status !== "running") continue;
    const { step, steps } = reached(record);
    const samplerDone = nodeType(node) !== "LAGSGuidance" && executingId !== null && traceNodeFor(executingId) === node;
    if (samplerDone || (steps > 0 && step >= steps)) finish(node, "done");
  }
  executingId = id;
  const node = id === null ? null : traceNodeFor(id);
  if (node) {
    node.__lags.newRun = false;
    updateRecord(node, startedRecord());
  }
}

function onExecutionEnd(outcome) {
  return (event) => {
    const detail = event?.detail ?? {};
    const error = outcome === "failed" ? detail.exception_message || detail.exception_type || "error" : null;
    for (const node of liveTraceNodes()) finish(node, outcome, error);
    executingId = null;
  };
}

// --- reward nodes: missing model files --------------------------------------------

/** Shows the last answer on the nodes (again after a reload or tab switch re-created them). */
function showRewardFileProblems(graph, request, problems) {
  for (const { id } of request.nodes) {
    const node = graph.getNodeById?.(id) ?? graph.getNodeById?.(Number(id));
    const text = problemText(problems[id]);
    if (node && (node.__lagsNotices?.files?.text ?? null) !== text) setNotice(node, "files", text, "error");
  }
}

async function checkRewardFiles() {
  const graph = app.rootGraph ?? app.graph;
  const request = rewardFileRequest(graph?.nodes ?? []);
  const signature = JSON.stringify([graph?.id ?? null, request]);
  if (rewardFiles.busy || !request) return;
  const stale = Date.now() - (rewardFiles.checkedAt ?? 0) > RECHECK_FILES_MS; // files may have been added since
  if (signature === rewardFiles.signature && !stale) return showRewardFileProblems(graph, request, rewardFiles.problems);
  rewardFiles.busy = true;
  rewardFiles.signature = signature;
  try {
    const response = await api.fetchApi(REWARD_FILES_ROUTE, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request) });
    // An older server without the route: the queued prompt's own error still says it.
    rewardFiles.problems = response.ok ? (await response.json()).problems ?? {} : {};
    showRewardFileProblems(graph, request, rewardFiles.problems);
  } finally {
    rewardFiles.checkedAt = Date.now();
    rewardFiles.busy = false;
  }
}

/** Every REFRESH_MS: schedules follow their sampler's widgets; charts follow the zoom and the graph. */
function poll() {
  scheduleNodes.forEach((node) => refreshSchedule(node));
  for (const node of liveTraceNodes()) {
    restoreTrace(node);
    refreshForecast(node);
  }
  for (const node of lagsNodes) {
    if (node.graph) enhanceWidgets(node);
    else if (node.__lagsSeenInGraph) lagsNodes.delete(node);
    if (node.graph) node.__lagsSeenInGraph = true;
  }
  for (const node of [...scheduleNodes, ...traceNodes]) repaintIfZoomed(node.__lags.chart);
  checkRewardFiles().catch((error) => console.warn("[LAGS] reward files:", error));
}

// --- registration -----------------------------------------------------------------

app.registerExtension({
  name: "LAGS.Charts",

  setup: guarded(function () {
    api.addEventListener(TRACE_EVENT, guarded(onTrace));
    api.addEventListener(PARTICLES_EVENT, guarded(onParticles));
    api.addEventListener("execution_start", guarded(onExecutionStart));
    api.addEventListener("executing", guarded(onExecuting));
    api.addEventListener("execution_success", guarded(onExecutionEnd("done")));
    api.addEventListener("execution_interrupted", guarded(onExecutionEnd("interrupted")));
    api.addEventListener("execution_error", guarded(onExecutionEnd("failed")));
    setInterval(guarded(poll), REFRESH_MS);
  }),

  beforeRegisterNodeDef: guarded(function (nodeType, nodeData) {
    const name = nodeData?.name;
    if (typeof name !== "string" || !name.startsWith("LAGS")) return;
    const kind = SCHEDULE_NODE_KINDS[name];
    const traced = TRACE_NODES.includes(name);
    const proto = nodeType.prototype;
    chain(proto, "onNodeCreated", function () {
      if (kind) setUpScheduleNode(this, kind);
      else if (traced) setUpTraceNode(this);
      enhanceWidgets(this);
      lagsNodes.add(this);
    });
    chain(proto, "onConfigure", function () {
      fitNode(this);
      enhanceWidgets(this);
    });
    chain(proto, "onRemoved", function () {
      scheduleNodes.delete(this);
      traceNodes.delete(this);
      lagsNodes.delete(this);
      removeChartWidget(this.__lags?.chart);
    });
  }),
});
