// Just enough of `document` for the chart widget: elements with style/dataset and
// canvases whose 2D context records calls.
import { recordingContext } from "./recording_context.mjs";

function element(tag) {
  const el = { tagName: tag.toUpperCase(), style: {}, dataset: {}, children: [], textContent: "", className: "" };
  el.append = (...kids) => el.children.push(...kids);
  if (tag === "canvas") {
    el.clientWidth = 300;
    el.clientHeight = 120;
    el.width = 0;
    el.height = 0;
    el.context = recordingContext();
    el.getContext = () => el.context;
  }
  return el;
}

export function installFakeDom() {
  globalThis.document = { createElement: element };
  return () => delete globalThis.document;
}
