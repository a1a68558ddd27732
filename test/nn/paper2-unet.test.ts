// Opt-in measurement (TOMOLAB_NN_PAPER2=1, under the bench lock, native backend): Paper 2's
// 3D U-Net trained on the 4 labelled slices of the ebsd-particle sample, scored on the other
// slices against the boundary forest. Prints the loss curve (mean per 20 steps), seconds per
// step and both boundary F1. Steps: TOMOLAB_NN_PAPER2_STEPS (default 600). Measured
// 2026-12-03 with the same calls from a script (2 shared cores, load ~2.2, seed 0, balanced
// crops): 0.40 s/step, 600 steps 239 s, prediction 4.7 s (50 tiles of 64^3), boundary F1 on
// the unseen slices 0.987 (U-Net) vs 0.995 (forest); 200 steps: F1 0.016.
import { describe, expect, it } from "vitest";
import { boundaryF1 } from "../../kernel-lib/src/metrics/boundaryF1.js";
import { paper2BoundaryForest, paper2UNetBoundary } from "../../kernel-lib/src/papers/index.js";
import { loadSample, type EbsdSample } from "../../kernel-lib/src/synth/index.js";

const enabled = process.env.TOMOLAB_NN_PAPER2 === "1";
if (!enabled)
  console.log("skipped the Paper 2 U-Net measurement: set TOMOLAB_NN_PAPER2=1 to run it");

describe.skipIf(!enabled)("Paper 2 U-Net on ebsd-particle (measurement)", () => {
  it(
    "trains on 4 slices, predicts the stack, scores unseen slices",
    { timeout: 1_800_000 },
    async () => {
      const sample = (await loadSample("ebsd-particle")) as EbsdSample;
      const steps = Number(process.env.TOMOLAB_NN_PAPER2_STEPS ?? 600);
      const unet = await paper2UNetBoundary(sample, { steps, progress: false });
      const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
      const curve: number[] = [];
      for (let i = 0; i < unet.losses.length; i += 20)
        curve.push(Number(mean(unet.losses.slice(i, i + 20)).toFixed(4)));
      const forest = await paper2BoundaryForest(sample);
      const [nz, ny, nx] = sample.iqAligned.shape;
      const plane = ny * nx;
      const seen = new Set(sample.labelledSlices);
      const map = new Uint8Array(nz * plane);
      const truth = new Uint8Array(nz * plane);
      for (let z = 0; z < nz; z++) {
        if (seen.has(z)) continue;
        for (let i = z * plane; i < (z + 1) * plane; i++) {
          const b = forest.boundary.data[i]!;
          map[i] = b >= forest.interior.data[i]! && b >= forest.background.data[i]! ? 1 : 0;
          truth[i] = sample.boundary.data[i] ? 1 : 0;
        }
      }
      const shape = sample.iqAligned.shape;
      const forestF1 = await boundaryF1(
        { data: map, shape: [...shape], spacing: [1, 1, 1] },
        { data: truth, shape: [...shape], spacing: [1, 1, 1] },
        { tolerance: 1 },
      );
      console.log(
        JSON.stringify({
          steps,
          secondsPerStep: unet.secondsPerStep,
          timingsMs: unet.timings,
          lossPer20Steps: curve,
          unetF1: unet.unlabelledF1,
          forestF1,
        }),
      );
      expect(unet.losses.every(Number.isFinite)).toBe(true);
      expect(unet.unlabelledF1!.f1).toBeGreaterThan(0);
      unet.model.dispose();
    },
  );
});
