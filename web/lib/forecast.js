// Before a run: will the trace node's next run guide anything visible? From the schedule node
// feeding it (or the default schedule, c = 10) and its sampler's steps and scheduler.

import { SCHEDULE_NODE_KINDS, scheduleSteps, specProblem } from "./alpha_schedules.js";
import { scheduleWarning } from "./effect.js";
import { FLOW, familyOfTrace } from "./families.js";
import { nodeType, samplerOf, samplerSettings, scheduleSpec, upstreamNode } from "./graph_read.js";
import { samplerSigmas } from "./sigma_schedules.js";

/** The schedule unconnected sampler and guidance nodes use (bridge/settings.py DEFAULT_SCHEDULE_C). */
export const DEFAULT_SPEC = Object.freeze({ kind: "alpha", c: 10 });

/** { warning, signature } for a LAGS sampler / guidance node; warning null when all is well or unknown. */
export function forecast(traceNode) {
  // A flow model's σ list depends on its shift, unknown here: no forecast after a flow run.
  if (familyOfTrace(traceNode.__lags?.record?.trace?.points ?? []) === FLOW) return { warning: null, signature: "flow" };
  const sampler = samplerOf(traceNode);
  if (!sampler) return { warning: null, signature: "no sampler" };
  const source = upstreamNode(traceNode, "schedule");
  const kind = source ? SCHEDULE_NODE_KINDS[nodeType(source)] : null;
  if (source && !kind) return { warning: null, signature: "unknown schedule" };
  const spec = kind ? scheduleSpec(source, kind) : DEFAULT_SPEC;
  const settings = samplerSettings(sampler);
  const signature = JSON.stringify([spec, settings]);
  if (specProblem(spec)) return { warning: null, signature };
  const steps = scheduleSteps(spec, samplerSigmas(settings).sigmas);
  const warning = scheduleWarning(steps);
  return { warning: warning && `Next run: ${warning}`, signature };
}
