import assert from "node:assert/strict";
import { test } from "node:test";
import { scheduleSteps } from "../../web/lib/alpha_schedules.js";
import { PALETTE } from "../../web/lib/draw_common.js";
import { drawSchedule } from "../../web/lib/draw_schedule.js";
import { drawTrace, stepAt } from "../../web/lib/draw_trace.js";
import { finishedRecord, startedRecord, withParticlesPoint, withTracePoint } from "../../web/lib/run_record.js";
import { parseParticlesPoint } from "../../web/lib/particles.js";
import { samplerSigmas } from "../../web/lib/sigma_schedules.js";
import { addTracePoint, emptyTrace, parseTracePoint } from "../../web/lib/trace.js";
import { allFinite, recordingContext, texts } from "./recording_context.mjs";

const { sigmas } = samplerSigmas({ steps: 30, scheduler: "karras" });
const view = (spec, extra = {}) => ({ title: "t", subtitle: "s", steps: scheduleSteps(spec, sigmas), note: null, error: null, ...extra });

test("the schedule chart draws one dot per step and names the skipped ones", () => {
  const ctx = recordingContext();
  const out = drawSchedule(ctx, 320, 130, view({ kind: "alpha", c: 10 }));
  const expected = scheduleSteps({ kind: "alpha", c: 10 }, sigmas);
  assert.equal(out.drawn, true);
  assert.equal(out.steps, 30);
  assert.equal(out.guided, expected.guidedCount);
  assert.equal(ctx.calls.filter((c) => c.name === "arc").length, 30);
  assert.ok(texts(ctx).includes(out.summary));
  assert.match(out.summary, /^guided \d+\/30 · skipped 1–\d+$/);
  assert.ok(allFinite(ctx));
});

test("a hard gate is drawn as a staircase: two vertices per step", () => {
  const ctx = recordingContext();
  drawSchedule(ctx, 320, 130, view({ kind: "gate", mode: "c", c: 10 }));
  const alphaStrokes = ctx.calls.filter((c) => (c.name === "lineTo" || c.name === "moveTo") && c.style.strokeStyle === PALETTE.alpha);
  assert.equal(alphaStrokes.length, 60);
  const ys = new Set(alphaStrokes.map((c) => c.args[1]));
  assert.equal(ys.size, 2, "only the α = 0 and α = 1 levels");
});

test("skipped steps are shaded, guided ones not", () => {
  const ctx = recordingContext();
  const steps = scheduleSteps({ kind: "gate", mode: "fraction of steps", fraction: 0.2 }, sigmas);
  drawSchedule(ctx, 320, 130, view({ kind: "gate", mode: "fraction of steps", fraction: 0.2 }));
  const shaded = ctx.calls.filter((c) => c.name === "fillRect" && c.style.fillStyle === PALETTE.skipped);
  assert.equal(shaded.length, 30 - steps.guidedCount);
  assert.equal(steps.guidedCount, 6);
});

test("errors and notes are written instead of a chart", () => {
  const ctx = recordingContext();
  const failed = { title: "α schedule", subtitle: "", steps: null, error: "c must be a number ≥ 0", note: 'scheduler "x" not known here' };
  const out = drawSchedule(ctx, 200, 100, failed);
  assert.equal(out.drawn, false);
  assert.ok(texts(ctx).includes("c must be a number ≥ 0"));
  assert.ok(texts(ctx).some((t) => t.includes("not known here")));
});

const point = (step, extra = {}) =>
  parseTracePoint({ node: "3", step, steps: 6, sigma: 10 / step, alpha: step / 6, log_w: step > 2 ? -3 + step * 0.2 : null, grad_norm: step > 2 ? 0.5 / step : 0, guided: step > 2, guarded: 0, ...extra });

test("the trace chart draws the run so far, finite everywhere, with its strips named in words", () => {
  let trace = emptyTrace();
  for (let s = 1; s <= 4; s++) trace = addTracePoint(trace, point(s));
  const ctx = recordingContext();
  const out = drawTrace(ctx, 340, 100, trace);
  assert.deepEqual(out, { drawn: true, points: 4, lastStep: 4, steps: 6 });
  assert.ok(allFinite(ctx));
  assert.ok(texts(ctx).includes("reward") && texts(ctx).includes("push") && texts(ctx).includes("α"));
  // Latest values at the right of each strip.
  assert.ok(texts(ctx).includes("−2.2"));
  assert.ok(ctx.calls.filter((c) => c.name === "fillText").every((c) => c.style.font === "13px sans-serif"), "readable text");
});

test("guarded steps are marked red; an empty trace says what will appear", () => {
  let trace = addTracePoint(emptyTrace(), point(1));
  trace = addTracePoint(trace, point(3, { guarded: 1 }));
  const ctx = recordingContext();
  drawTrace(ctx, 340, 100, trace);
  assert.equal(ctx.calls.filter((c) => c.name === "fillRect" && c.style.fillStyle === PALETTE.guarded).length, 1);
  const empty = recordingContext();
  assert.equal(drawTrace(empty, 340, 100, emptyTrace()).drawn, false);
  assert.match(texts(empty).join(" "), /appears while sampling/);
});

