// Keeps each trace node's latest run across tab switches and page reloads, like ComfyUI keeps
// image outputs: in the browser tab's sessionStorage, keyed by the workflow's graph id and the
// node's id (a tab switch re-creates the nodes; a reload restores the workflow with its id).

import { parseRecord, serializeRecord } from "./run_record.js";

const PREFIX = "lags.trace:";
/** Stored runs kept per browser tab (the oldest go first). */
export const MAX_STORED = 64;

export function storeKey(graphId, nodeId) {
  return graphId === undefined || graphId === null || nodeId === undefined || nodeId === null
    ? null
    : `${PREFIX}${graphId}:${nodeId}`;
}

/** sessionStorage, or null where the browser refuses it (privacy modes, tests). */
export function defaultStorage() {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

export function saveRecord(storage, key, record) {
  if (!storage || !key) return false;
  try {
    storage.setItem(key, serializeRecord(record));
    prune(storage);
    return true;
  } catch {
    return false; // full or refused: the chart still works, it just will not survive a reload
  }
}

export function loadRecord(storage, key) {
  if (!storage || !key) return null;
  try {
    const text = storage.getItem(key);
    return text === null ? null : parseRecord(text);
  } catch {
    return null;
  }
}

function prune(storage) {
  const keys = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(PREFIX)) keys.push(key);
  }
  if (keys.length <= MAX_STORED) return;
  const dated = keys.map((key) => [key, Number(JSON.parse(storage.getItem(key) ?? "{}").savedAt) || 0]);
  dated.sort((a, b) => a[1] - b[1]);
  dated.slice(0, keys.length - MAX_STORED).forEach(([key]) => storage.removeItem(key));
}
