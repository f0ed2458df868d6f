// What a schedule node's drawing shows, from the node and the sampler it feeds.

import { cForStart, describeSpec, scheduleSteps, specProblem, startPercentForC } from "./alpha_schedules.js";
import { scheduleWarning } from "./effect.js";
import { FLOW, VE, familyOfTrace, noiseLevel } from "./families.js";
import { DEFAULT_SAMPLER_SETTINGS, TRACE_NODES, connectedSampler, downstreamNodes, nodeType, samplerSettings, scheduleSpec } from "./graph_read.js";
import { FALLBACK_SCHEDULER, samplerSigmas } from "./sigma_schedules.js";

/**
 * Everything the drawing depends on, read from the graph (cheap), with a signature
 * string: the drawing is recomputed only when the signature changes.
 */
export function scheduleInputs(node, kind) {
  const spec = scheduleSpec(node, kind);
  const sampler = connectedSampler(node);
  const settings = sampler ? samplerSettings(sampler) : { ...DEFAULT_SAMPLER_SETTINGS };
  const connected = Boolean(sampler);
  const flowRun = lastFlowRun(node);
  return { spec, settings, connected, flowRun, signature: JSON.stringify([spec, settings, connected, flowRun]) };
}

/**
 * The σ list of the last run of the LAGS node this schedule feeds, when that run was a flow
 * model's: the browser cannot compute a flow model's σ list (it depends on the model's
 * shift), so the chart shows what the sampler did. null otherwise.
 */
export function lastFlowRun(scheduleNode) {
  const fed = downstreamNodes(scheduleNode, 0).find((n) => TRACE_NODES.includes(nodeType(n)));
  const points = fed?.__lags?.record?.trace?.points ?? fed?.__lags?.trace?.points ?? [];
  if (points.length === 0 || familyOfTrace(points) !== FLOW) return null;
  return { sigmas: [...points.map((p) => p.sigma), 0] };
}

const short = (x) => Number(x.toPrecision(3)).toString();

/** Where guidance starts, both ways: the start % of a c (and the step), or the c of a start %. */
export function startAndC(spec, sigmas, family = VE) {
  const levels = sigmas.map((s) => noiseLevel(family, s));
  const steps = Math.max(levels.length - 1, 0);
  if (!steps || specProblem(spec)) return null;
  // The first step at or after the half-strength point (1-based; steps + 1: after the last one).
  const firstStep = (pct) => Math.ceil((pct / 100) * steps - 1e-9) + 1;
  const where = (pct) => (firstStep(pct) > steps ? "after the last step" : `step ${firstStep(pct)}/${steps}`);
  if (spec.kind === "start") {
    const c = cForStart(levels, spec.percent);
    if (c === Infinity) return `starts at ${short(spec.percent)} %: never (c = ∞)`;
    return `starts at ${short(spec.percent)} % (${where(spec.percent)}) ↔ c = ${short(c)}`;
  }
  if (spec.kind === "alpha" || (spec.kind === "gate" && spec.mode === "c")) {
    const pct = startPercentForC(spec.c, levels);
    return `c = ${short(spec.c)} ↔ starts at ${short(pct)} % of the steps (${where(pct)})`;
  }
  return null;
}

/** { title, subtitle, both, steps, note, error, warning } for drawSchedule (both: start % ↔ c). */
export function scheduleView({ spec, settings, connected, flowRun = null }) {
  const error = specProblem(spec);
  let sigmas, family, subtitle, note = null;
  if (flowRun) {
    ({ sigmas } = flowRun);
    family = FLOW;
    subtitle = `last run · ${sigmas.length - 1} steps`;
    note = "flow model: α sees σ/(1−σ) (the run's own σ list)";
  } else {
    const got = samplerSigmas(settings);
    sigmas = got.sigmas;
    family = VE;
    const denoise = settings.denoise < 0.9999 ? `, denoise ${settings.denoise}` : "";
    subtitle = `${got.scheduler} · ${Math.max(sigmas.length - 1, 0)} steps${denoise}`;
    if (got.fallback) note = `scheduler "${settings.scheduler}" not known here: drawn with ${FALLBACK_SCHEDULER}`;
    else if (!connected) note = `not connected: a ${settings.steps}-step ${settings.scheduler} SDXL schedule`;
  }
  const steps = error ? null : scheduleSteps(spec, sigmas, family);
  const both = error ? null : startAndC(spec, sigmas, family);
  return {
    title: error ? "α schedule" : describeSpec(spec),
    subtitle,
    both,
    steps,
    note,
    error,
    warning: steps ? scheduleWarning(steps) : null,
  };
}
