import { existsSync } from "node:fs";
import path from "node:path";
import { findRepoRoot } from "./projectRoot.js";

/**
 * Absolute path of a file in the project's shared reference data
 * (`../shared/data/` beside the project root, or `TOMOLAB_SHARED_DATA`).
 * `TOMOLAB_SHARED_DATA=none` hides the data even when it is present, so a checkout can
 * be tested as a user without the data would see it (`npm test` does so for the notebooks
 * that use it).
 * @param relative - Path inside the data folder, e.g. "nmc-cathode-taufactor/electrode.tiff".
 * @returns The path, or `undefined` when the data folder or file is absent
 *   (callers skip with a message; see {@link requireSharedData}).
 */
export function sharedDataPath(relative: string): string | undefined {
  if (sharedDataDisabled()) return undefined;
  const root = sharedDataRoot();
  if (!root) return undefined;
  const file = path.resolve(root, relative);
  return existsSync(file) ? file : undefined;
}

/**
 * The one data folder looked in: `TOMOLAB_SHARED_DATA` when set (only there, so pointing it
 * at a folder that does not exist also hides the data), else `../shared/data` beside the root.
 */
function sharedDataRoot(): string | undefined {
  if (process.env.TOMOLAB_SHARED_DATA) return process.env.TOMOLAB_SHARED_DATA;
  const repo = findRepoRoot();
  return repo ? path.join(repo, "..", "shared", "data") : undefined;
}

/** True when `TOMOLAB_SHARED_DATA=none`: the shared data is treated as absent. */
export function sharedDataDisabled(): boolean {
  return process.env.TOMOLAB_SHARED_DATA === "none";
}

/** Like {@link sharedDataPath} but throws an Error saying where the file was looked for. */
export function requireSharedData(relative: string): string {
  const file = sharedDataPath(relative);
  if (file) return file;
  if (sharedDataDisabled())
    throw new Error(
      `shared data file "${relative}" not available: TOMOLAB_SHARED_DATA=none hides the shared data folder`,
    );
  throw new Error(
    `shared data file "${relative}" not found (looked in ${sharedDataRoot() ?? "no data folder"}); ` +
      `place the data folder at ../shared/data beside the project root or set TOMOLAB_SHARED_DATA`,
  );
}
