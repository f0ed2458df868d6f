import assert from "node:assert/strict";
import { test } from "node:test";
import { scheduleInputs, scheduleView } from "../../web/lib/schedule_view.js";
import { samplerSigmas } from "../../web/lib/sigma_schedules.js";
import { fakeGraph, setWidget } from "./fake_graph.mjs";

test("unconnected: a 30-step karras SDXL schedule, and the drawing says so", () => {
  const g = fakeGraph();
  const view = scheduleView(scheduleInputs(g.add(1, "LAGSScheduleAlpha", { c: 10 }), "alpha"));
  assert.equal(view.steps.sigmas.length, 30);
  assert.deepEqual(view.steps.sigmas, samplerSigmas({ steps: 30, scheduler: "karras" }).sigmas.slice(0, 30));
  assert.equal(view.subtitle, "karras · 30 steps");
  assert.match(view.note, /not connected: a 30-step karras SDXL schedule/);
});

test("connected: the sampler's steps, scheduler and denoise; the signature follows widget edits", () => {
  const g = fakeGraph();
  const schedule = g.add(1, "LAGSScheduleHardGate", { mode: "fraction of steps", c: 10, sigma_max: 1, fraction: 0.5 });
  const sampler = g.add(2, "LAGSWeightedSampler", { steps: 20, scheduler: "normal", denoise: 1, sampler_name: "euler" });
  g.connect(schedule, sampler);
  const first = scheduleInputs(schedule, "gate");
  const view = scheduleView(first);
  assert.equal(view.note, null);
  assert.equal(view.steps.sigmas.length, 20);
  assert.equal(view.steps.guidedCount, 10);
  assert.equal(view.steps.isGate, true);

  setWidget(sampler, "steps", 8);
  const second = scheduleInputs(schedule, "gate");
  assert.notEqual(second.signature, first.signature);
  assert.equal(scheduleView(second).steps.guidedCount, 4);
  assert.equal(scheduleInputs(schedule, "gate").signature, second.signature);

  setWidget(sampler, "denoise", 0.5);
  assert.equal(scheduleView(scheduleInputs(schedule, "gate")).subtitle, "normal · 8 steps, denoise 0.5");
});

test("an unknown scheduler is drawn with karras, with a note", () => {
  const g = fakeGraph();
  const schedule = g.add(1, "LAGSScheduleAlpha", { c: 10 });
  g.connect(schedule, g.add(2, "LAGSWeightedSampler", { steps: 10, scheduler: "my_custom" }));
  const view = scheduleView(scheduleInputs(schedule, "alpha"));
  assert.match(view.note, /"my_custom" not known here: drawn with karras/);
  assert.equal(view.steps.sigmas.length, 10);
});

test("an invalid widget value gives an error view, not an exception", () => {
  const g = fakeGraph();
  const view = scheduleView(scheduleInputs(g.add(1, "LAGSScheduleConstant", { alpha: 3 }), "constant"));
  assert.equal(view.steps, null);
  assert.match(view.error, /alpha must be in \[0, 1\]/);
});

test("after a flow model's run, the chart shows that run's σ list with α at σ/(1−σ)", () => {
  const g = fakeGraph();
  const schedule = g.add(1, "LAGSScheduleAlpha", { c: 10 });
  const sampler = g.add(2, "LAGSWeightedSampler", { steps: 4, scheduler: "simple", denoise: 1, sampler_name: "euler" });
  g.connect(schedule, sampler);
  const sigmas = [1.0, 0.75, 0.5, 0.25];
  const level = (s) => (s >= 1 ? null : s / (1 - s));
  sampler.__lags = { trace: { points: sigmas.map((sigma, i) => ({ step: i + 1, sigma, level: level(sigma) })) } };
  const view = scheduleView(scheduleInputs(schedule, "alpha"));
  assert.match(view.note, /flow model: α sees σ\/\(1−σ\)/);
  assert.deepEqual(view.steps.sigmas, sigmas);
  assert.equal(view.steps.alphas[0], 0); // σ = 1: pure noise, never guided
  assert.equal(view.steps.guided[0], false);
  for (let i = 1; i < 4; i++) assert.ok(Math.abs(view.steps.alphas[i] - 1 / (1 + 10 * level(sigmas[i]) ** 4)) < 1e-12);
  assert.equal(view.steps.guided.filter(Boolean).length, 3); // σ = 0.75: s = 3, α = 1.2e-3, just above the skip
});

test("a VE model's trace leaves the live client-side schedule in charge", () => {
  const g = fakeGraph();
  const schedule = g.add(1, "LAGSScheduleAlpha", { c: 10 });
  const sampler = g.add(2, "LAGSWeightedSampler", { steps: 6, scheduler: "karras", denoise: 1, sampler_name: "euler" });
  g.connect(schedule, sampler);
  sampler.__lags = { trace: { points: [{ step: 1, sigma: 14.6, level: 14.6 }] } };
  const view = scheduleView(scheduleInputs(schedule, "alpha"));
  assert.equal(view.subtitle, "karras · 6 steps");
  assert.equal(view.steps.family, "VE");
});
