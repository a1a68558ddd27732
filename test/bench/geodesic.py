"""Reference side of test/bench/geodesic.bench.mjs: skimage.graph.MCP_Geometric with
fully_connected=True (26 neighbours), costs 1 in the mask and inf elsewhere, started from the
mask voxels of the z = 0 face, timed on the raw uint8 mask written by the benchmark
(construction and find_costs). Prints JSON timings (seconds), the tool in "reference".
"""
import argparse
import json
import time

import numpy as np
import skimage
from skimage.graph import MCP_Geometric

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True, help="raw uint8 mask, C order")
parser.add_argument("--shape", required=True, help="nz,ny,nx")
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()

shape = tuple(int(s) for s in args.shape.split(","))
mask = np.fromfile(args.data, dtype=np.uint8).reshape(shape) > 0
costs = np.where(mask, 1.0, np.inf)
starts = np.argwhere(mask[:1]).tolist()


def run():
    mcp = MCP_Geometric(costs, fully_connected=True)
    return mcp.find_costs(starts)


times = []
for _ in range(args.runs):
    t0 = time.perf_counter()
    run()
    times.append(time.perf_counter() - t0)
name = f"skimage {skimage.__version__} graph.MCP_Geometric(fully_connected=True).find_costs"
print(json.dumps({"reference": name, "times": times}))
