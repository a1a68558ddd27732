import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

/**
 * Worker threads run compiled JavaScript from kernel-lib/dist, so the
 * library is compiled once before the tests (incremental, fast when fresh).
 */
export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", path.join(root, "kernel-lib")], {
    stdio: "inherit",
  });
}
