// The ISBI 2012 route on a small piece of the real stack (2 training slices, 256 x 256 crops):
// the forest and a tiny 2D U-Net, watershed, challenge scores on the untrained slices.
// Skips with a message when ../shared/data/isbi2012-membrane is absent.
import { afterAll, describe, expect, it } from "vitest";
import {
  isbi2012Path,
  isbiEvaluate,
  isbiForest,
  isbiTargets,
  isbiUNet,
  loadIsbi2012,
  type Isbi2012,
} from "../../kernel-lib/src/isbi/index.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

const dir = isbi2012Path();
const crop = [128, 128, 256, 256] as const;

if (!dir) {
  describe("ISBI 2012 (real data)", () => {
    it.skip("skipped: ../shared/data/isbi2012-membrane not found (shared data absent or TOMOLAB_SHARED_DATA=none)", () => {});
  });
} else {
  describe("ISBI 2012 (real data, small version)", () => {
    let data: Isbi2012;
    const models: { dispose(): void }[] = [];
    afterAll(() => models.forEach((m) => m.dispose()));

    it("loads the stack and its hand labels", async () => {
      const full = await loadIsbi2012({ slices: [0] });
      expect(full.image.shape).toEqual([1, 512, 512]);
      data = await loadIsbi2012({ slices: [0, 5, 10, 15], crop });
      expect(data.image.shape).toEqual([4, 256, 256]);
      expect(data.slices).toEqual([0, 5, 10, 15]);
      // The crop is the same pixels as the full slice's box.
      const row = (128 * 512 + 128) | 0;
      expect(data.image.data[0]).toBe(full.image.data[row]);
      expect(data.labels.data[256 * 256 - 1]).toBe(full.labels.data[(383 * 512 + 383) | 0]);
      const values = new Set(data.labels.data);
      expect([...values].sort((a, b) => a - b)).toEqual([0, 255]);
      const t = isbiTargets(data.labels);
      expect(t.data.filter((v) => v === 1).length).toBe(
        data.labels.data.filter((v) => v === 0).length,
      );
    });

    it("forest on 2 slices: scores on the 2 unseen ones beat the raw-intensity baseline", async () => {
      const r = await isbiForest(data, { train: [0, 2], trees: 10, samplesPerClass: 5000 });
      expect(r.test).toEqual([1, 3]);
      expect(r.boundary.shape).toEqual([2, 256, 256]);
      const s = r.scores;
      console.log("ISBI small forest", JSON.stringify(s), JSON.stringify(r.details));
      for (const v of [s.pixelError, s.boundaryF1, s.vRand, s.vInfo]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      // Baseline: the raw intensity as P(membrane) (membranes are dark): 1 - I / 255.
      const img = data.image;
      const plane = 256 * 256;
      const base: Volume<Float32Array> = {
        data: new Float32Array(2 * plane),
        shape: [2, 256, 256],
        spacing: [1, 1, 1],
      };
      [1, 3].forEach((z, k) => {
        for (let i = 0; i < plane; i++)
          base.data[k * plane + i] = 1 - img.data[z * plane + i]! / 255;
      });
      const b = await isbiEvaluate(data, base, [1, 3], {
        h: Number(r.details.h),
        smooth: Number(r.details.smooth),
      });
      console.log("ISBI small intensity baseline", JSON.stringify(b.scores));
      expect(s.boundaryF1).toBeGreaterThan(b.scores.boundaryF1);
      expect(s.vRand).toBeGreaterThan(b.scores.vRand);
      expect(s.pixelError).toBeLessThan(b.scores.pixelError);
      expect(s.vRand).toBeGreaterThan(0.5);
      expect(s.boundaryF1).toBeGreaterThan(0.7);
    }, 60_000);

    it("tiny 2D U-Net trains, predicts and is scored on the unseen slices", async () => {
      const r = await isbiUNet(data, {
        train: [0, 2],
        steps: 30,
        crop: 64,
        batch: 2,
        network: { depth: 2, baseFilters: 4 },
        tune: false,
        progress: false,
      });
      if (r.model) models.push(r.model);
      expect(r.boundary.shape).toEqual([2, 256, 256]);
      expect(r.details.steps).toBe(30);
      const losses = r.model!.training.losses;
      const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
      expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)));
      for (const v of [r.scores.pixelError, r.scores.vRand, r.scores.vInfo])
        expect(v).toBeGreaterThanOrEqual(0);
    }, 60_000);

    it("clear errors: more than four training slices, a test slice also trained on", async () => {
      await expect(isbiForest(data, { train: [0, 1, 2, 3, 0] })).rejects.toThrow(/options.train/);
      await expect(isbiForest(data, { train: [0, 1], test: [1, 2] })).rejects.toThrow(
        /not trained on/,
      );
      await expect(loadIsbi2012({ crop: [0, 0, 600, 10] })).rejects.toThrow(/options.crop/);
    });
  });
}
