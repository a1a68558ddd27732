import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { findRepoRoot } from "../io/projectRoot.js";

/**
 * Command-line flags for headless Chromium on a machine without network: without the
 * networking/update/sync switches Chromium waits on connections that never open.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  // WebGL (plotly's 3D scenes) then runs on SwiftShader, which Chromium only allows with
  // this switch (Playwright passes it too; kept here so that 3D export does not depend on it).
  "--enable-unsafe-swiftshader",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-dev-shm-usage",
];

/** Browsers tried when neither TOMOLAB_CHROMIUM nor the setup file names one. */
export const SYSTEM_CHROMIUM_PATHS: readonly string[] = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where a Chromium was found, and how. */
export interface ChromiumLocation {
  path: string;
  source: "TOMOLAB_CHROMIUM" | ".tomolab-setup.json" | "system";
}

/**
 * Locate a Chromium for figure export: env `TOMOLAB_CHROMIUM`, else the `chromium` field
 * of `<repo root>/.tomolab-setup.json` (written by `npm run setup`), else the usual
 * system paths. Returns undefined when none is found.
 */
export function locateChromium(): ChromiumLocation | undefined {
  const env = process.env.TOMOLAB_CHROMIUM;
  if (env) {
    if (!isExecutable(env)) {
      throw new Error(`TOMOLAB_CHROMIUM is set to "${env}", which is not an executable file`);
    }
    return { path: env, source: "TOMOLAB_CHROMIUM" };
  }
  const root = findRepoRoot();
  if (root) {
    const setupFile = path.join(root, ".tomolab-setup.json");
    if (existsSync(setupFile)) {
      try {
        const chromium = JSON.parse(readFileSync(setupFile, "utf8")).chromium;
        if (typeof chromium === "string" && isExecutable(chromium))
          return { path: chromium, source: ".tomolab-setup.json" };
      } catch {
        // a broken setup file falls through to the system paths
      }
    }
  }
  for (const p of SYSTEM_CHROMIUM_PATHS) if (isExecutable(p)) return { path: p, source: "system" };
  return undefined;
}

/** Like {@link locateChromium} but throws an error that says how to get a browser. */
export function findChromium(): string {
  const found = locateChromium();
  if (!found) {
    throw new Error(
      "figure export needs a Chromium browser and none was found (tried TOMOLAB_CHROMIUM, " +
        `.tomolab-setup.json, ${SYSTEM_CHROMIUM_PATHS.join(", ")}): install one ` +
        "(`sudo apt-get install chromium`, or `npm run setup`) or set TOMOLAB_CHROMIUM to its executable",
    );
  }
  return found.path;
}
