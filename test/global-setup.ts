import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

/**
 * Worker threads run compiled JavaScript from kernel-lib/dist, so the library
 * is compiled before the tests. Type errors are reported but do not stop the
 * run (tsc still emits); `npm test` type-checks separately and fails on them.
 */
export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", path.join(root, "kernel-lib")], {
    encoding: "utf8",
  });
  if (result.status !== 0) {
    process.stderr.write(
      `[global-setup] tsc reported errors while building kernel-lib/dist:\n${result.stdout}${result.stderr}\n`,
    );
  }
}
