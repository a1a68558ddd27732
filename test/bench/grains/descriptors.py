"""Reference side of the grains benchmark's "descriptors" part (test/bench/grains.bench.mjs,
cases in descriptors.cases.mjs): skimage.measure.regionprops_table on the raw int32 labels
written by the cases file, timed; prints { "reference": ..., "times": [...] }."""
import argparse
import json
import sys
import time

import numpy as np
import skimage
from skimage.measure import regionprops_table

parser = argparse.ArgumentParser()
parser.add_argument("--labels", required=True, help="raw int32 labels, C order")
parser.add_argument("--shape", required=True, help="nz,ny,nx")
parser.add_argument("--properties", required=True, help="comma-separated regionprops names")
parser.add_argument("--runs", type=int, default=5)
parser.add_argument("--max-runs", type=int, default=None, help="cap on --runs for slow property sets")
args = parser.parse_args()
runs = args.runs if args.max_runs is None else min(args.runs, args.max_runs)

shape = tuple(int(s) for s in args.shape.split(","))
labels = np.fromfile(args.labels, dtype=np.int32)
if labels.size != np.prod(shape):
    sys.exit(f"descriptors.py: {args.labels} holds {labels.size} labels, expected {np.prod(shape)} for shape {shape}")
labels = labels.reshape(shape)
properties = ["label"] + args.properties.split(",")
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    table = regionprops_table(labels, properties=properties)
    times.append(time.perf_counter() - t0)
print(f"descriptors.py: {len(table['label'])} regions", file=sys.stderr)
print(
    json.dumps(
        {
            "reference": f"skimage {skimage.__version__} regionprops_table({', '.join(properties[1:])})"
            + (f", {runs} run(s)" if runs < args.runs else ""),
            "times": times,
        }
    )
)
