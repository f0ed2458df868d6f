// Reference values written by make_fixtures.py (ComfyUI's Python and the pack's schedulers/).
import { readFileSync } from "node:fs";

const load = (name) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
export const SIGMAS = load("sigmas.json");
export const ALPHA = load("alpha.json");

/** Largest relative difference between two lists (exact zeros must match exactly). */
export function worstRelativeError(actual, expected) {
  let worst = 0;
  expected.forEach((e, i) => {
    const a = actual[i];
    if (e === 0) worst = Math.max(worst, a === 0 ? 0 : Infinity);
    else worst = Math.max(worst, Math.abs(a - e) / Math.abs(e));
  });
  return worst;
}
