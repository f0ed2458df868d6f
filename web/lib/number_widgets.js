// The LAGS nodes' number widgets as a demanding user expects them: the value shown with the
// decimals it really has, a typed value outside the widget's range refused with a message
// (ComfyUI's frontend would clamp it silently: ε typed as 0 became 0.0001 shown as "0.00"),
// and inputs the node marks "advanced" hidden until "Show Advanced" (frontend 1.35 reads
// the flag into widget.options but does not set widget.advanced itself).

/** Decimals of a rounding step: 0.0001 -> 4, 0.5 -> 1, 1 -> 0. */
export function decimalsOf(step) {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  return Math.max(0, Math.min(10, Math.ceil(-Math.log10(step) - 1e-9)));
}

/** The value with at most `precision` decimals and no trailing zeros: 0.0001, 10, 3.5. */
export function displayText(value, precision) {
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return String(Number(n.toFixed(Math.max(0, Math.min(precision ?? 3, 10)))));
}

/** What was typed, as the frontend reads it (a number or simple arithmetic); null if not a number. */
export function parseTyped(typed) {
  const text = String(typed ?? "").trim();
  if (text === "") return null;
  let value = Number(text);
  if (Number.isNaN(value) && /^[\d\s()*+/.eE-]+$/.test(text)) {
    try {
      value = Number(Function(`"use strict"; return (${text});`)());
    } catch {
      value = NaN;
    }
  }
  return Number.isNaN(value) ? null : value;
}

const show = (v) => displayText(v, 6);

/** Why `value` is outside the widget's range (its options' min/max), or null. */
export function rangeProblem(name, value, options = {}) {
  const { min, max } = options;
  const below = typeof min === "number" && value < min;
  const above = typeof max === "number" && value > max;
  if (!below && !above && Number.isFinite(value)) return null;
  const hasMin = typeof min === "number";
  const hasMax = typeof max === "number";
  const range = hasMin && hasMax ? `from ${show(min)} to ${show(max)}` : hasMin ? `at least ${show(min)}` : hasMax ? `at most ${show(max)}` : "a finite number";
  return `${name} must be ${range}; ${show(value)} was not accepted (the value stays ${"{old}"}).`;
}

/**
 * Applies the three behaviours to one widget (once). `onReject(widget, message)` is told about
 * a refused typed value; the widget keeps its old value.
 */
export function enhanceWidget(widget, { onReject = () => {}, onAccept = () => {} } = {}) {
  if (!widget || widget.__lagsEnhanced) return false;
  widget.__lagsEnhanced = true;
  if (widget.options?.advanced) widget.advanced = true;
  if (widget.type !== "number") return true;
  const options = (widget.options ??= {});
  const needed = decimalsOf(options.round);
  if (typeof options.round === "number" && !(options.precision >= needed)) options.precision = needed;
  try {
    Object.defineProperty(widget, "_displayValue", {
      configurable: true,
      get() {
        return this.computedDisabled ? "" : displayText(this.value, this.options?.precision ?? 3);
      },
    });
  } catch {
    // a frontend whose widgets are sealed keeps its own display
  }
  const onClick = widget.onClick;
  if (typeof onClick !== "function") return true;
  widget.onClick = function (event) {
    const canvas = event?.canvas;
    if (typeof canvas?.prompt !== "function") return onClick.call(this, event);
    const own = Object.hasOwn(canvas, "prompt");
    const prompt = canvas.prompt;
    canvas.prompt = (title, value, callback, ...rest) =>
      prompt.call(canvas, title, value, (typed) => {
        const parsed = parseTyped(typed);
        const problem = parsed === null ? null : rangeProblem(this.label ?? this.name, parsed, this.options);
        if (problem) return onReject(this, problem.replace("{old}", displayText(this.value, this.options?.precision)));
        onAccept(this);
        return callback(typed);
      }, ...rest);
    try {
      return onClick.call(this, event);
    } finally {
      if (own) canvas.prompt = prompt;
      else delete canvas.prompt;
    }
  };
  return true;
}

/**
 * Advanced widgets take no room while hidden: frontend 1.35 skips drawing them but still lays
 * them out (a gap in the node), so they are also marked `hidden` until "Show Advanced".
 * Returns true when something changed.
 */
export function syncAdvanced(node) {
  let changed = false;
  for (const widget of node?.widgets ?? []) {
    if (!widget?.advanced) continue;
    const hidden = !node.showAdvanced;
    if (Boolean(widget.hidden) !== hidden) {
      widget.hidden = hidden;
      changed = true;
    }
  }
  return changed;
}
