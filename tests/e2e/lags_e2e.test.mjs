// End-to-end: the LAGS web extension in headless Chromium against a real ComfyUI server.
//
// Needs COMFYUI_PATH (a ComfyUI checkout whose Python requirements are installed),
// Chromium (Debian: apt-get install chromium; or CHROMIUM_PATH) and playwright-core
// (npm ci in tests/e2e). Without them the tests are skipped, saying why.
// Run: bash tests/e2e/run.sh   (screenshots and the trace land in tests/e2e/output/)

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { test } from "node:test";
import { REPO, startComfy } from "./comfy_server.mjs";
import * as layout from "./layout_steps.mjs";
import * as steps from "./page_steps.mjs";

const OUTPUT = join(REPO, "tests", "e2e", "output");
const PACK_FOLDER = "ComfyUI-LAGS";
const STEPS = 10;
const SCHEDULE_KINDS = { LAGSScheduleAlpha: "alpha", LAGSScheduleHardGate: "gate", LAGSScheduleConstant: "constant" };
// Samplers with one model call per step: the trace's σ of step k is σ_k of the list.
const ONE_CALL_PER_STEP = new Set(["euler", "euler_ancestral", "ddim", "ddpm", "lcm", "dpmpp_2m", "dpmpp_2m_sde", "ipndm", "deis", "res_multistep"]);
const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
// Frontend settings for a fresh user: no first-run template browser, no missing-model
// dialog (the tiny model replaces the checkpoint) and no minimap over the graph.
const SETTINGS = {
  "Comfy.TutorialCompleted": true,
  "Comfy.Workflow.ShowMissingModelsWarning": false,
  "Comfy.Workflow.ShowMissingNodesWarning": false,
  "Comfy.Minimap.Visible": false,
  ...JSON.parse(process.env.LAGS_E2E_SETTINGS ?? "{}"), // e.g. {"Comfy.VueNodes.Enabled": true}
};

const chromiumPath = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => p && existsSync(p));
const playwright = await import("playwright-core").catch(() => null);
const skip = !process.env.COMFYUI_PATH
  ? "COMFYUI_PATH is not set (point it at a ComfyUI checkout to run the end-to-end test)"
  : !chromiumPath
    ? "Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)"
    : !playwright
      ? "playwright-core is not installed (cd tests/e2e && npm ci)"
      : false;

/** Shipped UI workflows with the LAGS sampler, a schedule node and no learned reward (they need weights). */
async function shippedWorkflows() {
  const paths = process.env.LAGS_E2E_WORKFLOW
    ? [process.env.LAGS_E2E_WORKFLOW]
    : (await readdir(join(REPO, "example_workflows"))).filter((f) => f.endsWith(".json")).sort().map((f) => join(REPO, "example_workflows", f));
  const found = [];
  for (const path of paths) {
    const workflow = JSON.parse(await readFile(path, "utf8"));
    if (!Array.isArray(workflow.nodes)) continue; // not a UI workflow (e.g. node_specs.json)
    const types = workflow.nodes.map((n) => n.type);
    const learned = types.some((t) => t.startsWith("LAGS") && /Aesthetic|Clip|PickScore|HPS|Fair|Learned/i.test(t));
    if (types.includes("LAGSWeightedSampler") && types.some((t) => t in SCHEDULE_KINDS) && !learned) found.push({ path, workflow });
  }
  assert.ok(found.length > 0, "no workflow in example_workflows/ has a LAGSWeightedSampler, a LAGS schedule node and only pixel rewards");
  return found;
}

/**
 * Opens the app in a fresh Chromium profile and calls fn(page, problems). `problems`
 * collects page errors and LAGS console messages; errors raised while the app starts
 * up count only when they involve the pack (some frontend builds throw on their own
 * there), the others are passed to `note`.
 */
