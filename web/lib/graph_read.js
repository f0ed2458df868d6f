// Reading what the charts need from LiteGraph nodes. Only duck-typed property access,
// every step optional, so an older frontend or a half-loaded graph yields defaults
// instead of exceptions.

export const SAMPLER_NODE = "LAGSWeightedSampler";
/** Patches a MODEL for any sampler; its schedule follows the sampler it feeds. */
export const GUIDANCE_NODE = "LAGSGuidance";
/** Nodes whose runs send "lags.trace" messages (they get the live chart). */
export const TRACE_NODES = Object.freeze([SAMPLER_NODE, GUIDANCE_NODE]);
/** What the schedule drawing assumes when no sampler is connected. */
export const DEFAULT_SAMPLER_SETTINGS = Object.freeze({ steps: 30, scheduler: "karras", denoise: 1, samplerName: "euler" });

export function widgetValue(node, name, fallback) {
  const widget = Array.isArray(node?.widgets) ? node.widgets.find((w) => w?.name === name) : undefined;
  return widget === undefined || widget.value === undefined ? fallback : widget.value;
}

export const nodeType = (node) => node?.comfyClass ?? node?.type;

function linkById(graph, id) {
  return graph?.getLink?.(id) ?? graph?.links?.get?.(id) ?? graph?.links?.[id];
}

/**
 * The value an input will have: a widget converted to an input and fed by a primitive
 * node (PrimitiveInt & co. have a "value" widget; the frontend's Primitive mirrors the
 * target's widget name) takes that node's value; otherwise the node's own widget.
 */
export function inputValue(node, name, fallback) {
  const input = Array.isArray(node?.inputs) ? node.inputs.find((i) => i?.name === name) : undefined;
  if (input?.link != null) {
    const link = linkById(node.graph, input.link);
    const source = link ? node.graph?.getNodeById?.(link.origin_id) : null;
    const fed = widgetValue(source, "value", undefined) ?? widgetValue(source, name, undefined);
    if (fed !== undefined) return fed;
  }
  return widgetValue(node, name, fallback);
}

/** Nodes fed by output `slot` of `node`, looking through Reroute nodes. */
export function downstreamNodes(node, slot = 0, depth = 0) {
  if (!node || depth > 16) return [];
  let direct = [];
  if (typeof node.getOutputNodes === "function") {
    direct = node.getOutputNodes(slot) ?? [];
  } else {
    const links = node.outputs?.[slot]?.links ?? [];
    const graph = node.graph;
    direct = links.map((id) => linkById(graph, id)).filter(Boolean).map((l) => graph.getNodeById?.(l.target_id)).filter(Boolean);
  }
  return direct.flatMap((n) => (nodeType(n) === "Reroute" ? downstreamNodes(n, 0, depth + 1) : [n]));
}

const hasSamplerWidgets = (node) => ["steps", "scheduler"].every((name) => widgetValue(node, name, undefined) !== undefined);

/**
 * The sampler whose σ list the schedule node's α is applied to, or null: the LAGS
 * sampler it feeds, or, through LAGS Guidance, the first sampler (a node with steps
 * and scheduler widgets, e.g. KSampler) that takes the guided MODEL.
 */
export function connectedSampler(scheduleNode) {
  const fed = downstreamNodes(scheduleNode, 0);
  const sampler = fed.find((n) => nodeType(n) === SAMPLER_NODE);
  if (sampler) return sampler;
  for (const guidance of fed.filter((n) => nodeType(n) === GUIDANCE_NODE)) {
    const found = downstreamNodes(guidance, 0).find(hasSamplerWidgets);
    if (found) return found;
  }
  return null;
}

/** steps / scheduler / denoise / sampler of a sampler node, defaults for what is missing. */
export function samplerSettings(samplerNode) {
  const d = DEFAULT_SAMPLER_SETTINGS;
  const num = (v, fallback) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
  return {
    steps: num(inputValue(samplerNode, "steps", d.steps), d.steps),
    scheduler: String(inputValue(samplerNode, "scheduler", d.scheduler)),
    denoise: num(inputValue(samplerNode, "denoise", d.denoise), d.denoise),
    samplerName: String(inputValue(samplerNode, "sampler_name", d.samplerName)),
  };
}

/** The α spec of a schedule node of the given kind (see alpha_schedules.js). */
export function scheduleSpec(node, kind) {
  if (kind === "alpha") return { kind, c: widgetValue(node, "c", 10) };
  if (kind === "start") return { kind, percent: widgetValue(node, "start_percent", 60) };
  if (kind === "constant") return { kind, alpha: widgetValue(node, "alpha", 1) };
  // The gate's mode is a DynamicCombo: its widgets are named "mode.c" & co. (older ComfyUI: "c").
  const sub = (name, fallback) => widgetValue(node, `mode.${name}`, widgetValue(node, name, fallback));
  return { kind, mode: widgetValue(node, "mode", "c"), c: sub("c", 10), sigma_max: sub("sigma_max", 1), fraction: sub("fraction", 0.5) };
}

/** The node feeding input `name` of `node` (looking through Reroute nodes), or null. */
export function upstreamNode(node, name) {
  const input = Array.isArray(node?.inputs) ? node.inputs.find((i) => i?.name === name) : undefined;
  const link = input?.link != null ? linkById(node.graph, input.link) : null;
  const source = link ? node.graph?.getNodeById?.(link.origin_id) : null;
  return nodeType(source) === "Reroute" ? upstreamNode(source, source.inputs?.[0]?.name) : source ?? null;
}

/** The sampler whose steps a trace node's run uses: itself, or for LAGS Guidance the sampler it feeds. */
export function samplerOf(traceNode) {
  if (nodeType(traceNode) === SAMPLER_NODE) return traceNode;
  return downstreamNodes(traceNode, 0).find(hasSamplerWidgets) ?? null;
}

/**
 * The node a server message names. Ids are the prompt's node ids; nodes inside
 * subgraphs come as "outer:inner" paths.
 */
export function findNodeByExecutionId(rootGraph, executionId) {
  let graph = rootGraph;
  let node = null;
  for (const part of String(executionId).split(":")) {
    if (!graph) return null;
    node = graph.getNodeById?.(part) ?? graph.getNodeById?.(Number(part)) ?? null;
    if (!node) return null;
    graph = node.subgraph;
  }
  return node;
}
