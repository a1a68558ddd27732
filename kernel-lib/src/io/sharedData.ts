import { existsSync } from "node:fs";
import path from "node:path";
import { findRepoRoot } from "./projectRoot.js";

/**
 * Absolute path of a file in the project's shared reference data
 * (`../shared/data/` beside the project root, or `TOMOLAB_SHARED_DATA`).
 * @param relative - Path inside the data folder, e.g. "nmc-cathode-taufactor/electrode.tiff".
 * @returns The path, or `undefined` when the data folder or file is absent
 *   (callers skip with a message; see {@link requireSharedData}).
 */
export function sharedDataPath(relative: string): string | undefined {
  const roots: string[] = [];
  if (process.env.TOMOLAB_SHARED_DATA) roots.push(process.env.TOMOLAB_SHARED_DATA);
  const repo = findRepoRoot();
  if (repo) roots.push(path.join(repo, "..", "shared", "data"));
  for (const root of roots) {
    const file = path.resolve(root, relative);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Like {@link sharedDataPath} but throws an Error saying where the file was looked for. */
export function requireSharedData(relative: string): string {
  const file = sharedDataPath(relative);
  if (file) return file;
  const repo = findRepoRoot();
  const where = [
    process.env.TOMOLAB_SHARED_DATA,
    repo && path.join(repo, "..", "shared", "data"),
  ].filter(Boolean);
  throw new Error(
    `shared data file "${relative}" not found (looked in ${where.join(", ") || "no data folder"}); ` +
      `place the data folder at ../shared/data beside the project root or set TOMOLAB_SHARED_DATA`,
  );
}
