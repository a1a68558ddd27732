// Finding notebooks and running them through scripts/run_notebooks.py (nbclient in .venv).
import fs from "node:fs";
import path from "node:path";
import { paths, root, KERNEL_NAME } from "./paths.mjs";
import { jupyterEnv, runAsync } from "./proc.mjs";

/** The `.ipynb` files directly in `dir`, sorted by name; [] when the folder is missing. */
export function listNotebooks(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".ipynb"))
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * Resolves command-line selectors to notebook paths: a path to an .ipynb file,
 * or a name (with or without .ipynb, or a unique prefix) of a notebook in notebooks/.
 */
export function selectNotebooks(selectors) {
  const available = listNotebooks(paths.notebooks);
  return selectors.map((selector) => {
    if (selector.endsWith(".ipynb") && fs.existsSync(selector)) return path.resolve(selector);
    const stem = selector.replace(/\.ipynb$/, "");
    const exact = available.filter((file) => path.basename(file, ".ipynb") === stem);
    const matches =
      exact.length > 0 ? exact : available.filter((file) => path.basename(file).startsWith(stem));
    if (matches.length !== 1) {
      const names = available.map((f) => path.basename(f, ".ipynb")).join(", ") || "(none)";
      throw new Error(
        `"${selector}" matches ${matches.length} notebooks in notebooks/; available: ${names}`,
      );
    }
    return matches[0];
  });
}

/** True when the notebook's code reads the optional shared data (`../shared/data`). */
export function usesSharedData(file) {
  return /\b(sharedDataPath|requireSharedData|realData|isbi2012Path)\b/.test(
    fs.readFileSync(file, "utf8"),
  );
}

/**
 * Executes notebooks one after another (kernels in `workdir/<name>` when given, else in
 * the notebook's folder); resolves to `{ code, results }` where
 * results are run_notebooks.py's `{ name, path, ok, seconds, error, executed }`.
 */
export async function runNotebooks(
  notebooks,
  { executedDir, reproduceDir, summaryFile, workdir, timeout = 1200, env = {} },
) {
  fs.mkdirSync(path.dirname(summaryFile), { recursive: true });
  fs.rmSync(summaryFile, { force: true });
  const args = [
    paths.runNotebooks,
    "--kernel",
    KERNEL_NAME,
    "--timeout",
    String(timeout),
    "--summary",
    summaryFile,
  ];
  if (executedDir) args.push("--executed-dir", executedDir);
  if (reproduceDir) args.push("--reproduce-dir", reproduceDir);
  if (workdir) args.push("--workdir", workdir);
  args.push(...notebooks.map((file) => path.relative(root, file)));
  const code = await runAsync(paths.venvPython, args, { env: jupyterEnv(env) });
  let results = [];
  try {
    results = JSON.parse(fs.readFileSync(summaryFile, "utf8"));
  } catch {
    // the runner crashed before writing anything: every notebook counts as failed
  }
  const seen = new Set(results.map((r) => path.resolve(root, r.path)));
  for (const file of notebooks) {
    if (!seen.has(path.resolve(file))) {
      results.push({
        name: path.basename(file, ".ipynb"),
        path: path.relative(root, file),
        ok: false,
        seconds: 0,
        error: `not run (run_notebooks.py exited with ${code})`,
        executed: null,
      });
    }
  }
  return { code, results };
}
