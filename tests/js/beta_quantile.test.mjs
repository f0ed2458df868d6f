import assert from "node:assert/strict";
import { test } from "node:test";
import { betaCdf, betaQuantile } from "../../web/lib/beta_quantile.js";

test("Beta(1, 1) is uniform", () => {
  for (const p of [0.1, 0.37, 0.9]) assert.ok(Math.abs(betaQuantile(p, 1, 1) - p) < 1e-12);
});

test("Beta(2, 2) CDF matches its closed form 3x² − 2x³", () => {
  for (const x of [0.05, 0.3, 0.5, 0.8]) assert.ok(Math.abs(betaCdf(x, 2, 2) - (3 * x * x - 2 * x ** 3)) < 1e-12);
});

test("the quantile inverts the CDF for the scheduler's Beta(0.6, 0.6)", () => {
  for (const p of [0.001, 0.05, 0.25, 0.5, 0.75, 0.999]) {
    const x = betaQuantile(p, 0.6, 0.6);
    assert.ok(Math.abs(betaCdf(x, 0.6, 0.6) - p) < 1e-12, `p=${p}`);
  }
  assert.equal(betaQuantile(0.5, 0.6, 0.6), 0.5);
  assert.ok(Math.abs(betaQuantile(0.25, 0.6, 0.6) + betaQuantile(0.75, 0.6, 0.6) - 1) < 1e-12);
});

test("ends of the range", () => {
  assert.equal(betaQuantile(0, 0.6, 0.6), 0);
  assert.equal(betaQuantile(1, 0.6, 0.6), 1);
  assert.equal(betaCdf(-1, 2, 3), 0);
  assert.equal(betaCdf(2, 2, 3), 1);
});
