// What a schedule node's drawing shows, from the node and the sampler it feeds.

import { describeSpec, scheduleSteps, specProblem } from "./alpha_schedules.js";
import { DEFAULT_SAMPLER_SETTINGS, connectedSampler, samplerSettings, scheduleSpec } from "./graph_read.js";
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
  return { spec, settings, connected, signature: JSON.stringify([spec, settings, connected]) };
}

/** { title, subtitle, steps, note, error } for drawSchedule. */
export function scheduleView({ spec, settings, connected }) {
  const error = specProblem(spec);
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
