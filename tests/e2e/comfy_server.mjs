// Starts a throw-away ComfyUI server for the end-to-end test (test-only).
//
// A temporary --base-directory holds custom_nodes/ with symlinks to the packs, models,
// user settings and outputs, so nothing is written into the ComfyUI checkout. The
// torchvision stand-in of tests/host/stubs goes on PYTHONPATH only when a real
// torchvision cannot be imported.

import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";

export const REPO = resolve(new URL("../..", import.meta.url).pathname);
const STUBS = join(REPO, "tests", "host", "stubs");
const START_TIMEOUT_MS = 180_000;

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function answers(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * packs: { folderName: absolutePath } symlinked into custom_nodes/.
 * settings: the frontend user settings to start with (comfy.settings.json).
 * extraArgs: more main.py arguments (e.g. --front-end-root to try another frontend).
 * Returns { url, base, logPath, log(), stop() }.
 */
export async function startComfy({ comfyuiPath, packs, settings = {}, extraArgs = [], python = process.env.PYTHON ?? "python3" }) {
  const base = await mkdtemp(join(tmpdir(), "lags-e2e-comfy-"));
  await mkdir(join(base, "custom_nodes"));
  for (const [name, path] of Object.entries(packs)) await symlink(path, join(base, "custom_nodes", name), "dir");
  await mkdir(join(base, "user", "default"), { recursive: true });
  await writeFile(join(base, "user", "default", "comfy.settings.json"), JSON.stringify(settings));

  const env = { ...process.env };
  if (spawnSync(python, ["-c", "import torchvision"]).status !== 0) {
    env.PYTHONPATH = [env.PYTHONPATH, STUBS].filter(Boolean).join(delimiter);
  }
  const port = await freePort();
  const logPath = join(base, "server.log");
  const logFile = await open(logPath, "w");
  const args = [
    join(comfyuiPath, "main.py"), "--cpu", "--listen", "127.0.0.1", "--port", String(port),
    "--disable-auto-launch", "--disable-api-nodes", "--base-directory", base, ...extraArgs,
  ];
  const child = spawn(python, args, { cwd: comfyuiPath, env, stdio: ["ignore", logFile.fd, logFile.fd] });
  let exited = null;
  child.once("exit", (code, signal) => (exited = { code, signal }));

  const url = `http://127.0.0.1:${port}`;
  const log = async (chars = 6000) => (await readFile(logPath, "utf8").catch(() => "")).slice(-chars);
  const stop = async () => {
    if (!exited) {
      const gone = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      const timer = setTimeout(() => exited || child.kill("SIGKILL"), 20_000);
      await gone;
      clearTimeout(timer);
    }
    await logFile.close().catch(() => {});
  };
  const cleanUp = async () => {
    await stop();
    await rm(base, { recursive: true, force: true }); // removes the symlinks, not their targets
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answers(`${url}/system_stats`))) {
    if (exited || Date.now() > deadline) {
      const tail = await log();
      await cleanUp();
      throw new Error(`ComfyUI ${exited ? `exited (${JSON.stringify(exited)})` : "did not answer"}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, base, logPath, log, stop, cleanUp };
}
