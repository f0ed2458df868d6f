// A trace node's latest run: clearing, ending, particles, storage, and the words around the chart.
import assert from "node:assert/strict";
import { test } from "node:test";
import { addParticlesPoint, parseParticlesPoint, particleCount } from "../../web/lib/particles.js";
import { emptyRecord, finishedRecord, parseRecord, reached, serializeRecord, startedRecord, withParticlesPoint, withTracePoint } from "../../web/lib/run_record.js";
import { parseTracePoint } from "../../web/lib/trace.js";
import { LEGEND, footerItems, runBanner, stepReadout } from "../../web/lib/trace_text.js";
import { MAX_STORED, loadRecord, saveRecord, storeKey } from "../../web/lib/trace_store.js";

const point = (step, steps = 3, extra = {}) => {
  const p = parseTracePoint({ node: "5", step, steps, sigma: 3 / step, alpha: step / steps, log_w: -1 + step / 10, grad_norm: 2, guided: step > 1, guarded: 0 });
  return { ...p, displacement: step > 1 ? 0.03 : null, ...extra };
};
const ess = (step, extra = {}) => parseParticlesPoint({ node: "5", step, steps: 3, ess: 4 - step, particles: 4, resampled: false, zero_weight: 0, ...extra });
const run = (steps = 3) => [1, 2, 3].slice(0, steps).reduce((r, s) => withTracePoint(r, point(s)), startedRecord());

function memoryStorage() {
  const map = new Map();
  return {
    get length() { return map.size; },
    key: (i) => [...map.keys()][i],
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
  };
}

test("particle messages: validated; missing or malformed fields are dropped or defaulted", () => {
  assert.deepEqual(ess(2), { node: "5", step: 2, steps: 3, ess: 2, particles: 4, resampled: false, zeroWeight: 0 });
  assert.deepEqual(parseParticlesPoint({ node: 5, step: 2, ess: 1.5 }), { node: "5", step: 2, steps: null, ess: 1.5, particles: null, resampled: false, zeroWeight: 0 });
  assert.equal(parseParticlesPoint({ node: "5", step: 2, ess: 1, resampled: "yes", zero_weight: -3 }).resampled, false);
  for (const bad of [null, 7, {}, { node: "5", step: 1 }, { node: "5", ess: 1 }, { step: 1, ess: 1 }, { node: "5", step: 0, ess: 1 }, { node: "5", step: 1.5, ess: 1 }, { node: "5", step: 1, ess: NaN }, { node: "5", step: 1, ess: -1 }]) {
    assert.equal(parseParticlesPoint(bad), null, JSON.stringify(bad));
  }
  let points = [ess(1), ess(2)].reduce(addParticlesPoint, []);
  points = addParticlesPoint(points, ess(2, { ess: 3.5 }));
  assert.deepEqual(points.map((p) => p.ess), [3, 3.5], "the latest message of a step wins");
  assert.deepEqual(addParticlesPoint(points, ess(1)).map((p) => p.step), [1], "step 1 again: a new run");
  assert.equal(particleCount(points), 4);
  assert.equal(particleCount([parseParticlesPoint({ node: "5", step: 1, ess: 2.5 })]), 2.5, "no K sent: the largest ESS");
});

test("a run starts clean, ends done / interrupted / failed, and only a running one changes", () => {
  assert.equal(emptyRecord().status, "idle");
  const done = finishedRecord(run(), "done");
  assert.equal(done.status, "done");
  assert.equal(finishedRecord(done, "interrupted"), done, "an ended run stays ended");
  const failed = finishedRecord(run(1), "failed", "CUDA out of memory");
  assert.deepEqual([failed.status, failed.error], ["failed", "CUDA out of memory"]);
  assert.deepEqual(reached(failed), { step: 1, steps: 3 });
  assert.deepEqual(startedRecord(), { ...emptyRecord(), status: "running" });
  // Particles join the run; a restart of the steps clears them.
  let record = withParticlesPoint(run(2), ess(2));
  assert.equal(record.ess.length, 1);
  record = withTracePoint(record, point(1), { newRun: true });
  assert.deepEqual([record.trace.points.length, record.ess.length], [1, 0]);
});

