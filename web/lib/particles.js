// "lags.particles" messages of the particles (SMC) sampler: the effective sample size per step (pure).
//
// Payload: {"node": str, "step": int (1-based), "steps": int, "ess": float (mean effective sample
// size over groups, in particles), "particles": int (K), "resampled": bool, "zero_weight": int}.

export const PARTICLES_EVENT = "lags.particles";

const finite = (v) => typeof v === "number" && Number.isFinite(v);

/** A validated copy, or null when node, step or ess is missing or malformed. */
export function parseParticlesPoint(data) {
  if (!data || typeof data !== "object" || data.node === undefined || data.node === null) return null;
  const step = Number(data.step);
  if (!Number.isInteger(step) || step < 1 || !finite(data.ess) || data.ess < 0) return null;
  const steps = Number(data.steps);
  const particles = Number(data.particles);
  return {
    node: String(data.node),
    step,
    steps: Number.isInteger(steps) && steps >= step ? steps : null,
    ess: data.ess,
    particles: Number.isInteger(particles) && particles >= 1 ? particles : null,
    resampled: data.resampled === true,
    zeroWeight: Number.isInteger(data.zero_weight) && data.zero_weight >= 0 ? data.zero_weight : 0,
  };
}

/** The run's ESS points after one more (the latest message of a step wins; step 1 after later steps restarts). */
export function addParticlesPoint(points, point) {
  const restart = point.step === 1 && points.some((p) => p.step > 1);
  const kept = restart ? [] : points.filter((p) => p.step !== point.step);
  return [...kept, point].sort((a, b) => a.step - b.step);
}

/** K of the run (the largest particle count sent), or the largest ESS when no message said K. */
export function particleCount(points) {
  const ks = points.map((p) => p.particles).filter((k) => k !== null);
  if (ks.length) return Math.max(...ks);
  return points.length ? Math.max(...points.map((p) => p.ess)) : null;
}
