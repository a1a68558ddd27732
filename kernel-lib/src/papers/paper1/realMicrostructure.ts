// Paper 1's protocol on a real microstructure: a segmented three-phase NMC cathode (taufactor's
// electrode.tiff) imaged by tomolab's FIB/SEM simulator, so every method is scored against a
// truth that was measured, not generated.
import { readTiff } from "../../io/readTiff.js";
import { remapLabels, TAUFACTOR_ELECTRODE_CLASSES } from "../../synth/remapLabels.js";
import { fibsemSample } from "../../synth/sampleGenerators.js";
import type { FibsemSample } from "../../synth/samples.js";
import type { FibsemOptions } from "../../synth/fibsem.js";
import { checkInteger, checkOptions, checkPositive, checkString } from "../../util/checks.js";
import { crop } from "../../volume/crop.js";
import type { Spacing3, Volume } from "../../volume/types.js";

/**
 * Voxel size assumed for the real microstructure, nm: Paper 1's slice spacing (10 nm), so the
 * simulator's shine-through depth, blur and curtain widths (all in nm) act on it as on the
 * paper's images. taufactor's file carries no calibration; at this size its 256^3 voxels are a
 * 2.56 um cube, i.e. the structure is read as a hierarchically porous electrode at the paper's
 * resolution, not at its own (unknown) scale.
 */
export const PAPER1_REAL_VOXEL_NM = 10;

/** Options of {@link paper1RealSample}. */
export interface Paper1RealSampleOptions {
  /**
   * Imaged slices (z). The structure is cut to these plus the slices the shine-through needs
   * behind the last one (`maxDepth / voxel`, 40 at the defaults), from z = 0.
   * @default 120 (about the voxel count of the fibsem-nmc sample)
   */
  slices?: number;
  /** Voxel size assumed, nm (isotropic). @default {@link PAPER1_REAL_VOXEL_NM} */
  voxelNm?: number;
  /** Seed of the imaging noise and the brush strokes. @default 1 */
  seed?: number;
  /** Imaging options passed to the simulator (both detectors, shine-through, curtaining, noise by default). */
  imaging?: Omit<FibsemOptions, "seed" | "outputShape">;
  /**
   * Grey value -> class (1 void, 2 CBD, 3 NMC) of the file.
   * @default taufactor's electrode: 0 pore, 85 NMC, 170 CBD
   */
  classes?: Readonly<Record<number, number>>;
}

/** A FIB/SEM sample made from a real segmented structure, with where it came from. */
export interface Paper1RealSample extends FibsemSample {
  /** File the structure was read from, its shape, and the voxel size assumed. */
  source: { file: string; shape: [number, number, number]; voxelNm: number; slicesUsed: number };
}

/**
 * Image a real segmented three-phase cathode as Paper 1's FIB/SEM data: read the label file,
 * map its grey values to void / CBD / NMC, cut it to `slices` imaged slices (plus the depth the
 * shine-through looks into), and run tomolab's FIB/SEM simulator on it (SE2 and InLens
 * detectors, shine-through, re-deposition, curtaining, gradient and noise, as for `fibsem-nmc`),
 * then draw brush strokes and a test slice exactly as for the simulated samples. The result goes
 * straight into `paper1Methods` / `paper1TestSlice`.
 * @param file - A label TIFF, e.g. `realData("nmc-cathode-taufactor/electrode.tiff", ...)`.
 * @example
 * const file = realData("nmc-cathode-taufactor/electrode.tiff", "taufactor's NMC cathode");
 * if (file) { const real = await paper1RealSample(file); const r = await paper1Methods(real); }
 */
export async function paper1RealSample(
  file: string,
  options: Paper1RealSampleOptions = {},
): Promise<Paper1RealSample> {
  checkString(file, "file");
  checkOptions(options, "options", ["slices", "voxelNm", "seed", "imaging", "classes"]);
  const voxel = checkPositive(options.voxelNm ?? PAPER1_REAL_VOXEL_NM, "voxelNm");
  const seed = checkInteger(options.seed ?? 1, "seed");
  const maxDepth = options.imaging?.maxDepth ?? 400;
  const behind = Math.ceil(maxDepth / voxel);
  const raw = await readTiff(file);
  const [nz, ny, nx] = raw.shape;
  if (nz <= behind + 1) {
    throw new RangeError(
      `${file}: the structure has ${nz} slices; imaging needs more than ${behind + 1} (the shine-through looks ${maxDepth} nm = ${behind} slices behind the face)`,
    );
  }
  const slices = checkInteger(options.slices ?? 120, "slices", 1, nz - behind);
  let labels: Volume<Uint8Array>;
  try {
    labels = remapLabels(raw, options.classes ?? TAUFACTOR_ELECTRODE_CLASSES);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
  const spacing: Spacing3 = [voxel, voxel, voxel];
  const structure = { ...crop(labels, [[0, slices + behind], null, null]), spacing };
  const sample = fibsemSample({
    structure,
    spacing,
    seed,
    ...(options.imaging ? { imaging: options.imaging } : {}),
  }) as Paper1RealSample;
  sample.source = { file, shape: [nz, ny, nx], voxelNm: voxel, slicesUsed: slices };
  return sample;
}
