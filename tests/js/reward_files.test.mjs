// Missing reward files: the request the web extension sends, and the notice on the node.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { combinedNotice, estimateHeight, setNotice } from "../../web/lib/node_notice.js";
import { FILE_INPUTS, problemText, rewardFileRequest } from "../../web/lib/reward_files.js";
import { installFakeDom } from "./fake_dom.mjs";

test("the file inputs are the server's (nodes/reward_files_route.py)", () => {
  const python = readFileSync(new URL("../../nodes/reward_files_route.py", import.meta.url), "utf8");
  for (const [type, inputs] of Object.entries(FILE_INPUTS)) {
    for (const name of inputs) assert.match(python, new RegExp(`"${type}": \\{[^}]*"${name}"`), `${type}.${name}`);
  }
});

test("only reward nodes with files are asked about, with their widget values", () => {
  const nodes = [
    { id: 3, type: "LAGSPickScoreReward", widgets: [{ name: "model", value: "PickScore_v1" }, { name: "prompt", value: "a cat" }] },
    { id: 4, type: "LAGSAestheticReward", widgets: [{ name: "clip_checkpoint", value: "clip.safetensors" }] },
    { id: 5, type: "LAGSColourReward", widgets: [{ name: "colour", value: "#f00" }] },
  ];
  assert.deepEqual(rewardFileRequest(nodes), {
    nodes: [
      { id: "3", type: "LAGSPickScoreReward", values: { model: "PickScore_v1" } },
      { id: "4", type: "LAGSAestheticReward", values: { clip_checkpoint: "clip.safetensors", head: "" } },
    ],
  });
  assert.equal(rewardFileRequest([nodes[2]]), null);
  assert.equal(problemText([]), null);
  assert.equal(problemText([{ input: "model", message: "PickScore model: 'x' was not found." }]), "⚠ model: PickScore model: 'x' was not found.");
});

test("notices by source: shown together, cleared one by one, on the node", () => {
  const restore = installFakeDom();
  try {
    const widgets = [];
    const node = {
      size: [300, 100],
      widgets,
      addDOMWidget(name, type, element, options) {
        const widget = { name, type, element, options };
        widgets.push(widget);
        return widget;
      },
      computeSize: () => [300, 180],
      setSize(size) {
        this.size = size;
      },
    };
    const element = setNotice(node, "files", "⚠ model: missing", "error");
    assert.equal(widgets.length, 1);
    assert.equal(widgets[0].options.serialize, false);
    assert.equal(element.textContent, "⚠ model: missing");
    assert.equal(element.dataset.level, "error");
    assert.deepEqual(node.size, [300, 180], "the node grew to show it");
    setNotice(node, "range", "⚠ c must be from 0 to 10");
    assert.equal(element.textContent, "⚠ model: missing\n⚠ c must be from 0 to 10");
    setNotice(node, "files", null);
    assert.equal(element.textContent, "⚠ c must be from 0 to 10");
    assert.equal(element.dataset.level, "warn");
    setNotice(node, "range", null);
    assert.equal(element.style.display, "none");
    assert.equal(widgets[0].options.getMinHeight(), 0);
    assert.equal(widgets.length, 1, "one widget, reused");
    assert.equal(combinedNotice({}), null);
    assert.ok(estimateHeight("x".repeat(200), 300) > estimateHeight("x", 300));
  } finally {
    restore();
  }
});
