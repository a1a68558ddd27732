import { checkOneOf } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";

/** Codes of the three U-Net target classes in {@link GrainTargets.targets}. */
export const TARGET = { boundary: 1, interior: 2, background: 3 } as const;

export interface GrainTargetsOptions {
  /**
   * Neighbourhood that defines a boundary voxel: "3d" looks at the 6 face
   * neighbours, "2d" only at the 4 in-slice neighbours (like labels drawn slice by slice).
   * @default "3d"
   */
  connectivity?: "3d" | "2d";
}

/** The three segmentation targets of Paper 2 (G_b + G_i + B = 1 at every voxel). */
export interface GrainTargets {
  /** One code per voxel: 1 = grain boundary G_b, 2 = grain interior G_i, 3 = background B. */
  targets: Volume<Uint8Array>;
  /** 1 on grain-boundary voxels (G_b). */
  boundary: Volume<Uint8Array>;
  /** 1 on grain-interior voxels (G_i). */
  interior: Volume<Uint8Array>;
  /** 1 on background voxels (B). */
  background: Volume<Uint8Array>;
}

/**
 * Boundary / interior / background targets from grain labels: a grain voxel
 * is a boundary voxel when one of its neighbours belongs to another grain (not
 * to the background), so boundaries are two voxels wide, one on each side;
 * the particle's outer surface is not a grain boundary.
 * @param grains - Grain labels, 0 = background.
 * @see Furat et al., Sect. 2.3 (targets G_b, G_i, B)
 */
export function grainTargets(grains: Volume, options: GrainTargetsOptions = {}): GrainTargets {
  checkVolume(grains, "grains", { dtypes: ["int32", "uint32", "uint16", "uint8"] });
  const conn = checkOneOf(options.connectivity ?? "3d", "connectivity", ["3d", "2d"]);
  const [nz, ny, nx] = grains.shape;
  const g = grains.data;
  const n = g.length;
  const targets = new Uint8Array(n);
  const plane = ny * nx;
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        const v = g[i];
        if (v === 0) {
          targets[i] = 3;
          continue;
        }
        let b = false;
        const differs = (j: number) => g[j] !== 0 && g[j] !== v;
        if (x > 0 && differs(i - 1)) b = true;
        else if (x + 1 < nx && differs(i + 1)) b = true;
        else if (y > 0 && differs(i - nx)) b = true;
        else if (y + 1 < ny && differs(i + nx)) b = true;
        else if (conn === "3d" && z > 0 && differs(i - plane)) b = true;
        else if (conn === "3d" && z + 1 < nz && differs(i + plane)) b = true;
        targets[i] = b ? 1 : 2;
      }
  const channel = (code: number) => {
    const d = new Uint8Array(n);
    for (let i = 0; i < n; i++) d[i] = targets[i] === code ? 1 : 0;
    return { data: d, shape: [nz, ny, nx], spacing: [...grains.spacing] } as Volume<Uint8Array>;
  };
  return {
    targets: { data: targets, shape: [nz, ny, nx], spacing: [...grains.spacing] },
    boundary: channel(1),
    interior: channel(2),
    background: channel(3),
  };
}
