// Paper 1, method 3.3: z-gradient void detection + InLens threshold (after Salzer et al. 2012).
import { fitZGradientMethod, zGradientFromSignals } from "../../classify/zGradient.js";
import { slice } from "../../volume/slice.js";
import type { Volume } from "../../volume/types.js";
import { PAPER1_Z_GRADIENT } from "./info.js";
import { methodResult } from "./testSlice.js";
import type { Paper1MethodResult, Paper1TestSlice } from "./types.js";

/**
 * Method 3.3: void where the in-plane smoothed SE2 is dark, very bright, or
 * not stationary along the milling direction z; the solid split by one InLens
 * threshold (CBD dark, NMC bright). All thresholds are fitted on the brush
 * strokes ({@link fitZGradientMethod}), then applied to the test slice.
 * @param test - From `paper1TestSlice`.
 * @param options - Worker threads. @default the pool size
 * @see Osenberg et al., Section 3.3
 */
export async function paper1ZGradient(
  test: Paper1TestSlice,
  options: { threads?: number } = {},
): Promise<Paper1MethodResult> {
  const { sample, z } = test;
  const t = performance.now();
  const fit = await fitZGradientMethod(sample.se2, sample.inlens, sample.labels, {
    threads: options.threads,
  });
  const tFit = performance.now() - t;
  const one = (v: Volume): Volume<Float32Array> => slice(v, "xy", z) as Volume<Float32Array>;
  const seg = zGradientFromSignals(
    { smooth: one(fit.signals.smooth), gradient: one(fit.signals.gradient) },
    slice(sample.inlens, "xy", z),
    fit.voids,
    fit.solid,
  );
  return methodResult(
    PAPER1_Z_GRADIENT,
    test,
    seg,
    { fit: tFit, total: performance.now() - t },
    {
      voids: fit.voids,
      solid: fit.solid,
      voidScore: fit.voidScore,
      solidScore: fit.solidScore,
    },
  );
}
