// End-to-end: what a ComfyUI user meets — plain controls (start %, advanced inputs, the hard
// gate's own widget, search words), problems shown where the user looks (settings that guide
// nothing, typed values outside a widget's range, missing reward files, how much guidance
// changed the picture), and a trace chart that is readable, explains itself, survives tab
// switches and reloads, clears at the start of a run and marks interrupted runs; ESS of
// particle runs. Screenshots of each land in tests/e2e/output/ux_*.png.
//
// Needs what lags_e2e.test.mjs needs (COMFYUI_PATH, Chromium, playwright-core); skips otherwise.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { REPO, startComfy } from "./comfy_server.mjs";
import { appReady, chartStates, frameNodes, loadWorkflow, queueRun, recordRun, runEnded, runTrace, setWidgetValue } from "./page_steps.mjs";
import * as ux from "./ux_steps.mjs";

const OUTPUT = join(REPO, "tests", "e2e", "output");
const STEPS = 10;
const WEAK_PEAK = 0.01; // guidance/effect.py
const DESTRUCTIVE_PEAK = 0.1;
const SHIPPED_ZOOM = 0.75; // the zoom the shipped workflows open with (extra.ds.scale)

const chromium = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => p && existsSync(p));
const playwright = await import("playwright-core").catch(() => null);
const skip = !process.env.COMFYUI_PATH ? "COMFYUI_PATH is not set" : !chromium ? "Chromium not found" : !playwright ? "playwright-core is not installed (cd tests/e2e && npm ci)" : false;

/** One ComfyUI with the pack and the test nodes, one browser page on it; `problems`: page errors and LAGS warnings. */
async function session(fn) {
  const server = await startComfy({
    comfyuiPath: process.env.COMFYUI_PATH,
    packs: { "ComfyUI-LAGS": REPO, lags_e2e_tiny: join(REPO, "tests", "e2e", "tiny_pack") },
    settings: { "Comfy.TutorialCompleted": true, "Comfy.Workflow.ShowMissingModelsWarning": false, "Comfy.Workflow.ShowMissingNodesWarning": false, "Comfy.Minimap.Visible": false },
  });
  const profile = await mkdtemp(join(tmpdir(), "lags-ux-chromium-"));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: chromium, headless: true, viewport: { width: 1600, height: 1000 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const problems = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (m) => m.text().includes("[LAGS]") && problems.push(`console: ${m.text()}`));
    const open = async () => {
      await page.waitForFunction(appReady, null, { timeout: 120_000 });
      await page.waitForFunction(() => window.comfyAPI.app.app.graph.nodes.length > 0, null, { timeout: 30_000 }).catch(() => {});
    };
    await page.goto(server.url);
    await open();
    return await fn(page, problems, open);
  } catch (error) {
    error.message += `\n--- ComfyUI log tail ---\n${await server.log()}`;
    throw error;
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
    await server.cleanUp();
  }
}

const view = (page, id) => page.evaluate(ux.nodeView, id);
const settle = (page, ms = 700) => page.waitForTimeout(ms); // the poll runs every 300 ms
async function shot(page, ids, name) {
  await page.evaluate(frameNodes, ids);
  await settle(page, 400);
  await page.screenshot({ path: join(OUTPUT, `ux_${name}.png`) });
}

async function runGraph(page) {
  await page.evaluate(recordRun);
  await page.evaluate(queueRun);
  await page.waitForFunction(runEnded, null, { timeout: 300_000, polling: 250 });
  await settle(page, 400);
  return page.evaluate(runEnded);
}

/** Types `text` into a number widget the way a user does: click it, type in the prompt, Enter. */
async function typeInto(page, nodeId, name, text) {
  await page.evaluate(frameNodes, [nodeId]);
  await settle(page, 300);
  const [x, y] = await page.evaluate(ux.widgetCentre, { nodeId, name });
  await page.mouse.click(x, y);
  const input = page.locator(".graphdialog input").last();
  await input.waitFor({ timeout: 5000 });
  await input.fill(text);
  await input.press("Enter");
  await settle(page, 300);
}

