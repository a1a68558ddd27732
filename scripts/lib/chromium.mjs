// Finding a Chromium/Chrome binary for headless figure export (playwright-core).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { capture } from "./proc.mjs";

/** Well-known install locations, in order of preference. */
export const CHROMIUM_PATHS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Browsers that `npx playwright install chromium` left in its cache, newest first. */
function playwrightCacheBrowsers() {
  const cache =
    process.env.PLAYWRIGHT_BROWSERS_PATH || path.join(os.homedir(), ".cache", "ms-playwright");
  if (!fs.existsSync(cache)) return [];
  return fs
    .readdirSync(cache)
    .filter((name) => /^chromium-\d+$/.test(name))
    .sort((a, b) => Number(b.split("-")[1]) - Number(a.split("-")[1]))
    .flatMap((name) => [
      path.join(cache, name, "chrome-linux64", "chrome"),
      path.join(cache, name, "chrome-linux", "chrome"),
    ]);
}

/**
 * Resolves a browser: `$TOMOLAB_CHROMIUM` wins (and must exist), then the
 * common paths, then `chromium`/`google-chrome` on PATH, then playwright's cache.
 * @returns `{ path, source }`, or `{ error }` when $TOMOLAB_CHROMIUM is wrong, or `{}` when nothing is found.
 */
export function findChromium() {
  const fromEnv = process.env.TOMOLAB_CHROMIUM;
  if (fromEnv) {
    return isExecutable(fromEnv)
      ? { path: fromEnv, source: "TOMOLAB_CHROMIUM" }
      : { error: `TOMOLAB_CHROMIUM=${fromEnv} is not an executable file` };
  }
  for (const candidate of CHROMIUM_PATHS) {
    if (isExecutable(candidate)) return { path: candidate, source: "common path" };
  }
  for (const name of ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]) {
    const found = capture("sh", ["-c", `command -v ${name}`]);
    if (found && isExecutable(found)) return { path: found, source: "PATH" };
  }
  for (const candidate of playwrightCacheBrowsers()) {
    if (isExecutable(candidate)) return { path: candidate, source: "playwright cache" };
  }
  return {};
}

export { isExecutable };
