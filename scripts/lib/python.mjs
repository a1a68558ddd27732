// Finding a Python 3 that can make a virtual environment (venv + ensurepip).
import { capture } from "./proc.mjs";

/** Oldest Python the pinned Jupyter stack (constraints.txt) installs on. */
export const MIN_PYTHON = [3, 11];

const PROBE = [
  "import sys, venv, ensurepip",
  "print(sys.executable)",
  "print('%d.%d.%d' % sys.version_info[:3])",
].join("\n");

/**
 * Candidates in order: $TOMOLAB_PYTHON, the first python3 on PATH (pyenv, a
 * distribution, ...), versioned names, Debian's /usr/bin/python3.
 */
export function pythonCandidates() {
  const list = [];
  if (process.env.TOMOLAB_PYTHON) list.push(process.env.TOMOLAB_PYTHON);
  list.push("python3", "python3.13", "python3.12", "python3.11", "/usr/bin/python3", "python");
  return [...new Set(list)];
}

/**
 * Returns `{ command, executable, version }` of the first candidate that is
 * recent enough and has venv + ensurepip, plus the reasons the others failed.
 */
export function findPython() {
  const rejected = [];
  for (const command of pythonCandidates()) {
    const out = capture(command, ["-c", PROBE]);
    if (out === undefined) {
      rejected.push(`${command}: missing, or lacks the venv/ensurepip modules`);
      continue;
    }
    const [executable, version] = out.split("\n");
    const [major, minor] = version.split(".").map(Number);
    if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
      rejected.push(`${command}: Python ${version} is older than ${MIN_PYTHON.join(".")}`);
      continue;
    }
    return { command, executable, version, rejected };
  }
  return { rejected };
}
