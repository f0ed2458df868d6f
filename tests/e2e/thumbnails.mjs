// Thumbnails of the published workflows (test-only): a square JPEG of the pack's nodes
// as the browser test leaves them, for ComfyUI's Templates browser, which shows
// example_workflows/<name>.jpg on the card of example_workflows/<name>.json.
//
// Always written to tests/e2e/output/thumbnails/; with LAGS_UPDATE_THUMBNAILS=1 also
// into example_workflows/ (and the chart pictures of the node help pages into
// web/docs/images/), where they are committed.

import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { REPO } from "./comfy_server.mjs";
import * as layout from "./layout_steps.mjs";

export const UPDATE = process.env.LAGS_UPDATE_THUMBNAILS === "1";
export const EXAMPLES = join(REPO, "example_workflows");
const OUTPUT = join(REPO, "tests", "e2e", "output", "thumbnails");
const DOC_IMAGES = join(REPO, "web", "docs", "images");
const SIDE = 760; // CSS px (the viewport is 1600x1000 at device scale 1)
const CENTRE = [820, 560]; // clear of the side bar, the top bar and toasts, and the canvas controls

/** Frames the nodes in a square and saves it as `<stem>.jpg`; returns the path written. */
export async function saveThumbnail(page, nodeIds, stem) {
  if (await page.evaluate(layout.dialogOpen)) throw new Error(`a dialog covers the graph: no thumbnail of ${stem}`);
  await mkdir(OUTPUT, { recursive: true });
  const clip = await page.evaluate(layout.frameNodesInSquare, { ids: nodeIds, side: SIDE, centre: CENTRE });
  await page.waitForTimeout(600); // DOM widgets follow the canvas on the next frames
  const path = join(OUTPUT, `${stem}.jpg`);
  await page.screenshot({ path, type: "jpeg", quality: 82, clip });
  if (UPDATE) await copyFile(path, join(EXAMPLES, `${stem}.jpg`));
  return path;
}

/**
 * With LAGS_UPDATE_THUMBNAILS=1: the chart pictures the node help pages show, each node
 * framed on its own in a tall window so its chart is drawn at full size.
 */
export async function saveDocImages(page, { samplerId, scheduleId }) {
  if (!UPDATE) return [];
  await mkdir(DOC_IMAGES, { recursive: true });
  const viewport = page.viewportSize();
  const pictures = [[scheduleId, ".lags_schedule_chart canvas", "schedule_chart.png"], [samplerId, ".lags_trace_chart", "trace_chart.png"]];
  const written = [];
  try {
    await page.setViewportSize({ width: viewport.width, height: 1800 });
    for (const [nodeId, selector, file] of pictures) {
      await page.evaluate(layout.frameNodesInSquare, { ids: [nodeId], side: 1500, centre: [viewport.width / 2, 900] });
      await page.waitForTimeout(600);
      written.push(join(DOC_IMAGES, file));
      await page.locator(selector).first().screenshot({ path: written.at(-1) });
    }
  } finally {
    await page.setViewportSize(viewport);
  }
  return written;
}
