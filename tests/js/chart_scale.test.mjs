import assert from "node:assert/strict";
import { test } from "node:test";
import { columnAt, columnCenter, finiteExtent, formatNumber, indexRanges, linearScale, logScale, plotArea, seriesDomain } from "../../web/lib/chart_scale.js";

test("extent skips nulls, NaN, infinities (and non-positive values on request)", () => {
  assert.deepEqual(finiteExtent([3, null, NaN, -2, Infinity, 7]), [-2, 7]);
  assert.deepEqual(finiteExtent([0, -1, 4, 2], { positiveOnly: true }), [2, 4]);
  assert.equal(finiteExtent([null, NaN]), null);
  assert.equal(finiteExtent([]), null);
});

test("series domains pad and never collapse", () => {
  assert.deepEqual(seriesDomain([0, 10]), [-0.8, 10.8]);
  assert.deepEqual(seriesDomain([5, 5]), [4.5, 5.5]);
  assert.deepEqual(seriesDomain([0, 0]), [-1, 1]);
  assert.equal(seriesDomain([null]), null);
});

test("linear and log scales map ends to ends", () => {
  const y = linearScale([0, 1], [100, 0]);
  assert.equal(y(0), 100);
  assert.equal(y(1), 0);
  assert.equal(y(0.25), 75);
  assert.equal(linearScale([2, 2], [0, 10])(2), 5);
  const s = logScale([0.01, 100], [0, 40]);
  assert.ok(Math.abs(s(1) - 20) < 1e-12);
  assert.ok(Math.abs(s(100) - 40) < 1e-12);
});

test("columns: one per step, centres and hit-testing agree", () => {
  assert.equal(columnCenter(0, 4, 0, 100), 12.5);
  assert.equal(columnCenter(3, 4, 0, 100), 87.5);
  for (let i = 0; i < 4; i++) assert.equal(columnAt(columnCenter(i, 4, 10, 90), 4, 10, 90), i);
  assert.equal(columnAt(-50, 4, 0, 100), 0);
  assert.equal(columnAt(500, 4, 0, 100), 3);
});

test("numbers print compactly", () => {
  assert.deepEqual(
    [0, 1, 14.6146, 0.0291671, 0.00123, -1.2345, 123456, null, NaN, Infinity].map(formatNumber),
    ["0", "1", "14.6", "0.0292", "1.23e-3", "−1.23", "1.23e5", "–", "–", "∞"],
  );
});

test("plot areas keep room for labels but never invert", () => {
  assert.deepEqual(plotArea(300, 100), { x0: 30, y0: 18, x1: 292, y1: 84 });
  const tiny = plotArea(10, 10);
  assert.ok(tiny.x1 > tiny.x0 && tiny.y1 > tiny.y0);
});

test("index ranges are 1-based and merged", () => {
  assert.equal(indexRanges([true, true, true, false, true, false]), "1–3, 5");
  assert.equal(indexRanges([false, false]), "");
  assert.equal(indexRanges([false, true, true]), "2–3");
  assert.equal(indexRanges([true]), "1");
});
