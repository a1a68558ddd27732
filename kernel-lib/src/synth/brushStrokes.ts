import { createRng } from "../stats/random.js";
import { checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";
import { chamfer2d } from "./image2d.js";
import { streamSeed } from "./noise.js";
import { checkNumberArray } from "../util/checks.js";
import { checkInteger, checkNonNegative, checkPositive, checkSeed } from "./options.js";

export interface BrushStrokeOptions {
  /** Seed of stroke placement. @default 1 */
  seed?: number;
  /** The fully labelled test slice (z index) that training must stay away from. @default floor(nz / 2) */
  testSlice?: number;
  /**
   * Slices excluded on each side of the test slice (Paper 1: 30 slices each side of #530).
   * @default min(30, floor(nz / 8))
   */
  gap?: number;
  /** Number of labelled slices, spread evenly over the allowed ones. @default 8 */
  slices?: number;
  /** Strokes per class on each labelled slice. @default 4 */
  strokesPerClass?: number;
  /** Length of one stroke, nm. @default 300 */
  strokeLength?: number;
  /** Brush radius, nm (a disc painted along the stroke). @default 15 */
  brushRadius?: number;
  /**
   * Distance the brush keeps from other classes, nm: 0 lets a stroke touch the
   * last pixels of its class (an annotator painting up to an edge); larger
   * values keep strokes in region centres (where classifiers learn least about edges).
   * @default 0
   */
  clearance?: number;
  /** Classes to paint. @default [1, 2, 3] */
  classes?: readonly number[];
}

/** Sparse training labels and the protocol they follow. */
export interface BrushStrokeLabels {
  /** Class id on painted voxels, 0 = unlabelled. */
  labels: Volume<Uint8Array>;
  /** The test slice (to be scored with the full truth of that slice). */
  testSlice: number;
  /** Slices excluded on each side of the test slice. */
  gap: number;
  /** Inclusive range of slices that carry no labels: [testSlice - gap, testSlice + gap], clipped. */
  excluded: [number, number];
  /** The slices that carry strokes, ascending. */
  trainSlices: number[];
  /** Painted voxels per class id. */
  counts: Record<number, number>;
  /** Number of strokes painted. */
  strokes: number;
}

/**
 * Sparse "brush stroke" labels that mimic a person labelling in a GUI such as
 * ilastik: on a few slices, a few short, wandering strokes of a round brush per
 * class, each kept inside one region of that class (a careful annotator paints
 * up to, never across, class edges), and no labels at
 * all within `gap` slices of the test slice.
 * @param truth - Ground-truth class labels (1 void, 2 CBD, 3 NMC).
 * @see Osenberg et al., Sect. 2.2.2 (evaluation protocol)
 * @example
 * const { labels, testSlice, trainSlices } = brushStrokeLabels(sim.truth, { seed: 2 });
 */
export function brushStrokeLabels(
  truth: Volume,
  options: BrushStrokeOptions = {},
): BrushStrokeLabels {
  checkVolume(truth, "truth");
  const [nz, ny, nx] = truth.shape;
  const seed = checkSeed(options.seed ?? 1);
  const testSlice = checkInteger(options.testSlice ?? Math.floor(nz / 2), "testSlice", 0, nz - 1);
  const gap = checkInteger(options.gap ?? Math.min(30, Math.floor(nz / 8)), "gap", 0);
  const nSlices = checkInteger(options.slices ?? 8, "slices", 1);
  const perClass = checkInteger(options.strokesPerClass ?? 4, "strokesPerClass", 0);
  const length = checkPositive(options.strokeLength ?? 300, "strokeLength");
  const radiusNm = checkNonNegative(options.brushRadius ?? 15, "brushRadius");
  const clearance = checkNonNegative(options.clearance ?? 0, "clearance") / truth.spacing[1];
  const classes = [
    ...checkNumberArray(options.classes ?? [1, 2, 3], "classes", {
      integer: true,
      min: 1,
      max: 255,
      expected: "integer class ids in [1, 255]",
    }),
  ];
  const excluded: [number, number] = [
    Math.max(0, testSlice - gap),
    Math.min(nz - 1, testSlice + gap),
  ];
  const allowed: number[] = [];
  for (let z = 0; z < nz; z++) if (z < excluded[0] || z > excluded[1]) allowed.push(z);
  if (allowed.length < nSlices) {
    throw new RangeError(
      `only ${allowed.length} slices lie outside the exclusion zone [${excluded[0]}, ${excluded[1]}] of ${nz} slices, fewer than \`slices\` = ${nSlices}; lower \`gap\` or \`slices\``,
    );
  }
  const rng = createRng(streamSeed(seed, "brush"));
  // Evenly spread over the allowed slices, with a small random offset.
  const trainSlices: number[] = [];
  const step = allowed.length / nSlices;
  for (let k = 0; k < nSlices; k++) {
    const pos = Math.min(allowed.length - 1, Math.floor((k + 0.25 + 0.5 * rng.next()) * step));
    trainSlices.push(allowed[pos]);
  }
  const unique = [...new Set(trainSlices)].sort((a, b) => a - b);

  const plane = ny * nx;
  const out = new Uint8Array(nz * plane);
  const counts: Record<number, number> = {};
  for (const c of classes) counts[c] = 0;
  const pxRadius = radiusNm / truth.spacing[1];
  const r = Math.max(0, Math.round(pxRadius));
  const steps = Math.max(1, Math.round(length / truth.spacing[1]));
  let strokes = 0;
  const data = truth.data;
  for (const z of unique) {
    for (const c of classes) {
      const mask = new Uint8Array(plane);
      for (let p = 0; p < plane; p++) mask[p] = data[z * plane + p] === c ? 1 : 0;
      const dist = chamfer2d(mask, ny, nx);
      // Stroke centres at chamfer distance >= r + 1 + clearance keep the whole disc inside the class
      // (a class pixel next to another class has distance 1); narrower regions get a smaller brush.
      let margin = r + 1 + clearance;
      let eligible: number[] = [];
      while (margin >= 1) {
        eligible = [];
        for (let p = 0; p < plane; p++) if (dist[p] >= margin) eligible.push(p);
        if (eligible.length > 0) break;
        margin -= 1;
      }
      if (eligible.length === 0) continue;
      const brush = Math.max(0, Math.min(r, Math.floor(margin - 1)));
      for (let s = 0; s < perClass; s++) {
        const start = eligible[rng.int(eligible.length)];
        let y = Math.floor(start / nx);
        let x = start - y * nx;
        let angle = rng.next() * 2 * Math.PI;
        let painted = 0;
        for (let t = 0; t < steps; t++) {
          for (let dy = -brush; dy <= brush; dy++)
            for (let dx = -brush; dx <= brush; dx++) {
              if (dy * dy + dx * dx > brush * brush + 0.5) continue;
              const yy = y + dy;
              const xx = x + dx;
              if (yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
              const p = z * plane + yy * nx + xx;
              if (data[p] === c && out[p] === 0) {
                out[p] = c;
                counts[c]++;
              }
            }
          painted++;
          // Wander: small random turns; turn harder when the next step would leave the safe region.
          let moved = false;
          for (let tries = 0; tries < 8 && !moved; tries++) {
            const a =
              angle +
              (tries === 0 ? 0.3 * rng.normal() : (rng.next() - 0.5) * Math.PI * (1 + tries / 4));
            const ny2 = Math.round(y + Math.sin(a));
            const nx2 = Math.round(x + Math.cos(a));
            if (ny2 < 0 || ny2 >= ny || nx2 < 0 || nx2 >= nx) continue;
            if (dist[ny2 * nx + nx2] < margin) continue;
            if (ny2 === y && nx2 === x) continue;
            y = ny2;
            x = nx2;
            angle = a;
            moved = true;
          }
          if (!moved) break;
        }
        if (painted > 0) strokes++;
      }
    }
  }
  return {
    labels: { data: out, shape: [nz, ny, nx], spacing: [...truth.spacing] },
    testSlice,
    gap,
    excluded,
    trainSlices: unique,
    counts,
    strokes,
  };
}
