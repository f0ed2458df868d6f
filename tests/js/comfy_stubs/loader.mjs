// Module resolve hook: web/lags.js imports ComfyUI's "../../scripts/app.js" and
// "../../scripts/api.js"; in Node those resolve to the stand-ins next to this file.
const STUBS = { "/scripts/app.js": "./app.mjs", "/scripts/api.js": "./api.mjs" };

export async function resolve(specifier, context, next) {
  const hit = Object.keys(STUBS).find((tail) => specifier.endsWith(tail));
  if (hit) return { url: new URL(STUBS[hit], import.meta.url).href, shortCircuit: true };
  return next(specifier, context);
}
