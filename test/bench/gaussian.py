"""Reference side of test/bench/gaussian.bench.mjs: scipy.ndimage.gaussian_filter
on a random float32 cube (float32 output). Prints JSON timings (seconds)."""
import argparse
import json
import time

import numpy as np
import scipy
from scipy import ndimage as ndi

parser = argparse.ArgumentParser()
parser.add_argument("--size", type=int, default=256)
parser.add_argument("--sigma", type=float, default=2.0)
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()

volume = np.random.default_rng(12345).random((args.size,) * 3, dtype=np.float32)
times = []
for _ in range(args.runs):
    t0 = time.perf_counter()
    ndi.gaussian_filter(volume, args.sigma, output=np.float32)
    times.append(time.perf_counter() - t0)
print(json.dumps({"reference": f"scipy {scipy.__version__} ndimage.gaussian_filter", "times": times}))
