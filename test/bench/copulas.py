"""Reference side of test/bench/copulas.bench.mjs: pyvinecopulib Bicop.from_data
(MLE of every family in the family set, rotations by the sign of Kendall's tau,
AIC selection, one thread) on the pairs written by the benchmark. Prints JSON
timings (seconds) and the selected copula in the "reference" string.

pyvinecopulib is not a Debian package: when the running interpreter lacks it,
this script creates (once) the virtual environment .cache/bench-venv, installs
pyvinecopulib and numpy from PyPI into it, and re-runs itself there. When that
is impossible (offline), it reports the reference as unavailable with no times.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VENV = os.path.join(ROOT, ".cache", "bench-venv")
VPY = os.path.join(VENV, "bin", "python")


def unavailable(reason):
    print(json.dumps({"reference": f"pyvinecopulib unavailable ({reason})", "times": []}))
    sys.exit(0)


try:
    import numpy as np
    import pyvinecopulib as pv
except ImportError:
    if os.path.abspath(sys.executable) == os.path.abspath(VPY):
        unavailable("import failed inside .cache/bench-venv")
    try:
        if not os.path.exists(VPY):
            print("creating .cache/bench-venv with pyvinecopulib (once)...", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True, stdout=sys.stderr)
            subprocess.run([VPY, "-m", "pip", "install", "-q", "pyvinecopulib", "numpy"], check=True, stdout=sys.stderr)
    except (subprocess.CalledProcessError, OSError) as e:
        unavailable(f"could not install it into .cache/bench-venv: {e}")
    os.execv(VPY, [VPY, *sys.argv])

FAMILIES = {
    "indep": pv.BicopFamily.indep,
    "clayton": pv.BicopFamily.clayton,
    "gumbel": pv.BicopFamily.gumbel,
    "frank": pv.BicopFamily.frank,
    "joe": pv.BicopFamily.joe,
    "bb1": pv.BicopFamily.bb1,
    "bb8": pv.BicopFamily.bb8,
}

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True, help="JSON {u1: [...], u2: [...]} written by copulas.bench.mjs")
parser.add_argument("--families", default=",".join(FAMILIES))
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()

with open(args.data) as f:
    d = json.load(f)
u = np.column_stack([d["u1"], d["u2"]])
controls = pv.FitControlsBicop(
    family_set=[FAMILIES[k] for k in args.families.split(",")],
    selection_criterion="aic",
    preselect_families=False,
    num_threads=1,
)
times = []
for _ in range(args.runs):
    t0 = time.perf_counter()
    best = pv.Bicop.from_data(u, controls=controls)
    times.append(time.perf_counter() - t0)
family = str(best.family).split(".")[-1]
params = ", ".join(f"{p:.4g}" for p in np.asarray(best.parameters).ravel())
print(
    json.dumps(
        {
            "reference": f"pyvinecopulib {pv.__version__} Bicop.from_data; selected {family} rot {best.rotation} ({params})",
            "times": times,
        }
    )
)
