// Messages shown on a node, by source ("files", "range", "forecast"...): in the banner of the
// node's chart when it has one, else in a small text widget added at the end of the node
// (not saved, not sent). A null message clears that source.

const COLOURS = { warn: ["#ff9f43", "#3a2a12"], error: ["#ff5c5c", "#3a1616"] };

/** The combined notice of a node: { text, level } or null. */
export function combinedNotice(notices) {
  const entries = Object.values(notices ?? {}).filter((n) => n?.text);
  if (!entries.length) return null;
  return { text: entries.map((n) => n.text).join("\n"), level: entries.some((n) => n.level === "error") ? "error" : "warn" };
}

/** Sets (or with text null, clears) the notice `source` on `node`; returns the element showing it, if any. */
export function setNotice(node, source, text, level = "warn") {
  if (!node) return null;
  const notices = (node.__lagsNotices ??= {});
  if (text) notices[source] = { text, level };
  else delete notices[source];
  const shown = combinedNotice(notices);
  const element = noticeElement(node, Boolean(shown));
  if (!element) return null;
  element.textContent = shown?.text ?? "";
  element.style.display = shown ? "block" : "none";
  const [colour, background] = COLOURS[shown?.level ?? "warn"];
  element.style.color = colour;
  element.style.background = background;
  element.dataset.level = shown?.level ?? "";
  if (shown) grow(node);
  node.setDirtyCanvas?.(true, true);
  return element;
}

function noticeElement(node, needed) {
  const banner = node.__lags?.chart?.banner;
  if (banner) return banner;
  if (node.__lagsNoticeWidget) return node.__lagsNoticeWidget.element;
  if (!needed || typeof node.addDOMWidget !== "function" || typeof document === "undefined") return null;
  const element = document.createElement("div");
  element.className = "lags-notice";
  element.style.cssText = "font:12px/15px sans-serif;white-space:pre-wrap;overflow-wrap:anywhere;padding:4px 6px;"
    + "border-radius:4px;box-sizing:border-box;width:100%;pointer-events:none;";
  const widget = node.addDOMWidget("lags_notice", "lags_notice", element, {
    serialize: false,
    hideOnZoom: false,
    getMinHeight: () => (element.style.display === "none" ? 0 : estimateHeight(element.textContent, node.size?.[0])),
  });
  if (!widget) return null;
  widget.serialize = false;
  node.__lagsNoticeWidget = { widget, element };
  return element;
}

/** Height for `text` wrapped at ~7 px per character in a node `width` wide. */
export function estimateHeight(text, width = 320) {
  const perLine = Math.max(20, Math.floor(((width || 320) - 24) / 6.6));
  const lines = String(text ?? "").split("\n").reduce((n, line) => n + Math.max(1, Math.ceil(line.length / perLine)), 0);
  return lines * 15 + 12;
}

function grow(node) {
  const need = node.computeSize?.();
  if (!need || !node.size) return;
  if (need[1] > node.size[1] || need[0] > node.size[0]) node.setSize?.([Math.max(node.size[0], need[0]), Math.max(node.size[1], need[1])]);
}
