"""Reference side of test/bench/morphology.bench.mjs: scipy.ndimage distance_transform_edt
and label, seung-lab `edt` (PyPI edt, 2 threads), `cc3d` (PyPI connected-components-3d) and
PoreSpy local_thickness, timed on the raw uint8 mask written by the benchmark. Prints JSON
timings (seconds) and the tool in the "reference" string.

edt, cc3d and PoreSpy are not Debian packages: when the running interpreter lacks the tool
asked for, this script creates (once) the virtual environment .cache/bench-venv, installs
them from PyPI into it (see morphology-requirements.txt), and re-runs itself there. When that
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
REQUIREMENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "morphology-requirements.txt")

parser = argparse.ArgumentParser()
parser.add_argument("--tool", required=True, choices=["scipy-edt", "edt", "scipy-label", "cc3d", "porespy-lt"])
parser.add_argument("--data", required=True, help="raw uint8 mask, C order")
parser.add_argument("--shape", required=True, help="nz,ny,nx")
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()


def unavailable(reason):
    print(json.dumps({"reference": f"{args.tool} unavailable ({reason})", "times": []}))
    sys.exit(0)


try:
    import numpy as np
    from scipy import ndimage as ndi

    if args.tool == "edt":
        import edt
    elif args.tool == "cc3d":
        import cc3d
    elif args.tool == "porespy-lt":
        import porespy
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
mask = np.fromfile(args.data, dtype=np.uint8).reshape(shape)
boolean = mask > 0

if args.tool == "scipy-edt":
    import scipy
    name = f"scipy {scipy.__version__} ndimage.distance_transform_edt"
    run = lambda: ndi.distance_transform_edt(boolean)
elif args.tool == "edt":
    name = f"edt {version('edt')} (seung-lab) edt, 2 threads"
    run = lambda: edt.edt(mask, parallel=2)
elif args.tool == "scipy-label":
    import scipy
    name = f"scipy {scipy.__version__} ndimage.label, 26-connected"
    structure = np.ones((3, 3, 3))
    run = lambda: ndi.label(boolean, structure=structure)
elif args.tool == "cc3d":
    name = f"cc3d {version('connected-components-3d')} connected_components, 26-connected"
    run = lambda: cc3d.connected_components(mask, connectivity=26)
else:
    name = f"porespy {porespy.__version__} filters.local_thickness (sizes=25)"
    run = lambda: porespy.filters.local_thickness(boolean, sizes=25)

times = []
for _ in range(args.runs):
    t0 = time.perf_counter()
    run()
    times.append(time.perf_counter() - t0)
import resource

peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"reference": f"{name} (peak RSS {peak} MB)", "times": times}))