async function withBrowser(url, fn, note) {
  const profile = await mkdtemp(join(tmpdir(), "lags-e2e-chromium-"));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1600, height: 1000 },
  });
  const problems = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}\n${error.stack ?? ""}`));
    page.on("console", (message) => {
      if (message.text().includes("[LAGS]") || message.text().includes("ComfyUI-LAGS")) problems.push(`console ${message.type()}: ${message.text()}`);
    });
    await page.goto(url);
    await page.waitForFunction(steps.appReady, null, { timeout: 120_000 });
    // The default graph loads after the app; wait for it so it does not replace ours.
    await page.waitForFunction(() => window.comfyAPI.app.app.graph.nodes.length > 0, null, { timeout: 60_000 }).catch(() => {});
    const startup = problems.splice(0);
    problems.push(...startup.filter((p) => p.includes(PACK_FOLDER) || p.includes("[LAGS]")));
    startup.filter((p) => !problems.includes(p)).forEach((p) => note(`frontend error at start-up, not from LAGS: ${p.split("\n")[0]}`));
    return await fn(page, problems);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

async function withServer(packs, fn) {
  // LAGS_E2E_FRONTEND_ROOT: serve another frontend build (e.g. an older comfyui-frontend-package).
  const extraArgs = process.env.LAGS_E2E_FRONTEND_ROOT ? ["--front-end-root", process.env.LAGS_E2E_FRONTEND_ROOT] : [];
  const server = await startComfy({ comfyuiPath: process.env.COMFYUI_PATH, packs, settings: SETTINGS, extraArgs });
  try {
    return await fn(server);
  } catch (error) {
    error.message += `\n--- ComfyUI log tail ---\n${await server.log()}`;
    throw error;
  } finally {
    await server.cleanUp();
  }
}

const byId = (states, id) => states.find((s) => s.id === id);
const close = (a, b, rel) => Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-12);

test("shipped workflows: schedule and trace charts draw, update and survive a real run", { skip, timeout: 1_800_000 }, async (outer) => {
  const workflows = await shippedWorkflows();
  await mkdir(OUTPUT, { recursive: true });
  const packs = { [PACK_FOLDER]: REPO, lags_e2e_tiny: join(REPO, "tests", "e2e", "tiny_pack") };

  await withServer(packs, (server) =>
    withBrowser(server.url, async (page, problems) => {
      for (const { path, workflow } of workflows) {
        await outer.test(basename(path), (t) => checkWorkflow(t, page, problems, workflow, basename(path, ".json")));
      }
      await outer.test("hard gate and constant schedules", (t) => checkOtherSchedules(t, page, problems, workflows[0].workflow));
      const ab = workflows.find(({ workflow }) => workflow.nodes.some((n) => n.type === "KSampler"));
      if (ab) await outer.test(`LAGS Guidance before the KSampler of ${basename(ab.path)}`, (t) => checkGuidanceNode(t, page, problems, ab.workflow));
    }, (text) => outer.diagnostic(text)),
  );
});

async function checkWorkflow(t, page, problems, workflow, name) {
  await page.evaluate(steps.loadWorkflow, workflow);
  const changes = await page.evaluate(steps.prepareForTinyModel);
  t.diagnostic(`prepared for the tiny model: ${changes.join("; ")}`);

  const sampler = workflow.nodes.find((n) => n.type === "LAGSWeightedSampler");
  await page.evaluate(steps.setWidgetValue, { nodeId: sampler.id, name: "steps", value: STEPS });
  const scheduleNode = workflow.nodes.find((n) => n.type in SCHEDULE_KINDS);
  const kind = SCHEDULE_KINDS[scheduleNode.type];
  // The charts are DOM canvases, hidden while their node is off screen (the A/B graph is tall): frame both.
  await page.evaluate(layout.frameNodesInSquare, { ids: [sampler.id, scheduleNode.id], side: 900, centre: [820, 520] });
  await page.waitForTimeout(1000); // the schedule chart polls the sampler every 300 ms

  // 1. Both drawings render (pixels, not just a data attribute).
  let states = await page.evaluate(steps.chartStates);
  const schedule = byId(states, scheduleNode.id);
  const trace = byId(states, sampler.id);
  assert.ok(schedule && trace, `charts on nodes ${scheduleNode.id} and ${sampler.id}: ${JSON.stringify(states)}`);
  assert.equal(schedule.summary.drawn, true);
  assert.equal(schedule.summary.steps, STEPS, "the schedule follows the sampler's steps widget");
  assert.ok(schedule.visible && schedule.pixels.painted > 0.05 * schedule.pixels.total, JSON.stringify(schedule.pixels));
  assert.ok(schedule.pixels.amber > 50, `α curve pixels: ${schedule.pixels.amber}`);
  assert.equal(trace.summary.drawn, false);
  assert.ok(trace.visible && trace.pixels.painted > 0, "the empty trace chart shows its placeholder");
  t.diagnostic(`schedule chart: ${JSON.stringify(schedule.summary)}`);

  // 2. Redrawn when a widget changes: the sampler's steps, then the schedule's own widget.
  const oldSteps = await page.evaluate(steps.setWidgetValue, { nodeId: sampler.id, name: "steps", value: 5 });
  await page.waitForTimeout(800);
  states = await page.evaluate(steps.chartStates);
  assert.equal(byId(states, scheduleNode.id).summary.steps, 5);
  await page.evaluate(steps.setWidgetValue, { nodeId: sampler.id, name: "steps", value: oldSteps });
  // [widget, new value, steps guided then (null: not checked)]: c = 0 guides every step, α = 0 none.
  const own = { alpha: ["c", 0, STEPS], constant: ["alpha", 0, 0], gate: ["mode", "fraction of steps", null] }[kind];
  const oldOwn = await page.evaluate(steps.setWidgetValue, { nodeId: scheduleNode.id, name: own[0], value: own[1] });
  await page.waitForTimeout(100);
  const changed = byId(await page.evaluate(steps.chartStates), scheduleNode.id).summary;
  assert.notEqual(JSON.stringify(changed), JSON.stringify(schedule.summary), "the own widget redraws");
  if (own[2] !== null) assert.equal(changed.guided, own[2]);
  await page.evaluate(steps.setWidgetValue, { nodeId: scheduleNode.id, name: own[0], value: oldOwn });
  await page.waitForTimeout(100);
  assert.deepEqual(byId(await page.evaluate(steps.chartStates), scheduleNode.id).summary, schedule.summary);

  // 3. Run it with the tiny model: the trace chart follows the server's messages, and
  // the drawn schedule is the one the server sampled with.
  await runAndCompare(t, page, { samplerId: sampler.id, scheduleId: scheduleNode.id, kind, name });

  // 5. Pictures for people.
  await page.evaluate(steps.frameNodes, [scheduleNode.id, sampler.id]);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(OUTPUT, `${name}.png`) });
  await page.locator(".lags_schedule_chart canvas").first().screenshot({ path: join(OUTPUT, `${name}_schedule_chart.png`) });
  await page.locator(".lags_trace_chart").first().screenshot({ path: join(OUTPUT, `${name}_trace_chart.png`) });
  t.diagnostic(`screenshots: ${join(OUTPUT, name)}*.png`);
  assert.deepEqual(problems, []);
}

/** Queues the graph with the trace recorder on and waits until the run has ended well. */
async function queueAndWait(page) {
  await page.evaluate(steps.recordRun);
  await page.evaluate(steps.queueRun);
  await page.waitForFunction(steps.runEnded, null, { timeout: 600_000, polling: 500 });
  const end = await page.evaluate(steps.runEnded);
  assert.ok(end.ok, `the run failed: ${JSON.stringify(end.error)}`);
  await page.waitForTimeout(300);
}

/**
 * Queues the graph, checks the sampler's chart against the "lags.trace" messages and
 * each step's σ, α and guided flag against the schedule node's drawing.
 */
async function runAndCompare(t, page, { samplerId, scheduleId, kind, name }) {
  await queueAndWait(page);
  const messages = (await page.evaluate(steps.runTrace)).filter((m) => String(m.node) === String(samplerId));
  await writeFile(join(OUTPUT, `${name}_trace.json`), JSON.stringify(messages, null, 1));
  assert.ok(messages.length >= STEPS, `${messages.length} lags.trace messages`);
  const after = byId(await page.evaluate(steps.chartStates), samplerId);
  const { drawn: chartDrawn, points, lastStep, steps: stepCount, ...particles } = after.summary;
  assert.deepEqual({ drawn: chartDrawn, points, lastStep, steps: stepCount },
    { drawn: true, points: STEPS, lastStep: STEPS, steps: STEPS });
  if (Object.keys(particles).length) {
    // a workflow with particles: its chart adds the ESS strip, one point per step
    assert.deepEqual(particles.strips, ["reward", "push", "α", "ESS"]);
    assert.ok(particles.essPoints === STEPS && particles.particles >= 2, JSON.stringify(particles));
  }
  assert.ok(after.pixels.painted > 0.05 * after.pixels.total, JSON.stringify(after.pixels));
  assert.match(after.text, new RegExp(`^step ${STEPS}/${STEPS} · σ `));
  t.diagnostic(`trace line after the run: ${after.text}`);
  t.diagnostic(`last message: ${JSON.stringify(messages.at(-1))}`);

  const drawn = await page.evaluate(steps.drawnSchedule, { nodeId: scheduleId, kind, packFolder: PACK_FOLDER });
  if (drawn.guided.some(Boolean)) {
    assert.ok(messages.some((m) => m.guided && Number.isFinite(m.log_w) && m.grad_norm > 0), "some step was guided");
  }
  const samplerName = await page.evaluate(steps.widgetValue, { nodeId: samplerId, name: "sampler_name" });
  for (const m of messages) {
    if (!ONE_CALL_PER_STEP.has(samplerName) && m.step !== 1) continue;
    assert.ok(close(m.sigma, drawn.sigmas[m.step - 1], 1e-4), `step ${m.step}: σ ${m.sigma} vs drawn ${drawn.sigmas[m.step - 1]}`);
    assert.ok(close(m.alpha, drawn.alphas[m.step - 1], 1e-4), `step ${m.step}: α ${m.alpha} vs drawn ${drawn.alphas[m.step - 1]}`);
    assert.equal(m.guided, drawn.guided[m.step - 1], `step ${m.step}: guided`);
  }
  return messages;
}

/**
 * The gate and constant schedule nodes, put in place of the workflow's schedule: the
 * gate at a fraction whose step count is a tie (0.25 × 10 = 2.5 → Python rounds to 2),
 * so the drawing and the server must agree on rounding.
 */
async function checkOtherSchedules(t, page, problems, workflow) {
  await page.evaluate(steps.loadWorkflow, workflow);
  await page.evaluate(steps.prepareForTinyModel);
  const sampler = workflow.nodes.find((n) => n.type === "LAGSWeightedSampler");
  await page.evaluate(steps.setWidgetValue, { nodeId: sampler.id, name: "steps", value: STEPS });

  const gateWidgets = { mode: "fraction of steps", "mode.fraction": 0.25 }; // the mode brings its own widget
  const gateId = await page.evaluate(steps.addScheduleNode, { type: "LAGSScheduleHardGate", samplerId: sampler.id, widgets: gateWidgets });
  await page.waitForTimeout(800);
  const gate = byId(await page.evaluate(steps.chartStates), gateId);
  assert.equal(gate.summary.drawn, true);
  assert.equal(gate.summary.steps, STEPS);
  assert.equal(STEPS * gateWidgets["mode.fraction"], 2.5);
  assert.equal(gate.summary.guided, 2, "round(2.5) = 2, as in Python");
  assert.ok(gate.pixels.amber > 50, `gate pixels: ${gate.pixels.amber}`);
  await runAndCompare(t, page, { samplerId: sampler.id, scheduleId: gateId, kind: "gate", name: "hard_gate" });
  await page.evaluate(steps.frameNodes, [gateId, sampler.id]);
  await page.waitForTimeout(500);
  await page.locator(".lags_schedule_chart canvas").last().screenshot({ path: join(OUTPUT, "hard_gate_chart.png") });

  const constantId = await page.evaluate(steps.addScheduleNode, { type: "LAGSScheduleConstant", samplerId: sampler.id, widgets: { alpha: 0.5 } });
  await page.waitForTimeout(800);
  const constant = byId(await page.evaluate(steps.chartStates), constantId);
  assert.deepEqual([constant.summary.drawn, constant.summary.guided], [true, STEPS]);
  await runAndCompare(t, page, { samplerId: sampler.id, scheduleId: constantId, kind: "constant", name: "constant" });
  t.diagnostic(`gate chart: ${JSON.stringify(gate.summary)}; constant chart: ${JSON.stringify(constant.summary)}`);
  assert.deepEqual(problems, []);
}

/** LAGS Guidance patching a plain KSampler: its own live chart follows its own messages. */
async function checkGuidanceNode(t, page, problems, workflow) {
  await page.evaluate(steps.loadWorkflow, workflow);
  await page.evaluate(steps.prepareForTinyModel);
  const ksampler = workflow.nodes.find((n) => n.type === "KSampler");
  const lags = workflow.nodes.find((n) => n.type === "LAGSWeightedSampler");
  await page.evaluate(steps.setWidgetValue, { nodeId: lags.id, name: "steps", value: STEPS });
  await page.evaluate(steps.setWidgetValue, { nodeId: ksampler.id, name: "steps", value: STEPS });
  const guidanceId = await page.evaluate(steps.addGuidanceBefore, { ksamplerId: ksampler.id, lagsSamplerId: lags.id });
  const before = byId(await page.evaluate(steps.chartStates), guidanceId);
  assert.equal(before?.summary?.drawn, false, "the guidance node has an (empty) trace chart");

  await queueAndWait(page);
  const all = await page.evaluate(steps.runTrace);
  const mine = all.filter((m) => String(m.node) === String(guidanceId));
  assert.ok(mine.length >= STEPS, `${mine.length} messages from the guidance node`);
  const states = await page.evaluate(steps.chartStates);
  assert.deepEqual(byId(states, guidanceId).summary, { drawn: true, points: STEPS, lastStep: STEPS, steps: STEPS });
  assert.deepEqual(byId(states, lags.id).summary, { drawn: true, points: STEPS, lastStep: STEPS, steps: STEPS });
  await page.evaluate(steps.frameNodes, [guidanceId, ksampler.id]);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(OUTPUT, "guidance_node.png") });
  t.diagnostic(`guidance chart: ${byId(states, guidanceId).text}`);
  assert.deepEqual(problems, []);
}

test("without the pack's Python nodes the extension adds nothing and throws nothing", { skip, timeout: 300_000 }, async (t) => {
  const [{ workflow }] = await shippedWorkflows();
  await mkdir(OUTPUT, { recursive: true });
  const packs = { [PACK_FOLDER]: join(REPO, "tests", "e2e", "web_only_pack") };
  await withServer(packs, (server) =>
    withBrowser(server.url, async (page, problems) => {
      await page.evaluate(steps.loadWorkflow, workflow);
      await page.waitForTimeout(1500);
      assert.equal(await page.evaluate(steps.lagsChartElements), 0);
      const types = await page.evaluate(steps.nodeTypes);
      assert.ok(types.includes("LAGSWeightedSampler"), "the LAGS nodes stay in the graph (as missing nodes)");
      await page.screenshot({ path: join(OUTPUT, "without_python_nodes.png") });
      t.diagnostic(`graph kept ${types.length} nodes; no LAGS widgets`);
      assert.deepEqual(problems, []);
    }, (text) => t.diagnostic(text)),
  );
});
