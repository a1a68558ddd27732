"""Reference of the grains benchmark's part "align" (test/bench/grains/align.cases.mjs):
pyStackReg's StackReg(TRANSLATION).register_transform_stack(stack, reference="previous") on
the raw uint8 stack written by the benchmark (estimating and resampling, as tomolab's
alignStack does). Prints JSON timings and, in the "reference" string, the tool, its version
and its largest shift error against the known shifts.

pyStackReg is not a Debian package: when the running interpreter lacks it, this script
creates (once) the virtual environment .cache/bench-venv, installs test/bench/grains-
requirements.txt into it, and re-runs itself there; when that is impossible (offline) it
reports the reference as unavailable with no times.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
VENV = os.path.join(ROOT, ".cache", "bench-venv")
VPY = os.path.join(VENV, "bin", "python")
REQUIREMENTS = os.path.join(ROOT, "test", "bench", "grains-requirements.txt")

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True, help="raw uint8 stack, C order")
parser.add_argument("--shape", required=True, help="nz,ny,nx")
parser.add_argument("--shifts", required=True, help="JSON [[dy, dx], ...] of the known shifts")
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()


def unavailable(reason):
    print(json.dumps({"reference": f"pystackreg unavailable ({reason})", "times": []}))
    sys.exit(0)


try:
    import numpy as np
    from pystackreg import StackReg
except ImportError:
    if os.path.abspath(sys.executable) == os.path.abspath(VPY):
        unavailable("import failed inside .cache/bench-venv")
    try:
        if not os.path.exists(VPY):
            print("creating .cache/bench-venv (once)...", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True, stdout=sys.stderr)
        subprocess.run([VPY, "-m", "pip", "install", "-q", "-r", REQUIREMENTS], check=True, stdout=sys.stderr)
    except (subprocess.CalledProcessError, OSError) as e:
        unavailable(f"could not install it into .cache/bench-venv: {e}")
    os.execv(VPY, [VPY, *sys.argv])

from importlib.metadata import version

shape = tuple(int(s) for s in args.shape.split(","))
stack = np.fromfile(args.data, dtype=np.uint8).reshape(shape)
with open(args.shifts) as f:
    truth = np.array(json.load(f))

sr = StackReg(StackReg.TRANSLATION)
times = []
for _ in range(args.runs):
    t0 = time.perf_counter()
    out = sr.register_transform_stack(stack, reference="previous")
    times.append(time.perf_counter() - t0)
    del out
# Once more for the matrices (untimed): tmat[:, 2] = (x, y) translation, the content's displacement.
tm = sr.register_stack(stack, reference="previous")
found = np.stack([tm[:, 1, 2], tm[:, 0, 2]], axis=1)
err = float(np.abs(found - truth).max())
name = f"pystackreg {version('pystackreg')} TRANSLATION register_transform_stack(previous), max error {err:.3f} px"
print(json.dumps({"reference": name, "times": times}))
