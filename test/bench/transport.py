"""Reference side of test/bench/transport.bench.mjs: PoreSpy porosimetry (inlets = the six
faces, sizes = every integer radius of int(dt), PoreSpy's default; the intrusion curve read
from it) and PoreSpy local_thickness (sizes=25), timed on the raw uint8 pore mask written by
the benchmark. Prints JSON timings (seconds) and the tool in the "reference" string.

PoreSpy is not a Debian package: without it, this script re-runs itself in
.cache/bench-venv, which test/bench/morphology.py creates (morphology-requirements.txt);
when that venv is missing it reports the reference as unavailable.
"""
import argparse
import json
import os
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VPY = os.path.join(ROOT, ".cache", "bench-venv", "bin", "python")

parser = argparse.ArgumentParser()
parser.add_argument("--tool", required=True, choices=["porespy-porosimetry", "porespy-lt"])
parser.add_argument("--data", required=True, help="raw uint8 mask, C order")
parser.add_argument("--shape", required=True, help="nz,ny,nx")
parser.add_argument("--runs", type=int, default=3)
args = parser.parse_args()
# PoreSpy's porosimetry takes minutes per run here (one labelling and two EDTs per size):
# it is timed once whatever --runs says (TOMOLAB_BENCH_PS_RUNS overrides).
if args.tool == "porespy-porosimetry":
    args.runs = int(os.environ.get("TOMOLAB_BENCH_PS_RUNS", "1"))

try:
    import numpy as np
    import porespy
except ImportError:
    if os.path.abspath(sys.executable) == os.path.abspath(VPY) or not os.path.exists(VPY):
        print(json.dumps({"reference": f"{args.tool} unavailable (no PoreSpy; run morphology.py once)", "times": []}))
        sys.exit(0)
    os.execv(VPY, [VPY, *sys.argv])

shape = tuple(int(s) for s in args.shape.split(","))
pore = np.fromfile(args.data, dtype=np.uint8).reshape(shape) > 0

if args.tool == "porespy-porosimetry":
    name = f"porespy {porespy.__version__} filters.porosimetry (faces, sizes=None: all int(dt)) + curve"

    def run():
        r = porespy.filters.porosimetry(pore)
        sizes = np.arange(1, int(r.max()) + 1)
        return [(r[pore] >= s).mean() for s in sizes]
else:
    name = f"porespy {porespy.__version__} filters.local_thickness (sizes=25)"
    run = lambda: porespy.filters.local_thickness(pore, sizes=25)

times = []
for _ in range(args.runs):
    t0 = time.perf_counter()
    run()
    times.append(time.perf_counter() - t0)
print(json.dumps({"reference": name, "times": times}))
