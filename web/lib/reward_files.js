// Missing reward model files, shown on the reward nodes as soon as a graph loads: the server
// route POST /lags/reward_files (nodes/reward_files_route.py) answers with the message a queued
// prompt would fail with (folders searched, layout expected, where to get the files).

export const ROUTE = "/lags/reward_files";

/** Reward node types -> their file inputs (mirrors nodes/reward_files_route.py FILE_INPUTS). */
export const FILE_INPUTS = Object.freeze({
  LAGSPickScoreReward: ["model"],
  LAGSHPSReward: ["checkpoint"],
  LAGSAestheticReward: ["clip_checkpoint", "head"],
  LAGSClassifierFairnessReward: ["checkpoint"],
});

/** The request body for the reward nodes among `nodes` ({ id, type, widgets }), or null when there are none. */
export function rewardFileRequest(nodes) {
  const entries = [];
  for (const node of nodes ?? []) {
    const type = node?.comfyClass ?? node?.type;
    const inputs = FILE_INPUTS[type];
    if (!inputs) continue;
    const values = {};
    for (const name of inputs) values[name] = node.widgets?.find((w) => w?.name === name)?.value ?? "";
    entries.push({ id: String(node.id), type, values });
  }
  return entries.length ? { nodes: entries } : null;
}

/** The notice text of one node's problems (null when there are none). */
export function problemText(problems) {
  if (!Array.isArray(problems) || problems.length === 0) return null;
  return problems.map((p) => `⚠ ${p.input}: ${p.message}`).join("\n\n");
}
