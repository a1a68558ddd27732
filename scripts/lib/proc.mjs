// Running commands: echo, inherit output, fail loudly with the command line.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { root } from "./paths.mjs";

/** Error thrown when a command exits non-zero; `code` is its exit status. */
export class CommandError extends Error {
  constructor(command, status, signal) {
    super(`command failed (${signal ? `signal ${signal}` : `exit ${status}`}): ${command}`);
    this.status = status ?? 1;
  }
}

function display(cmd, args) {
  const rel = (p) => (path.isAbsolute(p) && p.startsWith(root) ? path.relative(root, p) || "." : p);
  return [cmd, ...args]
    .map((a) => rel(String(a)))
    .map((a) => (/\s/.test(a) ? JSON.stringify(a) : a))
    .join(" ");
}

/** Runs a command synchronously with inherited stdio; throws CommandError on failure. */
export function run(cmd, args, options = {}) {
  const { quiet = false, ...spawnOptions } = options;
  if (!quiet) console.log(`  $ ${display(cmd, args)}`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...spawnOptions });
  if (result.error) throw new CommandError(`${display(cmd, args)} (${result.error.message})`, 127);
  if (result.status !== 0) throw new CommandError(display(cmd, args), result.status, result.signal);
  return result;
}

/** Runs a command and returns its trimmed stdout, or undefined when it fails or is missing. */
export function capture(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    ...options,
  });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.trim();
}

/** Runs a command asynchronously with inherited stdio; resolves to its exit code. */
export function runAsync(cmd, args, options = {}) {
  console.log(`  $ ${display(cmd, args)}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit", ...options });
    child.on("error", (error) => {
      console.error(`  could not start ${cmd}: ${error.message}`);
      resolve(127);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** True when running as root (POSIX); false elsewhere. */
export function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Environment for Jupyter processes: prefer the project's .venv data paths over user-global ones. */
export function jupyterEnv(extra = {}) {
  const bin = path.dirname(process.execPath);
  const pathVar = [bin, process.env.PATH ?? ""].join(path.delimiter);
  return {
    ...process.env,
    PATH: pathVar,
    JUPYTER_PREFER_ENV_PATH: "1",
    PYTHONNOUSERSITE: "1",
    ...extra,
  };
}
