// The published workflows (example_workflows/) in the real frontend, headless Chromium
// (test-only):
// - ComfyUI's Templates browser lists exactly them under the pack, each card shows its
//   thumbnail, and a card loads its workflow;
// - no node's box (title bar included) overlaps another's as loaded, nor after a run with
//   live previews on: the runnable ones with the tiny test model at 64², the A/B graph
//   also at its shipped 1024² (the pack's charts are drawn above the canvas, so a node
//   placed over one would not hide it);
// - the thumbnails are taken here: tests/e2e/output/thumbnails/, and with
//   LAGS_UPDATE_THUMBNAILS=1 also example_workflows/<name>.jpg and the help pages' chart
//   pictures (web/docs/images/).
// Needs COMFYUI_PATH and a Chromium (CHROMIUM_PATH, default /usr/bin/chromium); skipped otherwise.
//
//   cd tests/e2e && COMFYUI_PATH=/path/to/ComfyUI node --test published_workflows.test.mjs

import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { after, before, test } from "node:test";

import { REPO, startComfy } from "./comfy_server.mjs";
import { overlappingPairs } from "./layout.mjs";
import * as layout from "./layout_steps.mjs";
import * as steps from "./page_steps.mjs";
import { EXAMPLES, UPDATE, saveDocImages, saveThumbnail } from "./thumbnails.mjs";

const COMFYUI_PATH = process.env.COMFYUI_PATH;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SKIP = !COMFYUI_PATH ? "COMFYUI_PATH is not set" : !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}` : false;
const PACK_FOLDER = "ComfyUI-LAGS";
const STEPS = 10;
const TINY_PIXELS = 64;
const TITLE_HEIGHT = 30; // LiteGraph.NODE_TITLE_HEIGHT (the boxes include it)
// The workflow whose charts illustrate the node help pages (web/docs/images/).
const DOC_WORKFLOW = "LAGS Colour Reward (SDXL)";
const FILES = existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((f) => f.endsWith(".json")).sort() : [];
const SETTINGS = {
  "Comfy.TutorialCompleted": true,
  "Comfy.Workflow.ShowMissingModelsWarning": false,
  "Comfy.Workflow.ShowMissingNodesWarning": false,
  "Comfy.Minimap.Visible": false,
  "Comfy.Execution.PreviewMethod": "latent2rgb", // live previews grow the samplers
  "LiteGraph.Canvas.MinFontSizeForLOD": 0, // thumbnails show text at any zoom
};

let comfy, browser, page;
const pageErrors = [];
// Per pack node type: the largest width and height (below the title bar) the frontend
// gave it as loaded and after a run; tests/workflow_layout.py reserves that room.
const measured = {};
const measuredWorkflows = new Set();
const MEASURED_OUTPUT = join(REPO, "tests", "e2e", "output", "node_sizes.json");
const MEASURED_FILE = join(REPO, "tests", "node_sizes.json");

function measure(nodes, phase) {
  for (const { type, box } of nodes.filter((n) => n.type.startsWith("LAGS") && !n.type.startsWith("LAGSTest"))) {
    const entry = (measured[type] ??= { width: 0, loaded: 0, after_run: 0 });
    entry.width = Math.max(entry.width, Math.ceil(box[2]));
    entry[phase] = Math.max(entry[phase], Math.ceil(box[3] - TITLE_HEIGHT));
  }
}

before(async () => {
  if (SKIP) return;
  const { chromium } = await import("playwright-core");
  comfy = await startComfy({
    comfyuiPath: COMFYUI_PATH,
    packs: { [PACK_FOLDER]: REPO, lags_e2e_tiny: join(REPO, "tests", "e2e", "tiny_pack") },
    settings: SETTINGS,
    python: process.env.PYTHON ?? "python3",
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.goto(comfy.url);
  await page.waitForFunction(steps.appReady, null, { timeout: 120_000 });
  await page.waitForFunction(() => window.comfyAPI.app.app.graph.nodes.length > 0, null, { timeout: 60_000 }).catch(() => {});
  pageErrors.length = 0; // start-up noise of the frontend itself is not ours
});

after(async () => {
  await browser?.close();
  await comfy?.cleanUp();
});

const load = (file) => JSON.parse(readFileSync(join(EXAMPLES, file), "utf8"));
const describe = (n) => `#${n.id} ${n.title ?? n.type} [${n.box.map(Math.round).join(", ")}]`;