test("no guided step at all still draws (flat, null series)", () => {
  let trace = emptyTrace();
  for (let s = 1; s <= 2; s++) trace = addTracePoint(trace, point(s));
  const ctx = recordingContext();
  assert.equal(drawTrace(ctx, 340, 100, trace).drawn, true);
  assert.ok(allFinite(ctx));
});

test("a run that sampled no steps says so instead of keeping old numbers", () => {
  const ctx = recordingContext();
  const out = drawTrace(ctx, 340, 100, finishedRecord(startedRecord(), "done"));
  assert.deepEqual(out, { drawn: false, points: 0, status: "done" });
  assert.deepEqual(drawTrace(recordingContext(), 340, 100, emptyTrace()), { drawn: false, points: 0 });
  assert.match(texts(ctx).join(" "), /sampled no steps/);
  const running = recordingContext();
  drawTrace(running, 340, 100, startedRecord());
  assert.match(texts(running).join(" "), /running/);
});

test("an interrupted run hatches the steps it never reached and says so", () => {
  let record = startedRecord();
  for (let s = 1; s <= 2; s++) record = withTracePoint(record, point(s));
  record = finishedRecord(record, "interrupted");
  const ctx = recordingContext();
  const out = drawTrace(ctx, 340, 100, record);
  assert.equal(out.status, "interrupted");
  const hatched = ctx.calls.filter((c) => c.name === "fillRect" && c.style.fillStyle === PALETTE.unreached);
  assert.equal(hatched.length, 1);
  const [x, , w] = hatched[0].args;
  const area = { x0: 54, x1: 340 - 52 };
  assert.ok(Math.abs(x - (area.x0 + (2 / 6) * (area.x1 - area.x0))) < 1e-9 && Math.abs(x + w - area.x1) < 1e-9, "steps 3-6");
  assert.ok(texts(ctx).includes("interrupted"));
});

test("particle runs get an ESS strip scaled 0..K, resampled steps as rings", () => {
  let record = startedRecord();
  for (let s = 1; s <= 3; s++) {
    record = withTracePoint(record, point(s));
    record = withParticlesPoint(record, parseParticlesPoint({ node: "3", step: s, steps: 6, ess: 4 - s, particles: 4, resampled: s === 3, zero_weight: 0 }));
  }
  const ctx = recordingContext();
  const out = drawTrace(ctx, 340, 120, record);
  assert.deepEqual(out.strips, ["reward", "push", "α", "ESS"]);
  assert.equal(out.particles, 4);
  assert.ok(texts(ctx).includes("1/4"), "latest ESS of K");
  const essDots = ctx.calls.filter((c) => c.name === "arc" && (c.style.fillStyle === PALETTE.ess || c.style.strokeStyle === PALETTE.ess));
  assert.ok(essDots.length >= 3);
  // ESS 3 of 4 sits at 3/4 of its strip's height (0 at the bottom, K at the top).
  const strip = { y0: 6 + 3 * ((120 - 12) / 4), y1: 6 + 4 * ((120 - 12) / 4) };
  const arcs = ctx.calls.filter((c) => c.name === "arc" && c.args[1] > strip.y0 && c.args[1] < strip.y1);
  const yOf3 = strip.y1 - 3 - (3 / 4) * (strip.y1 - strip.y0 - 6);
  assert.ok(arcs.some((c) => Math.abs(c.args[1] - yOf3) < 1e-9), "ESS 3 at 3/4 of the strip");
});

test("the hovered step is highlighted and found from the pointer", () => {
  let trace = emptyTrace();
  for (let s = 1; s <= 6; s++) trace = addTracePoint(trace, point(s));
  const ctx = recordingContext();
  const out = drawTrace(ctx, 340, 100, trace, { hoverStep: 2 });
  assert.equal(out.hoverStep, 2);
  assert.equal(ctx.calls.filter((c) => c.name === "fillRect" && c.style.fillStyle === PALETTE.hover).length, 1);
  const column = (340 - 54 - 52) / 6;
  assert.equal(stepAt(54 + 1.5 * column, 340, 100, trace), 2);
  assert.equal(stepAt(10, 340, 100, trace), null, "over the labels");
});

test("the push strip rings the guided steps that skipped the probe; the footer and readout say so", async () => {
  const { footerItems, stepReadout } = await import("../../web/lib/trace_text.js");
  let record = startedRecord();
  for (let s = 1; s <= 4; s++) record = withTracePoint(record, point(s, { probed: s < 3 }));
  const rings = (rec) => {
    const ctx = recordingContext();
    drawTrace(ctx, 340, 100, rec);
    // a ring is an arc that is stroked, not filled
    return ctx.calls.filter((c, i) => c.name === "stroke" && ctx.calls[i - 1]?.name === "arc"
      && c.style.strokeStyle === PALETTE.gradNorm).length;
  };
  assert.equal(rings(finishedRecord(record, "done")), 2); // steps 3 and 4: guided without a probe
  const footer = footerItems(finishedRecord(record, "done")).map((i) => i.text);
  assert.ok(footer.some((t) => /^probed \d+\/\d+ guided$/.test(t)), footer.join(" | "));
  assert.match(stepReadout(record, 4), /no extra model call/);
  // An older server (no probe field) draws no rings and says nothing about it.
  let old = startedRecord();
  for (let s = 1; s <= 4; s++) old = withTracePoint(old, point(s));
  assert.equal(rings(old), 0);
});
