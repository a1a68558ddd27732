// Builds the prebuilt JupyterLab extension (jupyter-extension) with @jupyterlab/builder.
//
// `jupyter labextension build` would do the same, but it runs `jlpm` (yarn)
// when the extension folder has no node_modules of its own, which is always the
// case in this npm workspace (dependencies are hoisted to the root). So the
// builder's node CLI is called directly, with the core package folder
// (`jupyterlab/staging`) of the JupyterLab installed in .venv.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { paths } from "./paths.mjs";
import { capture, run } from "./proc.mjs";

/** The `staging` folder of the JupyterLab in .venv, which the builder reads shared packages from. */
export function jupyterlabCorePath() {
  if (!fs.existsSync(paths.venvPython)) {
    throw new Error(`${paths.venvPython} is missing: run \`npm run setup\` first`);
  }
  const core = capture(paths.venvPython, [
    "-c",
    "import os, jupyterlab; print(os.path.join(os.path.dirname(jupyterlab.__file__), 'staging'))",
  ]);
  if (!core || !fs.existsSync(path.join(core, "package.json"))) {
    throw new Error(`JupyterLab is not installed in ${paths.venv}: run \`npm run setup\``);
  }
  return core;
}

/** Compiles the extension's TypeScript (lib/) and bundles it into tomolab_jupyterlab/labextension. */
export function buildLabextension({ development = false } = {}) {
  const require = createRequire(path.join(paths.extension, "package.json"));
  const tsc = require.resolve("typescript/bin/tsc");
  const builder = require.resolve("@jupyterlab/builder/lib/build-labextension.js");
  run(process.execPath, [tsc, "-p", paths.extension]);
  const args = [builder, "--core-path", jupyterlabCorePath()];
  if (development) args.push("--development");
  args.push(paths.extension);
  run(process.execPath, args);
  if (!fs.existsSync(paths.extensionBuilt)) {
    throw new Error(`the builder did not write ${paths.extensionBuilt}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    buildLabextension({ development: process.argv.includes("--development") });
  } catch (error) {
    console.error(error.message);
    process.exit(error.status ?? 1);
  }
}
