// The shipped workflows in the real ComfyUI frontend (headless Chromium, test-only).
//
// For every example_workflows/*.json: the frontend loads it with every node type known, its
// graphToPrompt() (what "Queue" sends) equals tests/workflow_convert.py's prompt, and
// the file the frontend would save back still passes tests/workflow_check.py.
// Needs COMFYUI_PATH and a Chromium (CHROMIUM_PATH, default /usr/bin/chromium);
// skipped otherwise.
//
//   cd tests/e2e && COMFYUI_PATH=/path/to/ComfyUI node --test workflows_frontend.test.mjs

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { REPO, startComfy } from "./comfy_server.mjs";

const COMFYUI_PATH = process.env.COMFYUI_PATH;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PYTHON = process.env.PYTHON ?? "python3";
const SKIP = !COMFYUI_PATH ? "COMFYUI_PATH is not set" : !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}` : false;
const WORKFLOWS = join(REPO, "example_workflows");
const FILES = readdirSync(WORKFLOWS).filter((f) => f.endsWith(".json")).sort();

const SPECS = JSON.parse(readFileSync(join(REPO, "tests", "node_specs.json"), "utf8")).nodes;

// The server reads only the inputs a node declares; the frontend also sends the values of
// its own display widgets (e.g. Preview as Text's `preview` / `previewMode`). Compare
// what the server sees.
function declaredInputsOnly(prompt) {
  return Object.fromEntries(Object.entries(prompt).map(([id, node]) => {
    const declared = new Set((SPECS[node.class_type]?.inputs ?? []).map((i) => i.name));
    const inputs = SPECS[node.class_type]
      ? Object.fromEntries(Object.entries(node.inputs).filter(([name]) => declared.has(name)))
      : node.inputs;
    return [id, { ...node, inputs }];
  }));
}

function python(args) {
  const run = spawnSync(PYTHON, args, { cwd: REPO, encoding: "utf8" });
  return { code: run.status, out: run.stdout + run.stderr };
}

let comfy, browser, page;
const pageErrors = [];

before(async () => {
  if (SKIP) return;
  const { chromium } = await import("playwright-core");
  comfy = await startComfy({
    comfyuiPath: COMFYUI_PATH,
    packs: { "comfyui-lags": REPO },
    settings: { "Comfy.TutorialCompleted": true },
    python: PYTHON,
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  page = await browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.goto(comfy.url);
  await page.waitForFunction(() => window.app?.graph && window.LiteGraph?.registered_node_types?.LAGSWeightedSampler,
    null, { timeout: 120_000 });
});

after(async () => {
  await browser?.close();
  await comfy?.cleanUp();
});

for (const file of FILES) {
  test(`${file}: the frontend loads it, queues our converter's prompt and saves a valid file`, { skip: SKIP }, async () => {
    const workflow = JSON.parse(readFileSync(join(WORKFLOWS, file), "utf8"));
    const errorsBefore = pageErrors.length;
    const result = await page.evaluate(async (workflow) => {
      await window.app.loadGraphData(workflow);
      const unknown = window.app.graph.nodes.map((n) => n.type).filter((t) => !window.LiteGraph.registered_node_types[t]);
      const { output } = await window.app.graphToPrompt();
      return { unknown, output, saved: window.app.graph.serialize() };
    }, workflow);
    assert.deepEqual(result.unknown, [], "node types the frontend does not know");
    assert.deepEqual(pageErrors.slice(errorsBefore), [], "page errors while loading");

    const converted = python(["tests/workflow_convert.py", join("example_workflows", file)]);
    assert.equal(converted.code, 0, converted.out);
    assert.deepEqual(declaredInputsOnly(result.output), JSON.parse(converted.out), "graphToPrompt differs from tests/workflow_convert.py");

    const savedPath = join(mkdtempSync(join(tmpdir(), "lags-saved-")), file);
    writeFileSync(savedPath, JSON.stringify(result.saved));
    const checked = python(["tests/workflow_check.py", savedPath]);
    assert.equal(checked.code, 0, `the frontend's re-save fails the checker:\n${checked.out}`);
  });
}
