import { describe, expect, it } from "vitest";
import { readTiff } from "../../kernel-lib/src/io/readTiff.js";
import { sharedDataPath } from "../../kernel-lib/src/io/sharedData.js";
import { crop } from "../../kernel-lib/src/volume/index.js";
import {
  fibsemSample,
  remapLabels,
  TAUFACTOR_ELECTRODE_CLASSES,
} from "../../kernel-lib/src/synth/index.js";

const file = sharedDataPath("nmc-cathode-taufactor/electrode.tiff");

describe("imaging an external structure (taufactor NMC electrode)", () => {
  it.skipIf(!file)(
    "relabels 0/85/170 and images it with both detectors, truth = the structure",
    async () => {
      const raw = await readTiff(file!, { spacing: [10, 10, 10] });
      // A corner of the real electrode with room behind (z) and below (+y) for shine-through.
      const part = crop(raw, [
        [0, 64],
        [0, 96],
        [0, 64],
      ]);
      const structure = remapLabels(part, TAUFACTOR_ELECTRODE_CLASSES);
      const s = fibsemSample({ structure, seed: 3, labels: { slices: 3, gap: 2 } });
      // Default imaged region: the structure less the margins (40 slices, 30 rows at 10 nm, 36 degrees).
      expect(s.se2.shape).toEqual([24, 65, 64]);
      for (let z = 0; z < 24; z++)
        for (let y = 0; y < 65; y += 7)
          for (let x = 0; x < 64; x += 5) {
            expect(s.truth.data[(z * 65 + y) * 64 + x]).toBe(structure.data[(z * 96 + y) * 64 + x]);
          }
      const classes = new Set(s.truth.data);
      expect([...classes].sort()).toEqual([1, 2, 3]);
    },
  );
  if (!file) it("skipped: ../shared/data/nmc-cathode-taufactor/electrode.tiff not found", () => {});
});
