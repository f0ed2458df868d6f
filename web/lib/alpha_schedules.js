// α(σ) of the LAGS schedule nodes, mirroring the pack's schedulers/alpha.py (no DOM).

import { VE, guidable, noiseLevel } from "./families.js";
import { roundHalfEven } from "./sigma_schedules.js";

/** The engine guides only where α > this (and α > 0, σ > 0): guidance/engine.py. */
export const SKIP_BELOW = 1e-3;

/** Schedule node ids -> the kind of α they make. */
export const SCHEDULE_NODE_KINDS = Object.freeze({
  LAGSScheduleStart: "start",
  LAGSScheduleAlpha: "alpha",
  LAGSScheduleHardGate: "gate",
  LAGSScheduleConstant: "constant",
});

const GATE_MODES = ["c", "sigma", "fraction of steps"];

/** Why a spec cannot be drawn, or null. Mirrors the Python constructors' checks. */
export function specProblem(spec) {
  const num = (v) => typeof v === "number" && Number.isFinite(v);
  if (spec.kind === "alpha" || (spec.kind === "gate" && spec.mode === "c")) {
    return num(spec.c) && spec.c >= 0 ? null : "c must be a number ≥ 0";
  }
  if (spec.kind === "gate") {
    if (spec.mode === "sigma") return typeof spec.sigma_max === "number" && spec.sigma_max >= 0 ? null : "sigma_max must be ≥ 0";
    if (spec.mode === "fraction of steps") {
      return num(spec.fraction) && spec.fraction >= 0 && spec.fraction <= 1 ? null : "fraction must be in [0, 1]";
    }
    return `unknown gate mode ${JSON.stringify(spec.mode)} (expected ${GATE_MODES.join(", ")})`;
  }
  if (spec.kind === "constant") return num(spec.alpha) && spec.alpha >= 0 && spec.alpha <= 1 ? null : "alpha must be in [0, 1]";
  if (spec.kind === "start") return num(spec.percent) && spec.percent >= 0 && spec.percent <= 100 ? null : "start % must be from 0 to 100";
  return `unknown schedule kind ${JSON.stringify(spec.kind)}`;
}

/** Largest σ the gate lets through, for a spec and the sampler's σ list (Infinity = all, -1 = none). */
function gateSigmaMax(spec, sigmas) {
  if (spec.mode === "c") return spec.c === 0 ? Infinity : spec.c ** -0.25;
  if (spec.mode === "sigma") return spec.sigma_max;
  // "fraction of steps": StepFractionGate.bind — the last round(fraction * steps) model calls.
  const steps = Math.max(sigmas.length - 1, 0);
  const guided = roundHalfEven(spec.fraction * steps);
  return guided <= 0 ? -1 : sigmas[steps - guided];
}

/** α for every σ of `sigmas` (the sampler's full list); throws on an invalid spec. */
export function alphaValues(spec, sigmas) {
  const problem = specProblem(spec);
  if (problem) throw new RangeError(problem);
  if (spec.kind === "constant") return sigmas.map(() => spec.alpha);
  if (spec.kind === "alpha" || spec.kind === "start") {
    const c = spec.kind === "alpha" ? spec.c : cForStart(sigmas, spec.percent);
    return sigmas.map((s) => paperAlpha(c, s));
  }
  const limit = gateSigmaMax(spec, sigmas);
  return sigmas.map((s) => (Math.abs(s) <= limit ? 1 : 0));
}

/** Short text for the drawing, like the Python describe(). */
export function describeSpec(spec) {
  const g = (x) => Number(x).toPrecision(4).replace(/\.?0+$/, "").replace(/\.?0+e/, "e");
  if (spec.kind === "alpha") return `α = 1/(1+cσ⁴), c=${g(spec.c)}`;
  if (spec.kind === "constant") return `α = ${g(spec.alpha)} (constant)`;
  if (spec.kind === "start") return `guidance starts at ${g(spec.percent)} % of the steps`;
  if (spec.mode === "c") return `hard gate cσ⁴ ≤ 1, c=${g(spec.c)}`;
  if (spec.mode === "sigma") return `hard gate σ ≤ ${g(spec.sigma_max)}`;
  return `hard gate, last ${g(spec.fraction * 100)}% of steps`;
}

/**
 * What the schedule drawing shows: per model call (the σ list minus its final 0)
 * the σ, α and whether guidance runs there. α sees the family's noise level (σ/(1−σ)
 * for flow models), as the engine and its schedules do (guidance/families.py).
 */
export function scheduleSteps(spec, sigmas, family = VE) {
  const stepSigmas = sigmas.slice(0, Math.max(sigmas.length - 1, 0));
  const levels = sigmas.map((s) => noiseLevel(family, s));
  const alphas = alphaValues(spec, levels).slice(0, stepSigmas.length);
  const guided = alphas.map((a, i) => a > SKIP_BELOW && a > 0 && guidable(family, stepSigmas[i]));
  return {
    sigmas: stepSigmas,
    family,
    alphas,
    guided,
    guidedCount: guided.filter(Boolean).length,
    isGate: spec.kind === "gate",
  };
}

/** α = 1/(1 + c s⁴) (schedulers/alpha.py PaperAlpha): 1 for c = 0, 0 for c = ∞. */
function paperAlpha(c, s) {
  if (c === 0) return 1;
  if (c === Infinity) return 0;
  const a = 1 / (1 + c * Math.abs(s) ** 4);
  return Number.isFinite(a) ? a : 0;
}

/** The level `percent` % of the way through the steps of `levels` (schedulers/start_percent.py). */
export function levelAtPercent(levels, percent) {
  const steps = Math.max(levels.length - 1, 0);
  if (steps === 0) return NaN;
  const position = (percent / 100) * steps;
  const below = Math.min(Math.floor(position), steps - 1);
  const frac = position - below;
  const [hi, lo] = [levels[below], levels[below + 1]];
  if (hi === Infinity) return frac === 0 ? Infinity : lo;
  return hi + frac * (lo - hi);
}

/** The c whose α is 1/2 at `percent` % of the steps (0: everywhere full, ∞: never). */
export function cForStart(levels, percent) {
  const level = levelAtPercent(levels, percent);
  if (Number.isNaN(level)) return NaN;
  if (level <= 0) return Infinity;
  return level === Infinity ? 0 : level ** -4;
}

/** Where α = 1/(1+c level⁴) reaches 1/2, in % of the steps of `levels` (the inverse of cForStart). */
export function startPercentForC(c, levels) {
  const steps = Math.max(levels.length - 1, 0);
  if (steps === 0 || !(c >= 0)) return NaN;
  if (c === 0) return 0;
  const half = c ** -0.25;
  for (let i = 0; i < steps; i++) {
    const [hi, lo] = [levels[i], levels[i + 1]];
    if (hi >= half && half >= lo) {
      if (hi === Infinity) return ((i + 1) / steps) * 100;
      return ((i + (hi === lo ? 0 : (hi - half) / (hi - lo))) / steps) * 100;
    }
  }
  return levels[0] < half ? 0 : 100;
}