function assertNoOverlap(nodes, when) {
  const pairs = overlappingPairs(nodes).map(([a, b]) => `${describe(a)} overlaps ${describe(b)}`);
  assert.deepEqual(pairs, [], `nodes overlap ${when}`);
}

function assertPreviewShown(nodes, nodeId) {
  const node = nodes.find((n) => n.id === nodeId);
  assert.ok(node?.preview, `node ${nodeId} shows no image preview after the run: the layout check would miss its growth`);
}

async function runToEnd() {
  await page.evaluate(steps.recordRun);
  await page.evaluate(steps.queueRun);
  await page.waitForFunction(steps.runEnded, null, { timeout: 600_000, polling: 500 });
  const end = await page.evaluate(steps.runEnded);
  assert.ok(end.ok, `the run failed: ${JSON.stringify(end.error)}\n${await comfy.log()}`);
  await page.waitForTimeout(500);
}

/** The nodes a thumbnail shows: the LAGS sampler and its schedule (their charts). */
function lagsNodes(workflow) {
  const sampler = workflow.nodes.find((n) => n.type === "LAGSWeightedSampler");
  const link = sampler.inputs.find((i) => i.name === "schedule")?.link;
  const schedule = workflow.links.find((l) => l[0] === link)?.[1];
  return { sampler, schedule, ids: [sampler.id, schedule].filter((id) => id != null) };
}

const isRunnable = (workflow) => !workflow.nodes.some((n) => /PickScore|HPS|Aesthetic|Fairness/.test(n.type));

test("the published folder holds workflows only", { skip: SKIP }, () => {
  assert.ok(FILES.length > 0, `no workflow in ${EXAMPLES}`);
  for (const file of FILES) assert.ok(Array.isArray(load(file).nodes), `${file} is not a UI workflow`);
});

test("the Templates browser lists the pack's workflows with thumbnails, and a card loads its workflow", { skip: SKIP }, async () => {
  const titles = FILES.map((f) => basename(f, ".json"));
  const listed = await page.evaluate(() => window.comfyAPI.api.api.getWorkflowTemplates());
  assert.deepEqual([...(listed[PACK_FOLDER] ?? [])].sort(), titles);
  try {
    await page.evaluate(layout.openTemplates);
    await page.getByText(PACK_FOLDER, { exact: true }).first().click();
    await page.waitForFunction(layout.templateCards, { titles, untilLoaded: true }, { timeout: 30_000 }).catch(() => {});
    const cards = await page.evaluate(layout.templateCards, { titles });
    await page.screenshot({ path: join(REPO, "tests", "e2e", "output", "templates_browser.png") });
    for (const title of titles) {
      assert.ok(cards[title], `no card titled ${title}`);
      assert.ok(cards[title].width > 0 && !cards[title].standIn, `${title}: its thumbnail did not load (${JSON.stringify(cards[title])})`);
    }
    const errorsBefore = pageErrors.length;
    await page.getByText(titles[0], { exact: true }).first().click();
    await page.waitForFunction((count) => window.comfyAPI.app.app.graph.nodes.length === count, load(FILES[0]).nodes.length,
      { timeout: 30_000 });
    assert.deepEqual(pageErrors.slice(errorsBefore), [], "page errors while loading a template");
  } finally {
    for (let i = 0; i < 3 && (await page.evaluate(layout.dialogOpen)); i++) await page.keyboard.press("Escape");
  }
  assert.equal(await page.evaluate(layout.dialogOpen), false, "the Templates browser is still open");
});

