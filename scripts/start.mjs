#!/usr/bin/env node
// npm start: setup when needed, then JupyterLab from .venv on 127.0.0.1 in notebooks/ (no browser).
// Prints the URL with its token once the server answers. Ctrl-C stops it.
//
// Options: --port N (default: first free from 8888; or $TOMOLAB_PORT), --token T (default:
// $JUPYTER_TOKEN or a random one); other arguments go to `jupyter lab`.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import { ensureSetup } from "./lib/setup.mjs";
import { paths } from "./lib/paths.mjs";
import { log } from "./lib/log.mjs";
import { isRoot, jupyterEnv } from "./lib/proc.mjs";

const HOST = "127.0.0.1";

function takeOption(args, name) {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const [arg] = args.splice(i, 1);
  if (arg.includes("=")) return arg.slice(arg.indexOf("=") + 1);
  const [value] = args.splice(i, 1);
  return value;
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

async function choosePort(wanted) {
  if (wanted !== undefined) {
    const port = Number(wanted);
    if (!Number.isInteger(port) || port <= 0 || port > 65535)
      throw new RangeError(`--port must be a TCP port, received "${wanted}"`);
    if (!(await portIsFree(port))) throw new Error(`port ${port} on ${HOST} is already in use`);
    return port;
  }
  for (let port = 8888; port < 8988; port++) {
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in 8888-8987 on ${HOST}; pass --port`);
}

async function waitUntilUp(url, child) {
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function main() {
  const args = process.argv.slice(2);
  const port = await choosePort(takeOption(args, "port") ?? process.env.TOMOLAB_PORT);
  const token =
    takeOption(args, "token") ?? process.env.JUPYTER_TOKEN ?? randomBytes(24).toString("hex");
  ensureSetup();
  fs.mkdirSync(paths.notebooks, { recursive: true });

  const child = spawn(
    paths.venvJupyter,
    [
      "lab",
      "--no-browser",
      `--ServerApp.ip=${HOST}`,
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--ServerApp.root_dir=${paths.notebooks}`,
      `--IdentityProvider.token=${token}`,
      // Containers and CI machines often run as root; Jupyter refuses that unless told.
      ...(isRoot() ? ["--ServerApp.allow_root=True"] : []),
      ...args,
    ],
    { cwd: paths.notebooks, stdio: "inherit", env: jupyterEnv() },
  );
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      if (child.exitCode === null) child.kill(signal === "SIGHUP" ? "SIGTERM" : signal);
    });
  }
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

  const base = `http://${HOST}:${port}`;
  if (await waitUntilUp(`${base}/api/status?token=${token}`, child)) {
    const url = `${base}/lab?token=${token}`;
    log.plain("");
    log.ok("start", `JupyterLab is running in notebooks/ with the tslab (TypeScript) kernel:`);
    log.plain(`\n    ${url}\n`);
    log.plain("  Open it in a browser. Ctrl-C stops the server.\n");
  }
}

main().catch((error) => {
  log.error("start", error.message);
  process.exit(1);
});