const messagesOf = async (page, id) => (await page.evaluate(runTrace)).filter((m) => String(m.node) === String(id));
const peakOf = (messages) => Math.max(...messages.filter((m) => m.guided && m.displacement != null).map((m) => m.displacement));

test("a ComfyUI user's view of the LAGS nodes", { skip, timeout: 1_800_000 }, async (t) => {
  await mkdir(OUTPUT, { recursive: true });
  await session(async (page, problems, open) => {
    let ids = await page.evaluate(ux.buildGraph, { steps: STEPS });

    await t.test("node search finds the nodes by reward guidance, colour, preference, fairness", async () => {
      const rect = await page.evaluate(() => window.comfyAPI.app.app.canvas.canvas.getBoundingClientRect().toJSON());
      await page.mouse.dblclick(rect.right - 120, rect.bottom - 120);
      const input = page.locator(".comfy-vue-node-search-container input").first();
      await input.waitFor({ timeout: 10_000 });
      const expected = {
        "reward guidance": ["LAGS Weighted Sampler (reward guidance)", "LAGS Reward Guidance (model patch)"],
        colour: ["LAGS Colour Reward"],
        color: ["LAGS Colour Reward"],
        preference: ["LAGS PickScore Reward (human preference)", "LAGS HPS v2 Reward (human preference)"],
        fairness: ["LAGS Classifier Fairness Reward"],
      };
      for (const [query, names] of Object.entries(expected)) {
        await input.fill(query);
        await settle(page, 800);
        const found = await page.evaluate(() => [...document.querySelectorAll("li[role=option]")].map((e) => e.textContent));
        for (const name of names) assert.ok(found.slice(0, 8).some((f) => f.includes(name)), `"${query}" should find ${name}: ${JSON.stringify(found)}`);
        if (query === "preference") await page.screenshot({ path: join(OUTPUT, "ux_search_preference.png") });
      }
      await page.keyboard.press("Escape");
      await settle(page, 300);
    });

    await t.test("start %: the chart shows the start and its c; the server's half-strength step is that step", async () => {
      await settle(page);
      const schedule = await view(page, ids.schedule);
      assert.match(schedule.summary.both, /^starts at 60 % \(step 7\/10\) ↔ c = [\d.]+$/);
      assert.equal(schedule.notice, null);
      const c = Number(schedule.summary.both.split("c = ")[1]);
      assert.ok((await runGraph(page)).ok);
      const messages = await messagesOf(page, ids.sampler);
      assert.equal(messages.length, STEPS);
      assert.ok(Math.abs(messages[6].alpha - 0.5) < 1e-6, `α at step 7: ${messages[6].alpha}`);
      assert.ok(Math.abs(messages[6].sigma ** -4 / c - 1) < 0.01, `c ${c} vs the server's σ⁻⁴ ${messages[6].sigma ** -4}`);
      await shot(page, [ids.schedule, ids.sampler], "start_percent");
    });

    await t.test("after a run the footer says how much guidance changed the picture, and flags weak and destructive runs", async () => {
      const expectVerdict = async (strength, start, verdict) => {
        await page.evaluate(setWidgetValue, { nodeId: ids.reward, name: "strength", value: strength });
        await page.evaluate(setWidgetValue, { nodeId: ids.schedule, name: "start_percent", value: start });
        assert.ok((await runGraph(page)).ok);
        const peak = peakOf(await messagesOf(page, ids.sampler));
        const footer = (await view(page, ids.sampler)).footer;
        assert.match(footer, /change by guidance: up to [<\d. ]+ % per step · last guided step [<\d. ]+ %/);
        assert.match(footer, /reward [+−-][\d.e−-]+ \(first → last guided step\)/);
        const computed = peak < WEAK_PEAK ? "too weak to see" : peak > DESTRUCTIVE_PEAK ? "likely destructive" : null;
        assert.equal(computed, verdict, `strength ${strength}: peak ${peak}`);
        assert.ok(verdict ? footer.includes(`⚠ ${verdict}`) : footer.includes("✓ visible, not destructive"), footer);
        return footer;
      };
      // The tiny test model answers weakly: the strengths that reach each verdict here are not the real ones.
      t.diagnostic(await expectVerdict(0.001, 60, "too weak to see"));
      await shot(page, [ids.sampler], "effect_too_weak");
      t.diagnostic(await expectVerdict(1000, 30, "likely destructive"));
      await shot(page, [ids.sampler], "effect_destructive");
      t.diagnostic(await expectVerdict(1000, 60, null));
      await shot(page, [ids.sampler], "effect_visible");
    });

    await t.test("the chart is readable at the shipped zoom, explains itself and reads out the step under the mouse", async () => {
      await page.evaluate(frameNodes, [ids.sampler]);
      await page.evaluate(ux.setZoom, SHIPPED_ZOOM);
      await settle(page);
      const screen = await page.evaluate(ux.chartOnScreen, ids.sampler);
      t.diagnostic(JSON.stringify(screen));
      assert.ok(screen.canvas[0] >= 280 && screen.canvas[1] >= 125, `chart on screen: ${screen.canvas}`);
      assert.ok(screen.canvasFontPx >= 9.5 && screen.footerFontPx >= 9.5, `text on screen: ${screen.canvasFontPx} / ${screen.footerFontPx} px`);
      assert.deepEqual(screen.brokenItems, [], "no footer item is broken across lines");
      const { legend } = await view(page, ids.sampler);
      for (const words of ["reward = log w: the reward's score", "push = ‖g‖: how hard the reward pulls", "α = the schedule's guidance strength"]) assert.ok(legend.includes(words), legend);
      const [x, y] = await page.evaluate(ux.traceColumn, { nodeId: ids.sampler, step: 8 });
      await page.mouse.move(x, y);
      await settle(page, 300);
      const hovered = await view(page, ids.sampler);
      assert.equal(hovered.summary.hoverStep, 8);
      assert.match(hovered.footer, /^step 8\/10 · σ [\d.]+ · strength α [\d.]+ · reward log w .* · push ‖g‖ .* · changed the picture by [<\d. ]+ %( · (no )?extra model call( \(probe\)| \(adaptive probe\)))?$/);
      await page.screenshot({ path: join(OUTPUT, "ux_chart_hover_at_shipped_zoom.png") });
      await page.mouse.move(5, 500);
      await settle(page, 300);
      assert.match((await view(page, ids.sampler)).footer, /^step 10\/10/);
    });

    await t.test("the last run survives a tab switch and a page reload", async () => {
      const before = (await view(page, ids.sampler)).summary;
      assert.equal(before.points, STEPS);
      await page.evaluate(ux.runCommand, "Comfy.NewBlankWorkflow");
      await settle(page);
      assert.equal(await page.evaluate(() => window.comfyAPI.app.app.graph.nodes.length), 0);
      await page.evaluate(ux.runCommand, "Workspace.PreviousOpenedWorkflow");
      await settle(page, 1000);
      assert.deepEqual((await view(page, ids.sampler)).summary, before, "after switching tabs back");
      await shot(page, [ids.sampler], "after_tab_switch");
      await page.reload();
      await open();
      await settle(page, 1000);
      assert.deepEqual((await view(page, ids.sampler)).summary, before, "after a reload");
      await shot(page, [ids.sampler], "after_reload");
    });

    await t.test("a run without steps clears the chart; an interrupted run is marked", async () => {
      await page.evaluate(setWidgetValue, { nodeId: ids.sampler, name: "denoise", value: 0 });
      assert.ok((await runGraph(page)).ok);
      const empty = await view(page, ids.sampler);
      assert.deepEqual(empty.summary, { drawn: false, points: 0, status: "done" });
      assert.match(empty.footer, /the last run sampled no steps/);
      await shot(page, [ids.sampler], "run_without_steps");
      await page.evaluate(setWidgetValue, { nodeId: ids.sampler, name: "denoise", value: 1 });
      await page.evaluate(setWidgetValue, { nodeId: ids.sampler, name: "steps", value: 400 });
      await page.evaluate(recordRun);
      await page.evaluate(queueRun);
      await page.evaluate(ux.interruptAfterFirstStep, ids.sampler);
      await page.waitForFunction(runEnded, null, { timeout: 120_000 });
      await settle(page, 500);
      const cut = await view(page, ids.sampler);
      assert.equal(cut.summary.status, "interrupted");
      assert.ok(cut.summary.lastStep < 400);
      assert.match(cut.notice, new RegExp(`Interrupted at step ${cut.summary.lastStep}/400: the numbers are partial`));
      await shot(page, [ids.sampler], "interrupted");
      await page.evaluate(setWidgetValue, { nodeId: ids.sampler, name: "steps", value: STEPS });
    });

    await t.test("ESS of a particles run: a strip scaled 0..K from lags.particles messages", async () => {
      await page.evaluate(ux.queueParticleMessages, { forNode: ids.sampler, steps: 8, particles: 16 });
      await page.waitForFunction((id) => JSON.parse(window.comfyAPI.app.app.graph.getNodeById(id).__lags.chart.canvas.dataset.lags).essPoints === 8, ids.sampler, { timeout: 30_000 });
      const particles = await view(page, ids.sampler);
      assert.deepEqual([particles.summary.strips, particles.summary.particles], [["reward", "push", "α", "ESS"], 16]);
      assert.match(particles.footer, /ESS [\d.]+ of 16 particles/);
      await shot(page, [ids.sampler], "particles_ess");
    });

    await t.test("settings that guide nothing are flagged on the schedule chart and the sampler before the run", async () => {
      ids = await page.evaluate(ux.buildGraph, { steps: 1 });
      await settle(page);
      const oneStep = await view(page, ids.schedule);
      assert.match(oneStep.notice, /too weak to see|no step of 1 is guided/);
      assert.match(oneStep.summary.summary, /^⚠ guided/);
      assert.match((await view(page, ids.sampler)).notice, /^⚠ Next run: /);
      assert.ok((await runGraph(page)).ok);
      assert.match((await view(page, ids.sampler)).footer, /⚠ too weak to see/);
      await shot(page, [ids.schedule, ids.sampler], "warning_one_step");
      await page.evaluate(setWidgetValue, { nodeId: ids.sampler, name: "steps", value: 20 });
      await page.evaluate(setWidgetValue, { nodeId: ids.sampler, name: "scheduler", value: "linear_quadratic" });
      const lq = await page.evaluate(ux.addNode, { type: "LAGSScheduleAlpha", pos: [420, 600] });
      await page.evaluate(({ from, to }) => {
        const graph = window.comfyAPI.app.app.graph;
        const sampler = graph.getNodeById(to);
        graph.getNodeById(from).connect(0, sampler, sampler.inputs.findIndex((i) => i.name === "schedule"));
      }, { from: lq, to: ids.sampler });
      await settle(page);
      assert.match((await view(page, lq)).notice, /guidance reaches only α 0.00\d+ \(1 of 20 steps\): too weak to see/);
      assert.match((await view(page, ids.sampler)).notice, /Next run: guidance reaches only α/);
      await shot(page, [lq, ids.sampler], "warning_linear_quadratic");
    });

    await t.test("typed values outside a widget's range are refused with a message; ε shows its real decimals", async () => {
      const alpha = (await page.evaluate(() => window.comfyAPI.app.app.graph.nodes.find((n) => n.type === "LAGSScheduleAlpha").id));
      await typeInto(page, alpha, "c", "-5");
      const refused = await view(page, alpha);
      assert.equal(refused.allWidgets.find((w) => w.name === "c").value, 10, "not clamped to 0");
      assert.match(refused.notice, /c must be from 0 to 1000000; -5 was not accepted \(the value stays 10\)/);
      await shot(page, [alpha], "refused_c");
      // Advanced inputs: hidden until Show Advanced, and no gap where they would be.
      const hidden = await view(page, ids.sampler);
      assert.ok(!hidden.widgets.includes("epsilon") && !hidden.widgets.includes("method"));
      assert.ok(hidden.widgetY.decode_scale - hidden.widgetY.denoise < 40, `no gap: ${JSON.stringify(hidden.widgetY)}`);
      await shot(page, [ids.sampler], "advanced_hidden");
      assert.equal(await page.evaluate(ux.toggleAdvanced, ids.sampler), true);
      await settle(page, 300);
      const advanced = await view(page, ids.sampler);
      assert.ok(advanced.widgets.includes("method") && advanced.widgets.includes("epsilon"));
      await typeInto(page, ids.sampler, "epsilon", "0.0001");
      let epsilon = (await view(page, ids.sampler)).allWidgets.find((w) => w.name === "epsilon");
      assert.deepEqual([epsilon.value, epsilon.display], [0.0001, "0.0001"]);
      await typeInto(page, ids.sampler, "epsilon", "0");
      epsilon = (await view(page, ids.sampler)).allWidgets.find((w) => w.name === "epsilon");
      assert.equal(epsilon.value, 0.0001, "0 is refused, not replaced");
      assert.match((await view(page, ids.sampler)).notice, /epsilon must be from 0.0001 to 10; 0 was not accepted/);
      await shot(page, [ids.sampler], "advanced_shown_epsilon_refused");
    });

    await t.test("the hard gate shows only the widget of its mode", async () => {
      const gate = await page.evaluate(ux.addNode, { type: "LAGSScheduleHardGate", pos: [420, 1000] });
      await settle(page);
      assert.deepEqual((await view(page, gate)).widgets, ["mode", "mode.c", "lags_schedule_chart"]);
      await page.evaluate(setWidgetValue, { nodeId: gate, name: "mode", value: "fraction of steps" });
      await settle(page);
      const fraction = await view(page, gate);
      assert.deepEqual(fraction.widgets, ["mode", "mode.fraction", "lags_schedule_chart"]);
      await page.evaluate(setWidgetValue, { nodeId: gate, name: "mode", value: "sigma" });
      await settle(page);
      assert.deepEqual((await view(page, gate)).widgets, ["mode", "mode.sigma_max", "lags_schedule_chart"]);
      await shot(page, [gate], "hard_gate_sigma_mode");
    });

    await t.test("a reward node without its model files says so as soon as the graph loads, with where to put and get them", async () => {
      const pick = await page.evaluate(ux.addNode, { type: "LAGSPickScoreReward", pos: [1400, 600], widgets: { model: "PickScore_v1" } });
      await page.waitForFunction((id) => window.comfyAPI.app.app.graph.getNodeById(id).__lagsNoticeWidget?.element.textContent, pick, { timeout: 10_000 });
      const notice = (await view(page, pick)).notice;
      assert.match(notice, /model: PickScore model: 'PickScore_v1' was not found/);
      assert.match(notice, /Folders searched:\n {2}- .*models\/rewards/);
      assert.match(notice, /Get it from https:\/\/huggingface.co\/yuvalkirstain\/PickScore_v1/);
      await shot(page, [pick], "missing_reward_files");
      // A saved graph that holds the node: the warning is there as soon as it loads, nothing queued.
      const saved = await page.evaluate(() => window.comfyAPI.app.app.graph.serialize());
      await page.evaluate(() => window.comfyAPI.app.app.graph.clear());
      await page.evaluate(loadWorkflow, saved);
      await page.waitForFunction((id) => window.comfyAPI.app.app.graph.getNodeById(id)?.__lagsNoticeWidget?.element.textContent, pick, { timeout: 10_000 });
    });

    assert.deepEqual(problems, []);
    assert.ok((await page.evaluate(chartStates)).length > 0);
  });
});
