// σ schedules of ComfyUI's KSampler, reproduced for drawing (no DOM, no ComfyUI imports).
//
// The model is SD1.x/SDXL "discrete VP": 1000 training sigmas from scaled-linear betas.
// Each scheduler follows comfy/samplers.py and comfy/k_diffusion/sampling.py (v0.8.0);
// tests/js compares the lists with values ComfyUI's Python computed.

import { betaQuantile } from "./beta_quantile.js";

export const SDXL_SAMPLING = Object.freeze({ linearStart: 0.00085, linearEnd: 0.012, timesteps: 1000 });
export const FALLBACK_SCHEDULER = "karras";
// KSampler.DISCARD_PENULTIMATE_SIGMA_SAMPLERS: these take one step more and drop σ[-2].
const DISCARD_PENULTIMATE = new Set(["dpm_2", "dpm_2_ancestral", "uni_pc", "uni_pc_bh2"]);

const f32 = Math.fround; // ComfyUI stores sigmas as float32

/** Evenly spaced values like torch.linspace / numpy.linspace (endpoint included). */
export function linspace(start, end, n) {
  if (n <= 0) return [];
  if (n === 1) return [start];
  const step = (end - start) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? end : start + i * step));
}

/** The discrete model's sampling table: sigmas[t] for t = 0..timesteps-1 (ascending). */
export function discreteModelSampling({ linearStart, linearEnd, timesteps } = SDXL_SAMPLING) {
  const sigmas = new Float64Array(timesteps);
  const logSigmas = new Float64Array(timesteps);
  const betaRoots = linspace(Math.sqrt(linearStart), Math.sqrt(linearEnd), timesteps);
  let alphaBar = 1;
  for (let t = 0; t < timesteps; t++) {
    alphaBar *= 1 - betaRoots[t] ** 2;
    sigmas[t] = f32(Math.sqrt((1 - alphaBar) / alphaBar));
    logSigmas[t] = f32(Math.log(sigmas[t]));
  }
  return {
    sigmas,
    sigmaMin: sigmas[0],
    sigmaMax: sigmas[timesteps - 1],
    /** Index of the training sigma nearest in log space (ModelSamplingDiscrete.timestep). */
    timestep(sigma) {
      const target = Math.log(sigma);
      let best = 0;
      for (let t = 1; t < timesteps; t++) {
        if (Math.abs(target - logSigmas[t]) < Math.abs(target - logSigmas[best])) best = t;
      }
      return best;
    },
    /** Log-linear interpolation between training sigmas (ModelSamplingDiscrete.sigma). */
    sigma(timestep) {
      const t = Math.min(Math.max(timestep, 0), timesteps - 1);
      const low = Math.floor(t);
      const high = Math.ceil(t);
      const w = t - low;
      return Math.exp((1 - w) * logSigmas[low] + w * logSigmas[high]);
    },
  };
}

function simple(ms, steps) {
  const n = ms.sigmas.length;
  const stride = n / steps;
  const out = [];
  for (let x = 0; x < steps; x++) out.push(ms.sigmas[n - 1 - Math.trunc(x * stride)]);
  return [...out, 0];
}

function ddimUniform(ms, steps) {
  const n = ms.sigmas.length;
  let out = [0];
  if (Math.abs(ms.sigmas[1]) <= 1e-5) {
    steps += 1;
    out = [];
  }
  const stride = Math.max(Math.floor(n / steps), 1);
  for (let x = 1; x < n; x += stride) out.push(ms.sigmas[x]);
  return out.reverse();
}

function normal(ms, steps, sgm = false) {
  const start = ms.timestep(ms.sigmaMax);
  const end = ms.timestep(ms.sigmaMin);
  let appendZero = true;
  let timesteps;
  if (sgm) {
    timesteps = linspace(start, end, steps + 1).slice(0, -1);
  } else {
    if (Math.abs(ms.sigma(end)) <= 1e-5) {
      steps += 1;
      appendZero = false;
    }
    timesteps = linspace(start, end, steps);
  }
  const out = timesteps.map((t) => ms.sigma(f32(t)));
  return appendZero ? [...out, 0] : out;
}

