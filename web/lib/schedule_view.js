// What a schedule node's drawing shows, from the node and the sampler it feeds.

import { describeSpec, scheduleSteps, specProblem } from "./alpha_schedules.js";
import { FLOW, familyOfTrace } from "./families.js";
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
  const points = fed?.__lags?.trace?.points ?? [];
  if (points.length === 0 || familyOfTrace(points) !== FLOW) return null;
  return { sigmas: [...points.map((p) => p.sigma), 0] };
}

/** { title, subtitle, steps, note, error } for drawSchedule. */
export function scheduleView({ spec, settings, connected, flowRun = null }) {
  const error = specProblem(spec);
  if (flowRun) {
    return {
      title: error ? "α schedule" : describeSpec(spec),
      subtitle: `last run · ${flowRun.sigmas.length - 1} steps`,
      steps: error ? null : scheduleSteps(spec, flowRun.sigmas, FLOW),
      note: "flow model: α sees σ/(1−σ) (the run's own σ list)",
      error,
    };
  }
  const { sigmas, scheduler, fallback } = samplerSigmas(settings);
  const denoise = settings.denoise < 0.9999 ? `, denoise ${settings.denoise}` : "";
  let note = null;
  if (fallback) note = `scheduler "${settings.scheduler}" not known here: drawn with ${FALLBACK_SCHEDULER}`;
  else if (!connected) note = `not connected: a ${settings.steps}-step ${settings.scheduler} SDXL schedule`;
  return {
    title: error ? "α schedule" : describeSpec(spec),
    subtitle: `${scheduler} · ${Math.max(sigmas.length - 1, 0)} steps${denoise}`,
    steps: error ? null : scheduleSteps(spec, sigmas),
    note,
    error,
  };
}
