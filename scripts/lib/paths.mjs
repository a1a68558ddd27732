// Paths of the project checkout and of the things setup makes in it.
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root (this file is scripts/lib/paths.mjs). */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const isWindows = process.platform === "win32";
const venvBin = isWindows ? "Scripts" : "bin";
const exe = isWindows ? ".exe" : "";

export const paths = {
  root,
  lock: path.join(root, "package-lock.json"),
  nodeModules: path.join(root, "node_modules"),
  nodeStamp: path.join(root, "node_modules", ".tomolab-setup-stamp"),
  /** Build stamps live in node_modules so that `npm ci` invalidates them. */
  buildStamps: path.join(root, "node_modules", ".tomolab-build-stamps"),
  venv: path.join(root, ".venv"),
  venvStamp: path.join(root, ".venv", ".tomolab-setup-stamp"),
  venvPython: path.join(root, ".venv", venvBin, `python${exe}`),
  venvJupyter: path.join(root, ".venv", venvBin, `jupyter${exe}`),
  venvShare: path.join(root, ".venv", "share", "jupyter"),
  requirements: path.join(root, "scripts", "lib", "requirements.txt"),
  constraints: path.join(root, "scripts", "lib", "constraints.txt"),
  tslabBin: path.join(root, "node_modules", ".bin", isWindows ? "tslab.cmd" : "tslab"),
  kernelLib: path.join(root, "kernel-lib"),
  kernelLibDist: path.join(root, "kernel-lib", "dist", "index.js"),
  extension: path.join(root, "jupyter-extension"),
  extensionBuilt: path.join(
    root,
    "jupyter-extension",
    "tomolab_jupyterlab",
    "labextension",
    "package.json",
  ),
  extensionInstalled: path.join(
    root,
    ".venv",
    "share",
    "jupyter",
    "labextensions",
    "tomolab-jupyterlab",
  ),
  setupJson: path.join(root, ".tomolab-setup.json"),
  notebooks: path.join(root, "notebooks"),
  testNotebooks: path.join(root, "test", "notebooks"),
  figures: path.join(root, "figures"),
  runNotebooks: path.join(root, "scripts", "run_notebooks.py"),
  cache: path.join(root, ".cache", "tomolab"),
};

/** Name of the Jupyter kernel spec tslab registers. */
export const KERNEL_NAME = "tslab";
/** Name of the labextension, as `jupyter labextension list` shows it. */
export const EXTENSION_NAME = "tomolab-jupyterlab";
