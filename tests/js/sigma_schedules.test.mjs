import assert from "node:assert/strict";
import { test } from "node:test";
import { discreteModelSampling, linspace, roundHalfEven, samplerSigmas, SCHEDULER_NAMES } from "../../web/lib/sigma_schedules.js";
import { SIGMAS, worstRelativeError } from "./fixtures.mjs";

// ComfyUI computes in float32 (karras/exponential/normal); the JS in float64.
const TOLERANCE = 5e-6;

test("the SDXL discrete table matches ComfyUI's ModelSamplingDiscrete", () => {
  const ms = discreteModelSampling();
  assert.equal(ms.sigmaMin, SIGMAS.sigma_min);
  assert.equal(ms.sigmaMax, SIGMAS.sigma_max);
  const every100 = [...ms.sigmas].filter((_, i) => i % 100 === 0);
  assert.deepEqual(every100, SIGMAS.table_every_100);
});

for (const c of SIGMAS.cases) {
  test(`${c.scheduler}, ${c.steps} steps, denoise ${c.denoise}, ${c.sampler_name} matches ComfyUI`, () => {
    const got = samplerSigmas({ steps: c.steps, scheduler: c.scheduler, denoise: c.denoise, samplerName: c.sampler_name });
    assert.equal(got.fallback, false);
    assert.equal(got.sigmas.length, c.sigmas.length);
    const worst = worstRelativeError(got.sigmas, c.sigmas);
    assert.ok(worst < TOLERANCE, `worst relative error ${worst}`);
  });
}

test("every ComfyUI v0.8.0 scheduler has a fixture", () => {
  const covered = new Set(SIGMAS.cases.map((c) => c.scheduler));
  assert.deepEqual(SCHEDULER_NAMES.filter((name) => !covered.has(name)), []);
});

test("an unknown scheduler falls back to karras and says so", () => {
  const got = samplerSigmas({ steps: 12, scheduler: "align_your_steps_future" });
  const karras = samplerSigmas({ steps: 12, scheduler: "karras" });
  assert.equal(got.fallback, true);
  assert.equal(got.scheduler, "karras");
  assert.deepEqual(got.sigmas, karras.sigmas);
});

test("degenerate step counts give empty lists, not errors", () => {
  assert.deepEqual(samplerSigmas({ steps: 0, scheduler: "karras" }).sigmas, []);
  assert.deepEqual(samplerSigmas({ steps: "x", scheduler: "normal" }).sigmas, []);
  assert.deepEqual(samplerSigmas({ steps: 10, scheduler: "karras", denoise: 0 }).sigmas, []);
});

test("lists start high and end at 0", () => {
  for (const scheduler of SCHEDULER_NAMES) {
    const { sigmas } = samplerSigmas({ steps: 10, scheduler });
    assert.equal(sigmas.at(-1), 0, scheduler);
    for (let i = 1; i < sigmas.length; i++) assert.ok(sigmas[i] <= sigmas[i - 1], `${scheduler} step ${i}`);
  }
});

test("linspace and round-half-even behave like numpy/Python", () => {
  assert.deepEqual(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(linspace(3, 7, 1), [3]);
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, -0, -2, 2, 3]);
});
