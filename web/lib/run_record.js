// What a trace node shows about its latest run: the trace points (trace.js), the particles'
// ESS per step, and how the run ended (pure; lags.js feeds it the server's messages).
//
// status: "idle" (no run seen), "running", "done", "interrupted", "failed".

import { addParticlesPoint } from "./particles.js";
import { addTracePoint, emptyTrace } from "./trace.js";

export const RECORD_VERSION = 1;

export function emptyRecord() {
  return { trace: emptyTrace(), ess: [], status: "idle", error: null };
}

/** A run of this node starts: everything from the previous run is cleared. */
export function startedRecord() {
  return { ...emptyRecord(), status: "running" };
}

/** One "lags.trace" point (extra: `displacement`, already parsed). A restart of the steps clears the ESS too. */
export function withTracePoint(record, point, { newRun = false } = {}) {
  const trace = addTracePoint(record.trace, point, { newRun });
  const restarted = trace.runs !== record.trace.runs && record.trace.points.length > 0;
  return { ...record, trace, ess: restarted ? [] : record.ess, status: "running", error: null };
}

/** One "lags.particles" point. */
export function withParticlesPoint(record, point) {
  const status = record.status === "idle" ? "running" : record.status;
  return { ...record, ess: addParticlesPoint(record.ess, point), status };
}

/** The run ended: "done", "interrupted" or "failed" (with the error's words). Only a running record changes. */
export function finishedRecord(record, outcome, error = null) {
  if (record.status !== "running") return record;
  return { ...record, status: outcome, error: outcome === "failed" ? String(error ?? "error") : null };
}

/** The last step the run reached (trace or ESS), and its step count. */
export function reached(record) {
  const last = record.trace.points[record.trace.points.length - 1];
  const lastEss = record.ess[record.ess.length - 1];
  const step = Math.max(last?.step ?? 0, lastEss?.step ?? 0);
  return { step, steps: record.trace.steps || lastEss?.steps || 0 };
}

/** The record as stored (JSON-safe). */
export function serializeRecord(record) {
  return JSON.stringify({ v: RECORD_VERSION, trace: record.trace, ess: record.ess, status: record.status, error: record.error, savedAt: Date.now() });
}

const isObject = (v) => v !== null && typeof v === "object";
const validPoint = (p) => isObject(p) && Number.isInteger(p.step) && p.step >= 1 && Number.isInteger(p.steps);
const validEss = (p) => isObject(p) && Number.isInteger(p.step) && p.step >= 1 && typeof p.ess === "number";

/** A stored record, or null when the text is not one (other version, damaged, foreign). */
export function parseRecord(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(data) || data.v !== RECORD_VERSION || !isObject(data.trace) || !Array.isArray(data.trace.points)) return null;
  if (!data.trace.points.every(validPoint) || !Array.isArray(data.ess) || !data.ess.every(validEss)) return null;
  const status = ["idle", "running", "done", "interrupted", "failed"].includes(data.status) ? data.status : "done";
  return {
    trace: { steps: Number(data.trace.steps) || 0, points: data.trace.points, runs: Number(data.trace.runs) || 0 },
    ess: data.ess,
    // A run still going when the page went away was not seen to finish (new messages resume it).
    status: status === "running" ? "interrupted" : status,
    error: status === "running" ? "the page was reloaded while it ran" : typeof data.error === "string" ? data.error : null,
  };
}
