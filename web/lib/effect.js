// How much guidance changed a run, from its trace points (pure). Mirrors guidance/effect.py:
// the thresholds are calibrated there (docs/guidance_effect.md).

/** Largest per-step change of the denoised image below which guidance is too weak to see. */
export const WEAK_PEAK = 0.01;
/** ... above which it has likely damaged the picture. */
export const DESTRUCTIVE_PEAK = 0.1;
/** Largest α of a schedule below which the default strengths cannot reach WEAK_PEAK. */
export const TINY_ALPHA = 0.1;

const finite = (v) => typeof v === "number" && Number.isFinite(v);
const short = (v) => (finite(v) ? String(Number(v.toPrecision(2))) : "–");

/** "5.2 %", "0.04 %", "120 %". */
export function percent(fraction) {
  if (!finite(fraction)) return "–";
  const p = fraction * 100;
  if (p > 0 && p < 0.01) return "< 0.01 %";
  const digits = p >= 10 ? 0 : p >= 1 ? 1 : 2;
  return `${p.toFixed(digits)} %`;
}

/**
 * { guidedSteps, steps, maxAlpha, peak, last, gain, verdict, reason } of a run's points:
 * peak / last: the largest / the last guided step's relative change of the denoised image
 * (‖D_q − D‖/‖D‖; null where the server did not send it), gain: log w of the last guided step
 * minus the first's (null with fewer than two), verdict: "too weak to see", "likely
 * destructive" or null, reason: the words behind the verdict.
 */
export function runEffect(points, steps) {
  const guided = points.filter((p) => p.guided);
  const moved = guided.filter((p) => finite(p.displacement));
  const peak = moved.length ? Math.max(...moved.map((p) => p.displacement)) : null;
  const last = moved.length ? moved[moved.length - 1].displacement : null;
  const scored = guided.filter((p) => finite(p.logW));
  const gain = scored.length >= 2 ? scored[scored.length - 1].logW - scored[0].logW : null;
  const alphas = points.map((p) => p.alpha).filter(finite);
  const maxAlpha = alphas.length ? Math.max(...alphas) : null;
  let verdict = null;
  let reason = null;
  if (points.length > 0 && guided.length === 0) {
    verdict = "too weak to see";
    reason = `no step was guided (largest α ${short(maxAlpha)})`;
  } else if (peak !== null && peak < WEAK_PEAK) {
    verdict = "too weak to see";
    reason = `guidance changed the picture by at most ${percent(peak)} per step (below ${percent(WEAK_PEAK)})`;
  } else if (peak !== null && peak > DESTRUCTIVE_PEAK) {
    verdict = "likely destructive";
    reason = `guidance changed the picture by up to ${percent(peak)} in one step (above ${percent(DESTRUCTIVE_PEAK)}): lower the strength`;
  }
  return { guidedSteps: guided.length, steps, maxAlpha, peak, last, gain, verdict, reason };
}

/**
 * Before a run: why the schedule will do nothing visible, or null. `data` is scheduleSteps()
 * of the schedule and the sampler's σ list.
 */
export function scheduleWarning(data) {
  if (!data || data.sigmas.length === 0) return null;
  const n = data.sigmas.length;
  if (data.guidedCount === 0) {
    return `no step of ${n} is guided: guidance starts after the last step. Start it earlier (lower c or start %) or use more steps.`;
  }
  const maxAlpha = Math.max(...data.alphas.filter((a, i) => data.guided[i]));
  if (maxAlpha < TINY_ALPHA) {
    return `guidance reaches only α ${short(maxAlpha)} (${data.guidedCount} of ${n} steps): too weak to see. Start it earlier (lower c or start %) or pick another scheduler.`;
  }
  return null;
}
