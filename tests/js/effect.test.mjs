// Guidance effect (effect.js), where guidance starts (start % <-> c) and the warnings for
// settings that guide nothing visible (schedule chart and sampler node forecast).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { alphaValues, cForStart, levelAtPercent, scheduleSteps, startPercentForC } from "../../web/lib/alpha_schedules.js";
import { DESTRUCTIVE_PEAK, TINY_ALPHA, WEAK_PEAK, percent, runEffect, scheduleWarning } from "../../web/lib/effect.js";
import { forecast } from "../../web/lib/forecast.js";
import { scheduleInputs, scheduleView, startAndC } from "../../web/lib/schedule_view.js";
import { samplerSigmas } from "../../web/lib/sigma_schedules.js";
import { fakeGraph } from "./fake_graph.mjs";

const p = (step, extra = {}) => ({ step, steps: 4, sigma: 4 - step, alpha: step / 4, logW: -1 + step / 10, gradNorm: 1, guided: step > 1, guarded: 0, displacement: 0.02 * step, ...extra });

test("the thresholds are the Python ones (guidance/effect.py)", () => {
  const python = readFileSync(new URL("../../guidance/effect.py", import.meta.url), "utf8");
  const value = (name) => Number(python.match(new RegExp(`^${name} = ([0-9.e-]+)`, "m"))[1]);
  assert.deepEqual([WEAK_PEAK, DESTRUCTIVE_PEAK, TINY_ALPHA], [value("WEAK_PEAK"), value("DESTRUCTIVE_PEAK"), value("TINY_ALPHA")]);
});

test("run effect: peak and last change, reward gain from the first to the last guided step", () => {
  const effect = runEffect([1, 2, 3, 4].map((s) => p(s)), 4);
  assert.equal(effect.guidedSteps, 3);
  assert.equal(effect.peak, 0.08);
  assert.equal(effect.last, 0.08);
  assert.ok(Math.abs(effect.gain - 0.2) < 1e-12);
  assert.equal(effect.maxAlpha, 1);
  assert.equal(effect.verdict, null, "5 % peak: visible, not destructive");
});

test("run effect: too weak, likely destructive, nothing guided, older servers without displacement", () => {
  const weak = runEffect([1, 2, 3].map((s) => p(s, { displacement: 0.002 })), 3);
  assert.equal(weak.verdict, "too weak to see");
  assert.match(weak.reason, /at most 0.20 % per step \(below 1.0 %\)/);
  const strong = runEffect([1, 2, 3].map((s) => p(s, { displacement: s === 2 ? 0.4 : 0.05 })), 3);
  assert.equal(strong.verdict, "likely destructive");
  assert.match(strong.reason, /up to 40 % in one step \(above 10 %\)/);
  const none = runEffect([p(1, { alpha: 0.002 })], 1);
  assert.equal(none.verdict, "too weak to see");
  assert.match(none.reason, /no step was guided \(largest α 0.002\)/);
  const unknown = runEffect([1, 2].map((s) => p(s, { displacement: undefined })), 2);
  assert.deepEqual([unknown.peak, unknown.verdict], [null, null]);
  assert.deepEqual(runEffect([], 0).verdict, null);
  assert.deepEqual([percent(0.052), percent(0.0004), percent(1.2), percent(null), percent(1e-7), percent(0)], ["5.2 %", "0.04 %", "120 %", "–", "< 0.01 %", "0.00 %"]);
});

const karras = (steps) => samplerSigmas({ steps, scheduler: "karras" }).sigmas;

test("start % and c are inverses, and α is 1/2 at the start step", () => {
  const sigmas = karras(20);
  for (const pct of [0, 10, 35, 60, 62.5, 95]) {
    const c = cForStart(sigmas, pct);
    assert.ok(Math.abs(startPercentForC(c, sigmas) - pct) < 1e-6, `${pct} %`);
  }
  assert.equal(cForStart(sigmas, 100), Infinity);
  assert.equal(startPercentForC(0, sigmas), 0);
  const alphas = alphaValues({ kind: "start", percent: 50 }, sigmas);
  assert.ok(Math.abs(alphas[10] - 0.5) < 1e-12, "step 11 of 20 is half way");
  assert.ok(alphas[9] < 0.5 && alphas[11] > 0.5);
  assert.deepEqual(alphaValues({ kind: "start", percent: 100 }, sigmas).slice(0, -1), Array(20).fill(0));
  // Between two steps the level is interpolated linearly; a flow model's infinite first level is skipped.
  assert.equal(levelAtPercent([4, 2, 0], 25), 3);
  assert.equal(levelAtPercent([Infinity, 2, 1, 0], 10), 2);
  assert.equal(cForStart([Infinity, 2, 1, 0], 0), 0);
});