test("records survive storage; damaged or foreign text is refused; a run cut off by a reload is marked", () => {
  const done = withParticlesPoint(finishedRecord(run(), "done"), ess(3));
  const back = parseRecord(serializeRecord(done));
  assert.deepEqual(back, { trace: done.trace, ess: done.ess, status: "done", error: null });
  for (const bad of ["", "{", "null", "[]", JSON.stringify({ v: 99 }), JSON.stringify({ v: 1, trace: { points: [{ step: "x" }] }, ess: [] })]) {
    assert.equal(parseRecord(bad), null, bad);
  }
  const cut = parseRecord(serializeRecord(run(2)));
  assert.deepEqual([cut.status, cut.error], ["interrupted", "the page was reloaded while it ran"]);

  const storage = memoryStorage();
  const key = storeKey("graph-1", "5");
  assert.equal(storeKey(undefined, "5"), null);
  assert.ok(saveRecord(storage, key, done));
  assert.deepEqual(loadRecord(storage, key).trace, done.trace);
  assert.equal(loadRecord(storage, storeKey("graph-2", "5")), null);
  assert.equal(loadRecord(null, key), null);
  assert.equal(saveRecord({ setItem() { throw new Error("quota"); } }, key, done), false, "a full storage is not fatal");
  for (let i = 0; i < MAX_STORED + 5; i++) saveRecord(storage, storeKey("g", i), done);
  assert.equal(storage.length, MAX_STORED, "old entries are dropped");
});

test("the footer: whole items with the effect, the verdict and the particles", () => {
  const items = footerItems(withParticlesPoint(finishedRecord(run(), "done"), ess(3)));
  const text = items.map((i) => i.text);
  assert.deepEqual(text.slice(0, 3), ["step 3/3 · σ 1 · α 1", "log w −0.7 · ‖g‖ 2", "guided 2/3"]);
  assert.ok(text.includes("change by guidance: up to 3.0 % per step") && text.includes("last guided step 3.0 %"));
  assert.ok(text.includes("reward +0.1 (first → last guided step)"));
  assert.ok(items.filter((i) => !i.wrap).every((i) => i.text.length <= 45), "short items fit a node's line whole");
  assert.ok(text.includes("ESS 1 of 4 particles"));
  assert.deepEqual(items.at(-1), { text: "✓ visible, not destructive", level: "good" });
  const weak = footerItems(finishedRecord([1, 2].reduce((r, s) => withTracePoint(r, point(s, 2, { displacement: s > 1 ? 0.001 : null })), startedRecord()), "done"));
  assert.match(weak.at(-1).text, /^⚠ too weak to see: guidance changed the picture by at most 0.10 % per step/);
  assert.deepEqual([weak.at(-1).level, weak.at(-1).wrap], ["warn", true]);
  const noSteps = footerItems(finishedRecord(startedRecord(), "done"));
  assert.match(noSteps[0].text, /sampled no steps/);
  assert.match(footerItems(emptyRecord())[0].text, /no run yet/);
  // While running there is no verdict yet.
  assert.ok(!footerItems(run(2)).some((i) => i.text.startsWith("⚠") || i.text.startsWith("✓")));
});

test("banners for interrupted and failed runs; the readout of one step in words; the legend", () => {
  assert.equal(runBanner(finishedRecord(run(2), "interrupted")), "Interrupted at step 2/3: the numbers are partial.");
  assert.equal(runBanner(finishedRecord(run(1), "failed", "boom")), "Failed at step 1/3: boom");
  assert.equal(runBanner(finishedRecord(run(), "done")), null);
  const record = withParticlesPoint(run(), ess(2, { resampled: true, zero_weight: 1 }));
  assert.equal(stepReadout(record, 2), "step 2/3 · σ 1.5 · strength α 0.667 · reward log w −0.8 · push ‖g‖ 2 · changed the picture by 3.0 % · ESS 2 of 4, resampled, 1 at zero weight");
  assert.equal(stepReadout(record, 1), "step 1/3 · σ 3 · strength α 0.333 · not guided (α too small)");
  assert.equal(stepReadout(record, 9), "step 9: no data");
  assert.deepEqual(LEGEND.map(([name]) => name), ["reward", "push", "α", "ESS"]);
  assert.ok(LEGEND.every(([, words]) => words.length > 20));
});
