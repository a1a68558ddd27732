// Hook for the extension's browser (UI) tests.
//
// When jupyter-extension/ui-tests/run.mjs exists, `npm test` runs it with
// Node after the notebooks, with the project's .venv first on PATH and
// TOMOLAB_CHROMIUM set (when setup found a browser). It must exit 0 on success
// and may write {"passed": n, "failed": n} to $TOMOLAB_UI_RESULTS for the
// counts. Without it, the phase is reported as skipped.
import fs from "node:fs";
import path from "node:path";
import { paths } from "./paths.mjs";
import { jupyterEnv, runAsync } from "./proc.mjs";
import { readSetupJson } from "./setup.mjs";

export const UI_TESTS_ENTRY = path.join(paths.extension, "ui-tests", "run.mjs");
const resultsFile = path.join(paths.cache, "ui-results.json");

/** Resolves to `{ missing: reason }` or `{ code, passed?, failed?, skipped? }`. */
export async function runUiTests() {
  if (!fs.existsSync(UI_TESTS_ENTRY))
    return { missing: "no UI tests yet (jupyter-extension/ui-tests/run.mjs)" };
  const chromium = readSetupJson().chromium;
  const env = jupyterEnv({
    PATH: [
      path.dirname(paths.venvPython),
      path.dirname(process.execPath),
      process.env.PATH ?? "",
    ].join(path.delimiter),
    ...(chromium && !process.env.TOMOLAB_CHROMIUM ? { TOMOLAB_CHROMIUM: chromium } : {}),
    TOMOLAB_UI_RESULTS: resultsFile,
  });
  fs.mkdirSync(paths.cache, { recursive: true });
  fs.rmSync(resultsFile, { force: true });
  const code = await runAsync(process.execPath, [UI_TESTS_ENTRY], {
    cwd: path.dirname(UI_TESTS_ENTRY),
    env,
  });
  try {
    return { code, ...JSON.parse(fs.readFileSync(resultsFile, "utf8")) };
  } catch {
    return { code };
  }
}
