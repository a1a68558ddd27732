"""Reference geodesic distances of skimage.graph.MCP_Geometric for test/transport.

Run with Debian's python (numpy, scipy, scikit-image):
    /usr/bin/python3 test/transport/generate_geodesic.py
Writes test/transport/fixtures/geodesic.json: for each case a mask (flat 0/1, C order
[nz, ny, nx]), the spacing, the source voxels (linear indices), optional per-voxel costs,
the connectivity, and the cumulative costs MCP_Geometric finds with cost 1 (or the given
costs) inside the mask and inf outside; unreachable voxels are written as -1 (JSON has
no Infinity).
"""
import json
import os

import numpy as np
import skimage
from scipy import ndimage as ndi
from skimage.graph import MCP_Geometric

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261202)


def blobs(shape, sigma, fraction):
    noise = ndi.gaussian_filter(rng.random(shape), sigma)
    return (noise > np.quantile(noise, 1 - fraction)).astype(np.uint8)


def case(name, mask, spacing, n_sources, connectivity=26, costs=None):
    inside = np.flatnonzero(mask)
    sources = np.sort(rng.choice(inside, n_sources, replace=False))
    c = np.where(mask > 0, 1.0 if costs is None else costs, np.inf)
    mcp = MCP_Geometric(c, fully_connected=connectivity == 26, sampling=tuple(spacing))
    starts = [np.unravel_index(s, mask.shape) for s in sources]
    cum, _ = mcp.find_costs(starts)
    dist = np.where(np.isinf(cum), -1.0, cum).ravel()
    unreachable = int(np.sum(np.isinf(cum) & (mask > 0)))
    assert unreachable > 0, f"{name}: every mask voxel reachable; the case must test unreachable ones"
    out = {
        "name": name,
        "shape": list(mask.shape if mask.ndim == 3 else (1, *mask.shape)),
        "spacing": [float(s) for s in (spacing if len(spacing) == 3 else (1.0, *spacing))],
        "connectivity": connectivity,
        "mask": mask.ravel().astype(int).tolist(),
        "sources": sources.astype(int).tolist(),
        "distance": [float(d) for d in dist],
        "unreachable": unreachable,
    }
    if costs is not None:
        out["costs"] = [float(x) for x in costs.ravel()]
    return out


cases = []
m1 = blobs((10, 12, 14), 1.2, 0.45)
cases.append(case("blobs 10x12x14, unit spacing", m1, [1.0, 1.0, 1.0], 3))
m2 = (rng.random((9, 11, 13)) > 0.45).astype(np.uint8)
m2[:, :, 6] = 0  # a wall: the x > 6 half is reached only if a source lies there
cases.append(case("random 9x11x13 with a wall, spacing [2.5, 1, 0.7]", m2, [2.5, 1.0, 0.7], 2))
m3 = blobs((8, 10, 12), 1.0, 0.55)
k3 = rng.uniform(0.5, 2.0, m3.shape).astype(np.float32).astype(np.float64)  # exact in float32
cases.append(case("blobs 8x10x12, random costs, spacing [1, 1.3, 0.8]", m3, [1.0, 1.3, 0.8], 2, costs=k3))
m4 = blobs((30, 34), 1.5, 0.5)
cases.append(case("2D blobs 30x34, spacing [0.6, 1.1]", m4, [0.6, 1.1], 2))
m5 = blobs((8, 9, 10), 1.0, 0.55)
cases.append(case("blobs 8x9x10, 6-connected, spacing [1.5, 1, 1]", m5, [1.5, 1.0, 1.0], 2, connectivity=6))



def tortuosity_case(name, particle, pore, spacing, distances):
    """Paper 1's geodesic tortuosity, written independently with scipy and MCP_Geometric:
    boundary layer = particle voxels with a 6-neighbour outside (not beyond the grid), depth =
    EDT from the layer, targets = walkable voxels with depth >= d (1 - 1e-6), as documented in
    kernel-lib/src/transport/tortuosity.ts."""
    face = ndi.generate_binary_structure(3, 1)
    inner = ndi.binary_erosion(particle, face, border_value=1)
    layer = particle & ~inner
    walk = particle & pore
    boundary = np.flatnonzero(layer & walk)
    depth = ndi.distance_transform_edt(~layer, sampling=spacing)
    levels = []
    for d in distances:
        target = walk & (depth >= d * (1 - 1e-6))
        cum = np.full(particle.shape, np.inf)
        if target.any():
            c = np.where(walk, 1.0, np.inf)
            cum, _ = MCP_Geometric(c, fully_connected=True, sampling=tuple(spacing)).find_costs(
                np.argwhere(target).tolist()
            )
        g = cum.ravel()[boundary]
        tau = g[np.isfinite(g)] / d
        levels.append({
            "distance": d,
            "values": [float(t) for t in tau],
            "mean": float(tau.mean()) if tau.size else None,
            "std": float(tau.std()) if tau.size else None,
            "unreachable": int(np.sum(~np.isfinite(g))),
            "targets": int(target.sum()),
        })
    return {
        "name": name,
        "shape": list(particle.shape),
        "spacing": [float(s) for s in spacing],
        "particle": particle.ravel().astype(int).tolist(),
        "pore": pore.ravel().astype(int).tolist(),
        "boundary": boundary.astype(int).tolist(),
        "levels": levels,
    }


zz, yy, xx = np.mgrid[:18, :22, :22]
spacing_t = [1.3, 1.0, 0.9]
ball = ((zz - 8.5) * 1.3) ** 2 + (yy - 10.5) ** 2 + ((xx - 10.5) * 0.9) ** 2 <= 9.0 ** 2
pores_t = blobs(ball.shape, 1.0, 0.4).astype(bool)
tortuosity = [
    tortuosity_case("ball with blob pores, spacing [1.3, 1, 0.9]", ball, pores_t, spacing_t, [1.5, 3.0, 4.5, 8.0])
]
assert tortuosity[0]["levels"][0]["unreachable"] > 0 and tortuosity[0]["levels"][0]["values"]

meta = {"skimage": skimage.__version__, "numpy": np.__version__}
with open(os.path.join(OUT, "geodesic.json"), "w") as f:
    json.dump({"meta": meta, "cases": cases, "tortuosity": tortuosity}, f)
print(f"wrote {len(cases)} distance and {len(tortuosity)} tortuosity cases to {os.path.relpath(OUT)}/geodesic.json")
