"""Reference side of the grains benchmark's "watershed" part (test/bench/grains.bench.mjs,
cases in watershed.cases.mjs): on the relief (float32), markers (int32) and mask (uint8)
written as raw C-order files by the cases file, times one tool and prints
{ "reference": ..., "times": [...] }.

Tools: skimage-hminima (skimage.morphology.h_minima(relief, h), default footprint),
skimage-watershed (skimage.segmentation.watershed(relief, markers, mask=mask), connectivity 1),
vigra-watershed (vigra.analysis.watershedsNew(relief, neighborhood=6, seeds=markers); vigra has
no mask, so the relief is flooded everywhere)."""
import argparse
import json
import sys
import time

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--tool", required=True, choices=["skimage-hminima", "skimage-watershed", "vigra-watershed"])
parser.add_argument("--relief", required=True, help="raw float32 relief, C order")
parser.add_argument("--markers", help="raw int32 markers, C order")
parser.add_argument("--mask", help="raw uint8 mask, C order")
parser.add_argument("--shape", required=True, help="nz,ny,nx")
parser.add_argument("--h", type=float, default=2.0)
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()

shape = tuple(int(s) for s in args.shape.split(","))


def raw(path, dtype, what):
    a = np.fromfile(path, dtype=dtype)
    if a.size != np.prod(shape):
        sys.exit(f"watershed.py: {what} {path} holds {a.size} values, expected {np.prod(shape)} for shape {shape}")
    return a.reshape(shape)


relief = raw(args.relief, np.float32, "relief")
if args.tool == "skimage-hminima":
    import skimage
    from skimage.morphology import h_minima

    name = f"skimage {skimage.__version__} morphology.h_minima(h={args.h:g})"
    run = lambda: h_minima(relief, args.h)
else:
    if args.markers is None:
        sys.exit(f"watershed.py: --tool {args.tool} needs --markers")
    markers = raw(args.markers, np.int32, "markers")
    if args.tool == "skimage-watershed":
        import skimage
        from skimage.segmentation import watershed

        mask = None if args.mask is None else raw(args.mask, np.uint8, "mask").astype(bool)
        name = f"skimage {skimage.__version__} segmentation.watershed(connectivity=1{', mask' if mask is not None else ''})"
        run = lambda: watershed(relief, markers, connectivity=1, mask=mask)
    else:
        import vigra

        seeds = markers.astype(np.uint32)
        name = f"vigra {vigra.version} analysis.watershedsNew(neighborhood=6, seeds, no mask)"
        run = lambda: vigra.analysis.watershedsNew(relief, neighborhood=6, seeds=seeds)
times = []
for _ in range(args.runs):
    t0 = time.perf_counter()
    out = run()
    times.append(time.perf_counter() - t0)
out = out[0] if isinstance(out, tuple) else out
print(f"watershed.py: {args.tool}: {int(np.count_nonzero(out))} non-zero voxels, max {int(out.max())}", file=sys.stderr)
print(json.dumps({"reference": name, "times": times}))