for (const file of FILES) {
  const name = basename(file, ".json");
  test(`${name}: no node overlaps another as loaded and after a run with previews; thumbnail`, { skip: SKIP }, async (t) => {
    const workflow = load(file);
    const errorsBefore = pageErrors.length;
    await page.evaluate(steps.loadWorkflow, workflow);
    await page.waitForTimeout(1000); // the schedule chart draws from the sampler's widgets
    const loaded = await page.evaluate(layout.nodeBoxes);
    measure(loaded, "loaded");
    const { sampler, schedule, ids } = lagsNodes(workflow);
    let afterRun = null;
    if (isRunnable(workflow)) {
      t.diagnostic((await page.evaluate(steps.prepareForTinyModel)).join("; "));
      await page.evaluate(layout.setLatentSize, { pixels: TINY_PIXELS });
      await page.evaluate(steps.setWidgetValue, { nodeId: sampler.id, name: "steps", value: STEPS });
      await runToEnd();
      afterRun = await page.evaluate(layout.nodeBoxes);
      measure(afterRun, "after_run");
      if (name === DOC_WORKFLOW) {
        const written = await saveDocImages(page, { samplerId: sampler.id, scheduleId: schedule });
        t.diagnostic(`help page pictures: ${written.join(", ") || "not updated"}`);
      }
    } else {
      t.diagnostic("not run: needs reward model files (checked as loaded only)");
    }
    measuredWorkflows.add(file);
    const thumbnail = await saveThumbnail(page, ids, name);
    t.diagnostic(`thumbnail: ${thumbnail}${UPDATE ? " (copied to example_workflows/)" : ""}`);

    assertNoOverlap(loaded, "as loaded");
    if (afterRun) {
      assertPreviewShown(afterRun, sampler.id);
      assertNoOverlap(afterRun, "after a run with previews on");
    }
    assert.deepEqual(pageErrors.slice(errorsBefore), [], "page errors");
  });
}

test("the pack's node sizes, measured in every published workflow, are written out", { skip: SKIP }, (t) => {
  assert.deepEqual([...measuredWorkflows].sort(), FILES, "a workflow was not measured (it failed to run, or was filtered out): not written");
  const text = JSON.stringify({
    about: "Width and height (below the title bar) the ComfyUI frontend gave each of the pack's node types in the "
      + "published workflows, as loaded and after a run with live previews (largest seen). Written by "
      + "tests/e2e/published_workflows.test.mjs (LAGS_UPDATE_THUMBNAILS=1); tests/workflow_layout.py reserves this room.",
    nodes: Object.fromEntries(Object.entries(measured).sort(([a], [b]) => a.localeCompare(b))),
  }, null, 1) + "\n";
  mkdirSync(join(REPO, "tests", "e2e", "output"), { recursive: true });
  writeFileSync(MEASURED_OUTPUT, text);
  if (UPDATE) writeFileSync(MEASURED_FILE, text);
  t.diagnostic(`node sizes: ${MEASURED_OUTPUT}${UPDATE ? ` and ${MEASURED_FILE}` : ""}`);
});

test("the A/B workflow at its shipped 1024²: both samplers and both images grow, nothing overlaps", { skip: SKIP }, async (t) => {
  const file = FILES.find((f) => load(f).nodes.some((n) => n.type === "KSampler") && isRunnable(load(f)));
  assert.ok(file, "no runnable workflow with a plain KSampler");
  const workflow = load(file);
  await page.evaluate(steps.loadWorkflow, workflow);
  await page.evaluate(steps.prepareForTinyModel);
  await page.evaluate(layout.setLatentSize, { pixels: 1024 });
  const samplers = workflow.nodes.filter((n) => n.type === "KSampler" || n.type === "LAGSWeightedSampler");
  for (const sampler of samplers) await page.evaluate(steps.setWidgetValue, { nodeId: sampler.id, name: "steps", value: 2 });
  await runToEnd();
  const nodes = await page.evaluate(layout.nodeBoxes);
  for (const sampler of samplers) assertPreviewShown(nodes, sampler.id);
  assertNoOverlap(nodes, "after a 1024² run with previews on");
  t.diagnostic(nodes.filter((n) => /Sampler|Save/.test(n.type)).map(describe).join("; "));
});
