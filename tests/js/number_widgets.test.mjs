// Number widgets: real decimals shown, typed values outside the range refused with a message
// (never clamped), advanced inputs hidden until "Show Advanced".
import assert from "node:assert/strict";
import { test } from "node:test";
import { decimalsOf, displayText, enhanceWidget, parseTyped, rangeProblem, syncAdvanced } from "../../web/lib/number_widgets.js";

/** Like the frontend's NumberWidget: onClick opens canvas.prompt, whose callback clamps into the range. */
class FakeNumberWidget {
  constructor(name, value, options) {
    Object.assign(this, { type: "number", name, value, options });
  }
  get _displayValue() {
    return Number(this.value).toFixed(this.options.precision ?? 3);
  }
  setValue(v) {
    this.value = Math.min(Math.max(v, this.options.min), this.options.max);
  }
  onClick({ canvas }) {
    canvas.prompt("Value", this.value, (typed) => this.setValue(Number(typed)));
  }
}
const canvasTyping = (text) => ({ prompt(title, value, callback) { callback(text); } });

test("decimals, display without trailing zeros, typed arithmetic", () => {
  assert.deepEqual([decimalsOf(0.0001), decimalsOf(0.001), decimalsOf(0.5), decimalsOf(1), decimalsOf(undefined)], [4, 3, 1, 0, 0]);
  assert.deepEqual([displayText(0.0001, 4), displayText(10, 4), displayText(3.5, 3), displayText(0.05, 2)], ["0.0001", "10", "3.5", "0.05"]);
  assert.deepEqual([parseTyped("0"), parseTyped(" -5 "), parseTyped("1e9"), parseTyped("2*3"), parseTyped("x"), parseTyped("")], [0, -5, 1e9, 6, null, null]);
  assert.equal(rangeProblem("epsilon", 0.05, { min: 0.0001, max: 10 }), null);
  assert.match(rangeProblem("epsilon", 0, { min: 0.0001, max: 10 }), /^epsilon must be from 0.0001 to 10; 0 was not accepted/);
  assert.match(rangeProblem("c", Infinity, { min: 0 }), /c must be at least 0/);
});

test("the value shows the decimals it really has (ε = 0.0001 is not '0.00')", () => {
  const epsilon = new FakeNumberWidget("epsilon", 0.0001, { min: 0.0001, max: 10, round: 0.0001, precision: 2 });
  assert.equal(epsilon._displayValue, "0.00", "the frontend's own display");
  enhanceWidget(epsilon);
  assert.equal(epsilon.options.precision, 4);
  assert.equal(epsilon._displayValue, "0.0001");
  epsilon.value = 0.05;
  assert.equal(epsilon._displayValue, "0.05");
  const c = new FakeNumberWidget("c", 12.3456, { min: 0, max: 1e6, round: 0.0001, precision: 1 });
  enhanceWidget(c);
  assert.equal(c._displayValue, "12.3456");
});

test("a typed value outside the range is refused with a message and the old value stays", () => {
  const rejected = [];
  const accepted = [];
  const widget = new FakeNumberWidget("c", 10, { min: 0, max: 1e6, round: 0.0001 });
  enhanceWidget(widget, { onReject: (w, message) => rejected.push(message), onAccept: (w) => accepted.push(w.name) });
  const canvas = canvasTyping("-5");
  widget.onClick({ canvas });
  assert.equal(widget.value, 10, "not clamped to 0");
  assert.deepEqual(rejected, ["c must be from 0 to 1000000; -5 was not accepted (the value stays 10)."]);
  assert.ok(!Object.hasOwn(canvas, "prompt") || canvas.prompt.name === "prompt", "the canvas's prompt is restored");
  widget.onClick({ canvas: canvasTyping("25") });
  assert.equal(widget.value, 25);
  assert.deepEqual(accepted, ["c"]);
  const strength = new FakeNumberWidget("strength", 3.5, { min: 0, max: 1000, round: 0.001 });
  enhanceWidget(strength, { onReject: (w, message) => rejected.push(message) });
  strength.onClick({ canvas: canvasTyping("1e9") });
  assert.equal(strength.value, 3.5);
  assert.match(rejected.at(-1), /strength must be from 0 to 1000; 1000000000 was not accepted/);
});

test("advanced inputs are hidden until Show Advanced; enhancing twice changes nothing", () => {
  const method = { type: "combo", name: "method", value: "lags", options: { advanced: true, values: ["lags"] } };
  assert.equal(enhanceWidget(method), true);
  assert.equal(method.advanced, true);
  assert.equal(enhanceWidget(method), false);
  const plain = { type: "combo", name: "decoder", value: "vae", options: {} };
  enhanceWidget(plain);
  assert.equal(plain.advanced, undefined);
});

test("hidden advanced widgets take no room (hidden) until Show Advanced, then come back", () => {
  const node = { showAdvanced: false, widgets: [{ name: "steps" }, { name: "method", advanced: true }, { name: "epsilon", advanced: true }] };
  assert.equal(syncAdvanced(node), true);
  assert.deepEqual(node.widgets.map((w) => Boolean(w.hidden)), [false, true, true]);
  assert.equal(syncAdvanced(node), false, "nothing to change");
  node.showAdvanced = true;
  assert.equal(syncAdvanced(node), true);
  assert.deepEqual(node.widgets.map((w) => Boolean(w.hidden)), [false, false, false]);
  assert.equal(syncAdvanced(null), false);
});
