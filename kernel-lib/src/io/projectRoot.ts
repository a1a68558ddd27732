import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root: the nearest folder above `start` whose package.json declares
 * workspaces (this module's folder, then the working directory, when not given).
 */
export function findRepoRoot(start?: string): string | undefined {
  const starts = start ? [start] : [path.dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const s of starts) {
    let dir = path.resolve(s);
    for (;;) {
      const pkg = path.join(dir, "package.json");
      if (existsSync(pkg)) {
        try {
          if (JSON.parse(readFileSync(pkg, "utf8")).workspaces) return dir;
        } catch {
          // unreadable package.json: keep walking up
        }
      }
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}
