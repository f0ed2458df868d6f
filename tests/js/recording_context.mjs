// A stand-in for CanvasRenderingContext2D that records calls, so drawing code can be
// checked in Node: what was filled/stroked, which text was written, no NaN coordinates.
export function recordingContext() {
  const calls = [];
  const state = {};
  const record = (name) => (...args) => calls.push({ name, args, style: { ...state } });
  const ctx = new Proxy(state, {
    get(target, prop) {
      if (prop === "calls") return calls;
      if (prop in target) return target[prop];
      return record(prop);
    },
    set(target, prop, value) {
      target[prop] = value;
      return true;
    },
  });
  return ctx;
}

export const texts = (ctx) => ctx.calls.filter((c) => c.name === "fillText").map((c) => c.args[0]);

/** Every numeric argument of every call is finite (NaN would silently draw nothing). */
export function allFinite(ctx) {
  return ctx.calls.every((c) => c.args.every((a) => typeof a !== "number" || Number.isFinite(a)));
}
