import assert from "node:assert/strict";
import { test } from "node:test";
import { scheduleSteps } from "../../web/lib/alpha_schedules.js";
import { PALETTE } from "../../web/lib/draw_common.js";
import { drawSchedule } from "../../web/lib/draw_schedule.js";
import { drawTrace, traceLine } from "../../web/lib/draw_trace.js";
import { samplerSigmas } from "../../web/lib/sigma_schedules.js";
import { addTracePoint, emptyTrace, parseTracePoint, traceTotals } from "../../web/lib/trace.js";
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

test("the trace chart draws the run so far, finite everywhere", () => {
  let trace = emptyTrace();
  for (let s = 1; s <= 4; s++) trace = addTracePoint(trace, point(s));
  const ctx = recordingContext();
  const out = drawTrace(ctx, 340, 100, trace);
  assert.deepEqual(out, { drawn: true, points: 4, lastStep: 4, steps: 6 });
  assert.ok(allFinite(ctx));
  assert.ok(texts(ctx).includes("log w") && texts(ctx).includes("‖g‖") && texts(ctx).includes("α"));
  // Latest values at the right of each strip.
  assert.ok(texts(ctx).includes("−2.2"));
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

test("the text line carries the final numbers", () => {
  let trace = emptyTrace();
  for (let s = 1; s <= 6; s++) trace = addTracePoint(trace, point(s, s === 5 ? { guarded: 2 } : {}));
  const line = traceLine(trace, traceTotals(trace));
  assert.equal(line, "step 6/6 · σ 1.67 · α 1 · log w −1.8 · ‖g‖ 0.0833 · guided 4/6 · guarded 2");
  assert.equal(traceLine(emptyTrace(), traceTotals(emptyTrace())), "no LAGS trace yet");
});