test("the paper's c = 10 starts guidance about 60 % into a 20-30 step karras run (the start node's default)", () => {
  for (const steps of [20, 30]) {
    const pct = startPercentForC(10, karras(steps));
    assert.ok(pct > 55 && pct < 66, `${steps} steps: ${pct}`);
  }
});

test("both ways on the chart: a start % shows its c, a c shows its start %", () => {
  const sigmas = karras(10);
  assert.match(startAndC({ kind: "start", percent: 60 }, sigmas), /^starts at 60 % \(step 7\/10\) ↔ c = 25(\.\d)?$/);
  assert.match(startAndC({ kind: "alpha", c: 10 }, sigmas), /^c = 10 ↔ starts at 57.5 % of the steps \(step 7\/10\)$/);
  assert.match(startAndC({ kind: "gate", mode: "c", c: 1e12 }, sigmas), /starts at 99.7 % of the steps \(after the last step\)/);
  assert.equal(startAndC({ kind: "constant", alpha: 1 }, sigmas), null);
  assert.match(startAndC({ kind: "start", percent: 100 }, sigmas), /never/);
});

test("warnings: no step guided, or a largest α too small to see", () => {
  const oneStep = scheduleSteps({ kind: "alpha", c: 10 }, karras(1));
  assert.match(scheduleWarning(oneStep), /^no step of 1 is guided/);
  const lq = scheduleSteps({ kind: "alpha", c: 10 }, samplerSigmas({ steps: 20, scheduler: "linear_quadratic" }).sigmas);
  assert.match(scheduleWarning(lq), /guidance reaches only α 0.00\d+ \(1 of 20 steps\): too weak to see/);
  assert.equal(scheduleWarning(scheduleSteps({ kind: "alpha", c: 10 }, karras(20))), null);
  assert.equal(scheduleWarning(scheduleSteps({ kind: "constant", alpha: 0.05 }, karras(5))).includes("α 0.05"), true);
});

test("the schedule node's view carries the warning; the sampler node forecasts it", () => {
  const g = fakeGraph();
  const schedule = g.add(1, "LAGSScheduleStart", { start_percent: 60 });
  const sampler = g.add(2, "LAGSWeightedSampler", { steps: 1, scheduler: "karras", denoise: 1, sampler_name: "euler" });
  g.connect(schedule, sampler, 0, "schedule");
  // One step at 60 %: half strength would come 60 % of the way to σ = 0, so the one step gets α 0.025.
  assert.match(scheduleView(scheduleInputs(schedule, "start")).warning, /only α 0.025 \(1 of 1 steps\): too weak to see/);
  assert.match(forecast(sampler).warning, /^Next run: guidance reaches only α 0.025/);
  sampler.widgets.find((w) => w.name === "steps").value = 20;
  assert.equal(forecast(sampler).warning, null);
  // Unconnected: the default schedule (c = 10) with this sampler's settings.
  const lonely = g.add(3, "LAGSWeightedSampler", { steps: 20, scheduler: "linear_quadratic", denoise: 1, sampler_name: "euler" });
  assert.match(forecast(lonely).warning, /too weak to see/);
  // LAGS Guidance forecasts with the sampler it feeds; without one it says nothing.
  const guidance = g.add(4, "LAGSGuidance", {});
  assert.equal(forecast(guidance).warning, null);
  const ksampler = g.add(5, "KSampler", { steps: 1, scheduler: "karras", denoise: 1, sampler_name: "euler" });
  g.connect(guidance, ksampler, 0, "model");
  assert.match(forecast(guidance).warning, /no step of 1/);
});
