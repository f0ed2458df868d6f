// Page functions (page.evaluate) for the published-workflow checks: node boxes, framing
// for thumbnails, and what the Templates browser shows. Each is self-contained: Playwright
// sends its source text, not its closure.

/**
 * Every node's bounding box in graph units, title bar included ([x, y, w, h]), and
 * whether it shows an image preview.
 */
export function nodeBoxes() {
  const graph = window.comfyAPI.app.app.graph;
  const title = window.LiteGraph.NODE_TITLE_HEIGHT ?? 30;
  return graph.nodes.map((node) => {
    const [x, y] = node.pos;
    const [w, h] = node.flags?.collapsed ? [node._collapsed_width ?? node.size[0], 0] : node.size;
    const preview = Boolean(node.imgs?.length || node.widgets?.some((w) => w.name === "$$canvas-image-preview"));
    const needs = node.computeSize?.().map(Math.round) ?? null; // what the frontend would grow it to
    return { id: node.id, type: node.type, title: node.title, box: [x, y - title, w, h + title], preview, needs };
  });
}

/**
 * Zooms and pans so that the given nodes fill a square of `side` CSS px centred at
 * `centre` (page coordinates); returns that square as a screenshot clip.
 */
export function frameNodesInSquare({ ids, side, centre }) {
  const canvas = window.comfyAPI.app.app.canvas;
  const graph = window.comfyAPI.app.app.graph;
  const nodes = ids.map((id) => graph.getNodeById(id)).filter(Boolean);
  nodes.forEach((node) => canvas.bringToFront?.(node));
  const title = window.LiteGraph.NODE_TITLE_HEIGHT ?? 30;
  const margin = 24;
  const left = Math.min(...nodes.map((n) => n.pos[0])) - margin;
  const top = Math.min(...nodes.map((n) => n.pos[1] - title)) - margin;
  const right = Math.max(...nodes.map((n) => n.pos[0] + n.size[0])) + margin;
  const bottom = Math.max(...nodes.map((n) => n.pos[1] + n.size[1])) + margin;
  const rect = canvas.canvas.getBoundingClientRect();
  const scale = Math.min(1.25, side / (right - left), side / (bottom - top));
  // screen = (graph + offset) * scale, measured from the canvas element's corner
  canvas.ds.scale = scale;
  canvas.ds.offset[0] = (centre[0] - rect.left) / scale - (left + right) / 2;
  canvas.ds.offset[1] = (centre[1] - rect.top) / scale - (top + bottom) / 2;
  canvas.setDirty(true, true);
  return { x: centre[0] - side / 2, y: centre[1] - side / 2, width: side, height: side };
}

/** Sets a latent node's size (EmptySD3LatentImage is not shrunk by prepareForTinyModel). */
export function setLatentSize({ pixels }) {
  const graph = window.comfyAPI.app.app.graph;
  for (const node of graph.nodes.filter((n) => /^Empty.*LatentImage$/.test(n.type))) {
    for (const name of ["width", "height"]) {
      const widget = node.widgets.find((w) => w.name === name);
      widget.value = pixels;
      widget.callback?.(pixels);
    }
  }
}

/** Opens the Templates browser (the frontend's own command). */
export async function openTemplates() {
  await window.comfyAPI.app.app.extensionManager.command.execute("Comfy.BrowseTemplates");
}

/**
 * For each title, the template card's thumbnail (the card's <img> has the title as its alt
 * text): its size once loaded, and whether it is the frontend's stand-in for a missing one.
 * With `untilLoaded`, null until every card's picture has loaded (for waitForFunction).
 */
export function templateCards({ titles, untilLoaded = false }) {
  const cards = {};
  for (const title of titles) {
    const img = [...document.querySelectorAll("img")].find((i) => i.alt === title);
    cards[title] = img
      ? { width: img.complete ? img.naturalWidth : 0, standIn: img.src.includes("default-template") }
      : null;
  }
  const ready = Object.values(cards).every((c) => c?.width > 0);
  return untilLoaded && !ready ? null : cards;
}

/** Whether a dialog covers the graph (a screenshot of the graph would show it instead). */
export function dialogOpen() {
  return [...document.querySelectorAll(".p-dialog, [role='dialog']")].some((e) => e.getBoundingClientRect().width > 0);
}
