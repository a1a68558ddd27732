"""Execute notebooks headlessly with the tslab kernel (nbclient), one after another.

Run with the project's .venv Python (scripts/test.mjs and scripts/reproduce.mjs
do): each notebook runs top to bottom in a fresh kernel whose working folder is
the notebook's folder, or with --workdir a scratch folder <workdir>/<notebook name>
(emptied first; it must lie inside the checkout so the kernel resolves
`tomolab` from node_modules), so test runs leave nothing in notebooks/; the
first cell error stops that notebook and marks it failed. The kernel inherits this process's environment; with --reproduce-dir,
TOMOLAB_REPRODUCE_DIR is set to <reproduce-dir>/<notebook name> (emptied
first), where kernel-lib's record()/show() leave numbers and figures.

Writes a JSON list of {name, path, ok, seconds, error, executed} to --summary
and exits 1 when any notebook failed.
"""

import argparse
import json
import os
import shutil
import sys
import time
import traceback

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def error_text(exc, limit=60):
    """The useful tail of an execution error (nbclient's message has the cell source and traceback)."""
    lines = str(exc).strip().splitlines()
    if len(lines) > limit:
        lines = lines[:10] + [f"... ({len(lines) - limit} lines cut) ..."] + lines[-(limit - 10):]
    return "\n".join(lines)


def run_one(path, args):
    name = os.path.splitext(os.path.basename(path))[0]
    if args.reproduce_dir:
        out = os.path.join(args.reproduce_dir, name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        os.environ["TOMOLAB_REPRODUCE_DIR"] = os.path.abspath(out)
    else:
        os.environ.pop("TOMOLAB_REPRODUCE_DIR", None)

    if args.workdir:
        cwd = os.path.join(os.path.abspath(args.workdir), name)
        shutil.rmtree(cwd, ignore_errors=True)
        os.makedirs(cwd)
    else:
        cwd = os.path.dirname(os.path.abspath(path))

    result = {"name": name, "path": path, "ok": False, "seconds": 0.0, "error": None, "executed": None}
    start = time.monotonic()
    nb = None
    try:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=args.timeout,
            startup_timeout=args.startup_timeout,
            kernel_name=args.kernel,
            allow_errors=False,
            record_timing=True,
            resources={"metadata": {"path": cwd}},
        )
        client.execute()
        result["ok"] = True
    except CellTimeoutError as exc:
        result["error"] = f"a cell ran longer than {args.timeout} s\n{error_text(exc, 20)}"
    except DeadKernelError as exc:
        result["error"] = f"the kernel died: {exc}"
    except CellExecutionError as exc:
        result["error"] = error_text(exc)
    except Exception as exc:  # noqa: BLE001 - report anything that stops a notebook, keep going with the next
        result["error"] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"
    result["seconds"] = round(time.monotonic() - start, 2)

    if args.executed_dir and nb is not None:
        os.makedirs(args.executed_dir, exist_ok=True)
        executed = os.path.join(args.executed_dir, f"{name}.ipynb")
        nbformat.write(nb, executed)
        result["executed"] = executed
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", help="notebook files, run in the given order")
    parser.add_argument("--kernel", default="tslab", help="kernel spec name (default: tslab)")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per cell (default: 1200)")
    parser.add_argument("--startup-timeout", type=int, default=120, help="seconds for the kernel to start")
    parser.add_argument("--executed-dir", help="write executed copies here as <name>.ipynb")
    parser.add_argument("--reproduce-dir", help="set TOMOLAB_REPRODUCE_DIR=<dir>/<name> for each notebook")
    parser.add_argument("--summary", help="write the results as JSON here")
    parser.add_argument(
        "--workdir",
        help="run each notebook's kernel in <workdir>/<name> (emptied first) instead of the notebook's folder",
    )
    args = parser.parse_args()

    names = [os.path.splitext(os.path.basename(p))[0] for p in args.notebooks]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        parser.error(f"notebook names must be unique, repeated: {', '.join(duplicates)}")

    results = []
    for path in args.notebooks:
        print(f"[notebook] {path}: running", flush=True)
        result = run_one(path, args)
        results.append(result)
        status = "ok" if result["ok"] else "FAILED"
        print(f"[notebook] {path}: {status} in {result['seconds']} s", flush=True)
        if not result["ok"]:
            print(result["error"], flush=True)
        if args.summary:  # rewritten after each notebook, so a crash still leaves what ran
            with open(args.summary, "w") as f:
                json.dump(results, f, indent=2)

    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
