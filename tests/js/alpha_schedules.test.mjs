import assert from "node:assert/strict";
import { test } from "node:test";
import { alphaValues, describeSpec, scheduleSteps, SKIP_BELOW, specProblem } from "../../web/lib/alpha_schedules.js";
import { ALPHA, worstRelativeError } from "./fixtures.mjs";

for (const c of ALPHA.cases) {
  const { values: expected, ...spec } = c;
  test(`α of ${JSON.stringify(spec)} matches the pack's schedulers/alpha.py`, () => {
    assert.ok(worstRelativeError(alphaValues(spec, ALPHA.sigmas), expected) < 1e-12);
  });
}

test("invalid widget values are reported, not drawn", () => {
  assert.match(specProblem({ kind: "alpha", c: -1 }), /c must be/);
  assert.match(specProblem({ kind: "gate", mode: "fraction of steps", fraction: 1.5 }), /fraction/);
  assert.match(specProblem({ kind: "gate", mode: "sigma", sigma_max: NaN }), /sigma_max/);
  assert.match(specProblem({ kind: "gate", mode: "later", c: 1 }), /unknown gate mode/);
  assert.match(specProblem({ kind: "constant", alpha: 2 }), /alpha/);
  assert.equal(specProblem({ kind: "gate", mode: "sigma", sigma_max: Infinity }), null);
  assert.throws(() => alphaValues({ kind: "alpha", c: "ten" }, [1, 0]), RangeError);
});

test("steps are the model calls: the final σ = 0 is not one", () => {
  const steps = scheduleSteps({ kind: "alpha", c: 10 }, ALPHA.sigmas);
  assert.equal(steps.sigmas.length, ALPHA.sigmas.length - 1);
  assert.equal(steps.alphas.length, steps.sigmas.length);
});

test("guided means α above the engine's skip threshold", () => {
  const sigmas = [14, 4, 1, 0.5, 0.1, 0];
  const steps = scheduleSteps({ kind: "alpha", c: 10 }, sigmas);
  steps.alphas.forEach((a, i) => assert.equal(steps.guided[i], a > SKIP_BELOW));
  assert.equal(steps.guidedCount, steps.guided.filter(Boolean).length);
  assert.deepEqual(steps.guided, [false, false, true, true, true]);
  assert.equal(scheduleSteps({ kind: "constant", alpha: 0 }, sigmas).guidedCount, 0);
  assert.equal(steps.isGate, false);
  assert.equal(scheduleSteps({ kind: "gate", mode: "c", c: 10 }, sigmas).isGate, true);
});

test("descriptions name the schedule and its parameter", () => {
  assert.equal(describeSpec({ kind: "alpha", c: 10 }), "α = 1/(1+cσ⁴), c=10");
  assert.equal(describeSpec({ kind: "gate", mode: "sigma", sigma_max: 0.75 }), "hard gate σ ≤ 0.75");
  assert.equal(describeSpec({ kind: "gate", mode: "fraction of steps", fraction: 0.25 }), "hard gate, last 25% of steps");
  assert.equal(describeSpec({ kind: "constant", alpha: 0.3 }), "α = 0.3 (constant)");
});
