import assert from "node:assert/strict";
import { test } from "node:test";
import { addTracePoint, emptyTrace, parseTracePoint, traceTotals } from "../../web/lib/trace.js";

const msg = (step, extra = {}) => ({
  node: "7", step, steps: 4, sigma: 14 / step, alpha: step / 4, log_w: -step, grad_norm: 0.1 * step, guided: step > 1, guarded: 0, ...extra,
});
const run = (steps, options) => steps.reduce((t, s) => addTracePoint(t, parseTracePoint(msg(s)), options), emptyTrace());

test("messages are validated and normalised", () => {
  const p = parseTracePoint(msg(2, { node: 7, log_w: null, grad_norm: NaN }));
  assert.deepEqual(p, { node: "7", step: 2, steps: 4, sigma: 7, level: null, alpha: 0.5, logW: null, gradNorm: null, guided: true, guarded: 0, probed: false, probeKnown: false, probeGap: null });
  assert.equal(parseTracePoint(msg(2, { level: 0.25 })).level, 0.25);
  const probed = parseTracePoint(msg(2, { probed: true, probe_gap: 0.3 }));
  assert.equal(probed.probed, true);
  assert.equal(probed.probeGap, 0.3);
  for (const bad of [null, "x", {}, msg(0), msg(1.5), { ...msg(1), node: undefined }, { ...msg(1), steps: 0 }]) {
    assert.equal(parseTracePoint(bad), null);
  }
});

test("a run accumulates; the final numbers stay after it ends", () => {
  const t = run([1, 2, 3, 4]);
  assert.deepEqual(t.points.map((p) => p.step), [1, 2, 3, 4]);
  const totals = traceTotals(t);
  assert.equal(totals.done, true);
  assert.equal(totals.last.logW, -4);
  assert.equal(totals.guidedSteps, 3);
  assert.equal(t.runs, 1);
});

test("a new run replaces the old one", () => {
  let t = run([1, 2, 3, 4]);
  t = addTracePoint(t, parseTracePoint(msg(1)));
  assert.deepEqual(t.points.map((p) => p.step), [1]);
  assert.equal(t.runs, 2);
  t = addTracePoint(run([1, 2]), parseTracePoint(msg(2)), { newRun: true });
  assert.deepEqual(t.points.map((p) => p.step), [2]);
  t = addTracePoint(run([1, 2, 3]), parseTracePoint({ ...msg(1), steps: 9 }));
  assert.equal(t.steps, 9);
  assert.equal(t.points.length, 1);
});

test("repeated steps (two model calls per step) keep the latest", () => {
  let t = run([1, 2, 3]);
  t = addTracePoint(t, parseTracePoint(msg(2, { log_w: 5 })));
  assert.deepEqual(t.points.map((p) => [p.step, p.logW]), [[1, -1], [2, 5], [3, -3]]);
  assert.equal(t.runs, 1);
});

test("guarded steps are counted", () => {
  const t = [1, 2, 3].reduce((acc, s) => addTracePoint(acc, parseTracePoint(msg(s, { guarded: s === 2 ? 1 : 0 }))), emptyTrace());
  assert.equal(traceTotals(t).guarded, 1);
  assert.equal(traceTotals(emptyTrace()).last, null);
});
