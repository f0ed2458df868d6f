// The model-family rows of guidance/families.py that the charts need (no DOM): the noise
// level α sees, and where guidance can run at all.

export const VE = "VE";
export const FLOW = "flow";

/** σ for VE models (x = x0 + σn); σ/(1−σ) for flow models (x = (1−σ)x0 + σn), ∞ at σ ≥ 1. */
export function noiseLevel(family, sigma) {
  if (family !== FLOW) return sigma;
  return sigma >= 1 ? Infinity : sigma / (1 - sigma);
}

/** Flow models are never guided at σ = 1 (pure noise); nothing is guided at σ = 0. */
export function guidable(family, sigma) {
  return sigma > 0 && (family !== FLOW || sigma < 1);
}

/** The family a run's trace points show: flow when the level α saw differs from σ. */
export function familyOfTrace(points) {
  const differs = (p) => p.level !== null && p.sigma !== null && Math.abs(p.level - p.sigma) > 1e-6 * Math.max(1, p.sigma);
  return points.some(differs) ? FLOW : VE;
}
