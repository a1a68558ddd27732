"""Reference side of test/bench/features.bench.mjs: ilastik's 61 pixel
features of one float32 channel computed with vigra's filters, the same
computations ilastik runs (see test/fixtures/generate_features.py): for each
scale s, pre-smoothing at sqrt(s^2 - 1) (s > 1) or s, window 3.5, then the
filters at min(s, 1), window 2; structure tensor outer scale 0.5 s', DoG
G(s') - G(0.66 s'). Each feature image is dropped once computed (only timing
matters). --threads 2 runs the scales on two threads (vigra releases the GIL),
as ilastik's lazyflow would use both cores. Prints JSON timings (seconds).
"""
import argparse
import json
import math
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import vigra

SCALES = [0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0]

parser = argparse.ArgumentParser()
parser.add_argument("--size", type=int, default=128)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--runs", type=int, default=3)
args = parser.parse_args()


def scale_features(v, s):
    pre = math.sqrt(s * s - 1) if s > 1 else s
    fs = min(s, 1.0)
    p = vigra.filters.gaussianSmoothing(v, pre, window_size=3.5)
    n = 0
    vigra.filters.gaussianSmoothing(p, fs, window_size=2.0)
    n += 1
    if s >= 0.7:
        vigra.filters.laplacianOfGaussian(p, fs, window_size=2.0)
        vigra.filters.gaussianGradientMagnitude(p, fs, window_size=2.0)
        np.subtract(vigra.filters.gaussianSmoothing(p, fs, window_size=2.0), vigra.filters.gaussianSmoothing(p, 0.66 * fs, window_size=2.0))
        vigra.filters.structureTensorEigenvalues(p, fs, 0.5 * fs, window_size=2.0)
        vigra.filters.hessianOfGaussianEigenvalues(p, fs, window_size=2.0)
        n += 3 + 3 + 3
    return n


volume = vigra.taggedView(np.random.default_rng(12345).random((args.size,) * 3, dtype=np.float32), "zyx")
times = []
for _ in range(args.runs):
    t0 = time.perf_counter()
    if args.threads > 1:
        # largest scales first, for balance
        with ThreadPoolExecutor(args.threads) as pool:
            channels = sum(pool.map(lambda s: scale_features(volume, s), sorted(SCALES, reverse=True)))
    else:
        channels = sum(scale_features(volume, s) for s in SCALES)
    times.append(time.perf_counter() - t0)
    assert channels == 61, channels
name = f"vigra {vigra.version} filters (ilastik's 61 features, {args.threads} thread{'s' if args.threads > 1 else ''})"
print(json.dumps({"reference": name, "times": times}))
