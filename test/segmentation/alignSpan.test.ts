import { afterAll, describe, expect, it } from "vitest";
import { closePool } from "../../kernel-lib/src/parallel/pool.js";
import { alignStack } from "../../kernel-lib/src/segmentation/index.js";
import { solvePositions, type PairShift } from "../../kernel-lib/src/segmentation/alignSolve.js";
import { loadSample } from "../../kernel-lib/src/synth/samples.js";
import { createRng } from "../../kernel-lib/src/stats/random.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";
import { randomBlobs, renderBlobs } from "./alignImages.js";

afterAll(() => closePool());

const errors = (transforms: { dy: number; dx: number }[], truth: readonly (readonly [number, number])[]) =>
  transforms.map((t, z) => Math.max(Math.abs(t.dy - truth[z][0]), Math.abs(t.dx - truth[z][1])));

describe("solvePositions", () => {
  it("recovers positions from exact pairs and resists one outlier pair", () => {
    const nz = 12;
    const truth = Array.from({ length: nz }, (_, z): [number, number] => [Math.sin(z) * 3, 0.4 * z]);
    const pairs: PairShift[] = [];
    for (let b = 1; b < nz; b++)
      for (let k = 1; k <= 3 && b - k >= 0; k++)
        pairs.push({ a: b - k, b, dy: truth[b][0] - truth[b - k][0], dx: truth[b][1] - truth[b - k][1], weight: 1 / k });
    const exact = solvePositions(nz, pairs);
    expect(Math.max(...errors(exact.map(([dy, dx]) => ({ dy, dx })), truth))).toBeLessThan(1e-9);
    // A pair 10 px off: the plain solve spreads it, the reweighted one nearly ignores it.
    pairs[7] = { ...pairs[7], dx: pairs[7].dx + 10 };
    const plain = Math.max(...errors(solvePositions(nz, pairs).map(([dy, dx]) => ({ dy, dx })), truth));
    const robust = Math.max(...errors(solvePositions(nz, pairs, 2).map(([dy, dx]) => ({ dy, dx })), truth));
    expect(plain).toBeGreaterThan(1);
    expect(robust).toBeLessThan(plain / 3);
  });

  it("rejects slices not linked to slice 0", () => {
    expect(() => solvePositions(3, [{ a: 0, b: 1, dy: 0, dx: 0, weight: 1 }])).toThrow(/slice 2 is not linked/);
  });
});

describe("alignStack span", () => {
  // Slices share drifting blobs; each pair (z, z + 1) also shares blobs of its own that
  // do not move with the stage (short-lived structure), which biases each slice-to-previous
  // shift, so span 1 drifts; pairs spanning 3 slices see none of them.
  const nz = 24;
  const ny = 64;
  const nx = 64;
  const rng = createRng(11);
  const truth: [number, number][] = [[0, 0]];
  for (let z = 1; z < nz; z++) truth.push([truth[z - 1][0] + 1.5 * rng.normal(), truth[z - 1][1] + 1.5 * rng.normal()]);
  const common = randomBlobs(ny, nx, 30, 3, 10);
  const local = Array.from({ length: nz }, (_, z) => randomBlobs(ny, nx, 20, 100 + z, 10));
  const data = new Float32Array(nz * ny * nx);
  for (let z = 0; z < nz; z++) {
    const img = renderBlobs(common, ny, nx, { dy: truth[z][0], dx: truth[z][1] });
    for (const j of [z - 1, z]) {
      if (j < 0 || j >= nz - 1) continue;
      const own = renderBlobs(local[j], ny, nx, { dy: 0, dx: 0 });
      for (let i = 0; i < img.length; i++) img[i] += own[i] - 10;
    }
    data.set(img, z * ny * nx);
  }
  const stack: Volume<Float32Array> = { data, shape: [nz, ny, nx], spacing: [1, 1, 1] };

  it("span 3 drifts clearly less than span 1 against the known shifts", async () => {
    const one = errors((await alignStack(stack, { span: 1, threads: 1 })).transforms, truth);
    const three = errors((await alignStack(stack, { span: 3, threads: 1 })).transforms, truth);
    expect(Math.max(...one)).toBeGreaterThan(1);
    expect(Math.max(...three)).toBeLessThan(Math.max(...one) / 2);
  });

  it("workers give the inline result", async () => {
    const inline = await alignStack(stack, { span: 3, inline: true });
    const pooled = await alignStack(stack, { span: 3, inline: false, threads: 2 });
    expect(pooled.transforms).toEqual(inline.transforms);
  });

  it("rejects span > 1 outside translation against the previous slice", async () => {
    await expect(alignStack(stack, { span: 2, reference: "first" })).rejects.toThrow(/span.*reference "previous"/);
    await expect(alignStack(stack, { span: 0 })).rejects.toThrow(/span/);
  });

  it("recovers ebsd-particle-small's shifts within 0.5 px with span 1 and 2", async () => {
    const s = await loadSample("ebsd-particle-small");
    for (const span of [1, 2]) {
      const e = errors((await alignStack(s.iq, { span })).transforms, s.shifts);
      expect(Math.max(...e)).toBeLessThan(0.5);
    }
  });
});
