// Hook for the extension's browser (UI) tests.
//
// When jupyter-extension/ui-tests/run.mjs exists, `npm test` runs it with
// Node after the notebooks, with the project's .venv first on PATH and
// TOMOLAB_CHROMIUM set (when setup found a browser). It must exit 0 on success
// and may print "ui: N passed, N failed" for the counts. Until it exists, the
// phase is reported as skipped.
import fs from "node:fs";
import path from "node:path";
import { paths } from "./paths.mjs";
import { jupyterEnv, runAsync } from "./proc.mjs";
import { readSetupJson } from "./setup.mjs";

export const UI_TESTS_ENTRY = path.join(paths.extension, "ui-tests", "run.mjs");

/** Resolves to `{ skipped: reason }` or `{ code }`. */
export async function runUiTests() {
  if (!fs.existsSync(UI_TESTS_ENTRY)) return { skipped: "no UI tests yet (jupyter-extension/ui-tests/run.mjs)" };
  const chromium = readSetupJson().chromium;
  const env = jupyterEnv({
    PATH: [path.dirname(paths.venvPython), path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter),
    ...(chromium && !process.env.TOMOLAB_CHROMIUM ? { TOMOLAB_CHROMIUM: chromium } : {}),
  });
  const code = await runAsync(process.execPath, [UI_TESTS_ENTRY], { cwd: path.dirname(UI_TESTS_ENTRY), env });
  return { code };
}