function karras(n, sigmaMin, sigmaMax, rho = 7) {
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return [...linspace(0, 1, n).map((r) => (maxInv + r * (minInv - maxInv)) ** rho), 0];
}

function exponential(n, sigmaMin, sigmaMax) {
  return [...linspace(Math.log(sigmaMax), Math.log(sigmaMin), n).map(Math.exp), 0];
}

function beta(ms, steps, a = 0.6, b = 0.6) {
  const total = ms.sigmas.length - 1;
  const out = [];
  let last = -1;
  for (let i = 0; i < steps; i++) {
    const t = roundHalfEven(betaQuantile(1 - i / steps, a, b) * total);
    if (t !== last) out.push(ms.sigmas[t]);
    last = t;
  }
  return [...out, 0];
}

function linearQuadratic(ms, steps, threshold = 0.025) {
  if (steps === 1) return [ms.sigmaMax, 0];
  const linearSteps = Math.floor(steps / 2);
  const linear = Array.from({ length: linearSteps }, (_, i) => (i * threshold) / linearSteps);
  const diff = linearSteps - threshold * steps;
  const quadSteps = steps - linearSteps;
  const quadCoef = diff / (linearSteps * quadSteps ** 2);
  const linCoef = threshold / linearSteps - (2 * diff) / quadSteps ** 2;
  const constant = quadCoef * linearSteps ** 2;
  const quadratic = [];
  for (let i = linearSteps; i < steps; i++) quadratic.push(quadCoef * i * i + linCoef * i + constant);
  return [...linear, ...quadratic, 1].map((x) => (1 - x) * ms.sigmaMax);
}

function klOptimal(n, sigmaMin, sigmaMax) {
  const out = Array.from({ length: n }, (_, i) => {
    const w = i / (n - 1);
    return Math.tan(w * Math.atan(sigmaMin) + (1 - w) * Math.atan(sigmaMax));
  });
  return [...out, 0];
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const SCHEDULERS = {
  simple: (ms, n) => simple(ms, n),
  sgm_uniform: (ms, n) => normal(ms, n, true),
  karras: (ms, n) => karras(n, ms.sigmaMin, ms.sigmaMax),
  exponential: (ms, n) => exponential(n, ms.sigmaMin, ms.sigmaMax),
  ddim_uniform: (ms, n) => ddimUniform(ms, n),
  beta: (ms, n) => beta(ms, n),
  normal: (ms, n) => normal(ms, n),
  linear_quadratic: (ms, n) => linearQuadratic(ms, n),
  kl_optimal: (ms, n) => klOptimal(n, ms.sigmaMin, ms.sigmaMax),
};

export const SCHEDULER_NAMES = Object.freeze(Object.keys(SCHEDULERS));

let sdxlTable = null;
function sdxlModelSampling() {
  sdxlTable ??= discreteModelSampling(SDXL_SAMPLING);
  return sdxlTable;
}

/**
 * The σ list KSampler would step through (length steps + 1, ending in 0), as
 * { sigmas, scheduler, fallback } — fallback is true when `scheduler` was unknown and
 * karras was used instead.
 */
export function samplerSigmas({ steps, scheduler, denoise = 1, samplerName = "", modelSampling } = {}) {
  const ms = modelSampling ?? sdxlModelSampling();
  const known = Object.hasOwn(SCHEDULERS, scheduler);
  const used = known ? scheduler : FALLBACK_SCHEDULER;
  steps = Math.max(0, Math.trunc(Number(steps) || 0));
  const compute = (n) => {
    if (n <= 0) return [];
    const discard = DISCARD_PENULTIMATE.has(samplerName);
    const list = SCHEDULERS[used](ms, discard ? n + 1 : n);
    return discard ? [...list.slice(0, -2), list[list.length - 1]] : list;
  };
  let sigmas;
  if (denoise == null || !(denoise <= 0.9999)) sigmas = compute(steps);
  else if (denoise <= 0) sigmas = [];
  else sigmas = compute(Math.trunc(steps / denoise)).slice(-(steps + 1));
  return { sigmas, scheduler: used, fallback: !known };
}
