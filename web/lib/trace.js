// The live per-step trace of one sampler node, fed by "lags.trace" server messages (pure).

export const TRACE_EVENT = "lags.trace";

const finiteOrNull = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** A validated copy of one message's data, or null when it is not a LAGS trace point. */
export function parseTracePoint(data) {
  if (!data || typeof data !== "object") return null;
  const step = Number(data.step);
  const steps = Number(data.steps);
  if (!Number.isInteger(step) || !Number.isInteger(steps) || step < 1 || steps < 1) return null;
  if (data.node === undefined || data.node === null) return null;
  return {
    node: String(data.node),
    step,
    steps,
    sigma: finiteOrNull(data.sigma),
    level: finiteOrNull(data.level), // null where infinite (flow model at σ = 1)
    alpha: finiteOrNull(data.alpha),
    logW: finiteOrNull(data.log_w),
    gradNorm: finiteOrNull(data.grad_norm),
    guided: Boolean(data.guided),
    guarded: Number.isFinite(Number(data.guarded)) ? Number(data.guarded) : 0,
    probed: Boolean(data.probed), // lags: J v from the finite-difference probe (false: J0 v, adaptive probe)
    probeKnown: typeof data.probed === "boolean", // older servers send no probe field: draw nothing for it
    probeGap: finiteOrNull(data.probe_gap), // measured ||J v - J0 v|| / ||J0 v|| on a probing step
  };
}

export function emptyTrace() {
  return { steps: 0, points: [], runs: 0 };
}

/**
 * The trace after one more point. A new run starts when `newRun` is set (the glue sets
 * it after an execution_start), when the step count changes, or when the steps restart
 * (step 1 again, or a jump back by more than one); until then the finished run's points
 * stay, so the final numbers remain visible after sampling. Samplers that call the
 * model more than once per step (heun, dpm_2) may repeat or re-send a step: the latest
 * call of a step replaces the earlier one.
 */
export function addTracePoint(trace, point, { newRun = false } = {}) {
  const last = trace.points[trace.points.length - 1];
  const restart =
    newRun || !last || point.steps !== trace.steps || (point.step === 1 && last.step > 2) || point.step < last.step - 1;
  const points = restart ? [] : trace.points.filter((p) => p.step !== point.step);
  points.push(point);
  points.sort((a, b) => a.step - b.step);
  return { steps: point.steps, points, runs: trace.runs + (restart ? 1 : 0) };
}

/** Latest numbers for the text line under the chart. */
export function traceTotals(trace) {
  const last = trace.points[trace.points.length - 1] ?? null;
  return {
    last,
    guidedSteps: trace.points.filter((p) => p.guided).length,
    guarded: trace.points.reduce((sum, p) => sum + p.guarded, 0),
    done: Boolean(last && last.step >= trace.steps),
  };
}
