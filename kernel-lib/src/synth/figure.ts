import { checkInteger } from "./options.js";
import { slice } from "../volume/slice.js";
import type { Volume } from "../volume/types.js";
import type { FibsemSample } from "./samples.js";

/** Three 2D slices (volumes with nz = 1) of a FIB/SEM sample, for a side-by-side figure. */
export interface FibsemSlices {
  z: number;
  se2: Volume<Uint8Array>;
  inlens: Volume<Uint8Array>;
  truth: Volume<Uint8Array>;
  /** Panel titles. */
  titles: [string, string, string];
}

/**
 * The SE2 slice, InLens slice and truth of one z of a FIB/SEM sample (by
 * default the test slice), ready for `subplotGrid([imageFigure(se2), ...])`.
 * @param sample - From {@link loadSample} or {@link generateSample}.
 * @param z - Slice index. @default the sample's test slice
 * @example
 * const s = fibsemSlices(await loadSample("fibsem-nmc"));
 */
export function fibsemSlices(
  sample: Pick<FibsemSample, "se2" | "inlens" | "truth" | "testSlice">,
  z: number = sample.testSlice,
): FibsemSlices {
  checkInteger(z, "z", 0, sample.se2.shape[0] - 1);
  return {
    z,
    se2: slice(sample.se2, "xy", z),
    inlens: slice(sample.inlens, "xy", z),
    truth: slice(sample.truth, "xy", z),
    titles: [`SE2, z = ${z}`, `InLens, z = ${z}`, "truth (1 void, 2 CBD, 3 NMC)"],
  };
}
