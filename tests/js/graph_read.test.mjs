import assert from "node:assert/strict";
import { test } from "node:test";
import { connectedSampler, DEFAULT_SAMPLER_SETTINGS, downstreamNodes, findNodeByExecutionId, inputValue, samplerSettings, scheduleSpec, widgetValue } from "../../web/lib/graph_read.js";
import { fakeGraph } from "./fake_graph.mjs";

const SAMPLER_WIDGETS = { seed: 1, steps: 12, cfg: 5, sampler_name: "dpm_2", scheduler: "beta", denoise: 0.8 };

test("a schedule node finds its sampler, also through reroutes", () => {
  const g = fakeGraph();
  const schedule = g.add(1, "LAGSScheduleAlpha", { c: 3 });
  const reroute = g.add(2, "Reroute");
  const sampler = g.add(3, "LAGSWeightedSampler", SAMPLER_WIDGETS);
  assert.equal(connectedSampler(schedule), null);
  g.connect(schedule, reroute);
  g.connect(reroute, sampler);
  assert.equal(connectedSampler(schedule), sampler);
  assert.deepEqual(downstreamNodes(schedule).map((n) => n.id), [3]);
});

test("getOutputNodes is used when the frontend has it", () => {
  const sampler = { type: "LAGSWeightedSampler" };
  const node = { getOutputNodes: (slot) => (slot === 0 ? [sampler] : null) };
  assert.equal(connectedSampler(node), sampler);
});

test("sampler settings come from its widgets, defaults fill the gaps", () => {
  const g = fakeGraph();
  assert.deepEqual(samplerSettings(g.add(3, "LAGSWeightedSampler", SAMPLER_WIDGETS)), { steps: 12, scheduler: "beta", denoise: 0.8, samplerName: "dpm_2" });
  assert.deepEqual(samplerSettings(g.add(4, "LAGSWeightedSampler", { steps: "lots" })), { ...DEFAULT_SAMPLER_SETTINGS });
  assert.deepEqual(samplerSettings(null), { ...DEFAULT_SAMPLER_SETTINGS });
});

test("schedule specs read the node's widgets by name", () => {
  const g = fakeGraph();
  assert.deepEqual(scheduleSpec(g.add(1, "LAGSScheduleAlpha", { c: 2.5 }), "alpha"), { kind: "alpha", c: 2.5 });
  assert.deepEqual(scheduleSpec(g.add(2, "LAGSScheduleConstant", { alpha: 0.4 }), "constant"), { kind: "constant", alpha: 0.4 });
  const gate = g.add(3, "LAGSScheduleHardGate", { mode: "sigma", c: 10, sigma_max: 1.5, fraction: 0.3 });
  assert.deepEqual(scheduleSpec(gate, "gate"), { kind: "gate", mode: "sigma", c: 10, sigma_max: 1.5, fraction: 0.3 });
  assert.equal(widgetValue({}, "c", 7), 7);
  assert.equal(widgetValue({ widgets: "broken" }, "c", 7), 7);
});

test("execution ids resolve top-level nodes and subgraph paths", () => {
  const outer = fakeGraph();
  const inner = fakeGraph();
  const sampler = inner.add(5, "LAGSWeightedSampler");
  const wrapper = outer.add(12, "subgraph-uuid");
  wrapper.subgraph = inner;
  const top = outer.add(5, "LAGSWeightedSampler");
  assert.equal(findNodeByExecutionId(outer, "5"), top);
  assert.equal(findNodeByExecutionId(outer, "12:5"), sampler);
  assert.equal(findNodeByExecutionId(outer, "12:99"), null);
  assert.equal(findNodeByExecutionId(outer, "5:1"), null);
  assert.equal(findNodeByExecutionId(null, "5"), null);
});

test("a widget fed by a primitive node takes the primitive's value", () => {
  const g = fakeGraph();
  const sampler = g.add(3, "LAGSWeightedSampler", SAMPLER_WIDGETS);
  const primitive = g.add(4, "PrimitiveInt", { value: 25 });
  const legacy = g.add(5, "PrimitiveNode", { scheduler: "karras" });
  sampler.inputs = [{ name: "steps", link: null }, { name: "scheduler", link: null }];
  assert.equal(inputValue(sampler, "steps"), 12);
  g.connect(primitive, sampler);
  sampler.inputs[0].link = primitive.outputs[0].links[0];
  g.connect(legacy, sampler);
  sampler.inputs[1].link = legacy.outputs[0].links[0];
  assert.deepEqual(samplerSettings(sampler), { steps: 25, scheduler: "karras", denoise: 0.8, samplerName: "dpm_2" });
  sampler.inputs[0].link = 999; // dangling link: fall back to the widget
  assert.equal(inputValue(sampler, "steps"), 12);
});

test("through LAGS Guidance the schedule follows the sampler that takes the guided model", () => {
  const g = fakeGraph();
  const schedule = g.add(1, "LAGSScheduleAlpha", { c: 3 });
  const guidance = g.add(2, "LAGSGuidance", { method: "lags" });
  const preview = g.add(3, "PreviewAny");
  const ksampler = g.add(4, "KSampler", { steps: 14, scheduler: "exponential", denoise: 1, sampler_name: "euler" });
  g.connect(schedule, guidance);
  assert.equal(connectedSampler(schedule), null);
  g.connect(guidance, preview);
  g.connect(guidance, ksampler);
  assert.equal(connectedSampler(schedule), ksampler);
  assert.equal(samplerSettings(connectedSampler(schedule)).scheduler, "exponential");
});
