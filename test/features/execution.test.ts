import { afterAll, describe, expect, it } from "vitest";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";
import { closePool } from "../../kernel-lib/src/parallel/index.js";
import {
  computeFeatures,
  featureBlocks,
  featureSpec,
  featuresAtLabels,
} from "../../kernel-lib/src/features/index.js";
import { random } from "./fixture.js";

afterAll(() => closePool());

const shape: Shape3 = [20, 26, 30];
const a = random(shape, 5);
const b = random(shape, 9);
const spec = featureSpec({
  inputs: ["A", "B", { name: "A - B", difference: ["A", "B"] }],
  filters: {
    GaussianSmoothing: [0.3, 1.6],
    DifferenceOfGaussians: [1.0],
    StructureTensorEigenvalues: [0.7],
    HessianOfGaussianEigenvalues: [3.5],
  },
  tailored: { ZForwardDifference: [2], ZRunningMax: [3], ZContrastChange: [1] },
});

/** Bitwise equality of two float arrays (vitest's toEqual is slow on millions of elements). */
function sameBits(x: Float32Array, y: Float32Array): boolean {
  return (
    x.length === y.length &&
    Buffer.compare(
      Buffer.from(x.buffer, x.byteOffset, x.byteLength),
      Buffer.from(y.buffer, y.byteOffset, y.byteLength),
    ) === 0
  );
}

function channelAt(
  stack: { data: Float32Array; shape: Shape3 },
  c: number,
  z: number,
  y: number,
  x: number,
): number {
  const [nz, ny, nx] = stack.shape;
  return stack.data[c * nz * ny * nx + (z * ny + y) * nx + x]!;
}

describe("feature execution (blockwise, regions, labels)", async () => {
  const whole = await computeFeatures({ A: a, B: b }, spec, { inline: true, blockShape: shape });

  it("does not depend on the block layout, and workers give the same result bit for bit", async () => {
    const small = await computeFeatures({ A: a, B: b }, spec, {
      inline: true,
      blockShape: [6, 13, 11],
    });
    expect(sameBits(small.data, whole.data)).toBe(true);
    const workers = await computeFeatures([a, b], spec, {
      inline: false,
      threads: 2,
      blockShape: [7, 26, 15],
    });
    expect(sameBits(workers.data, whole.data)).toBe(true);
  });

  it("a region equals the same voxels of the whole-volume features (inside, and touching the borders)", async () => {
    for (const region of [
      { origin: [5, 6, 7] as Shape3, shape: [6, 9, 10] as Shape3 },
      { origin: [0, 0, 20] as Shape3, shape: [3, 26, 10] as Shape3 },
      { origin: [19, 25, 0] as Shape3, shape: [1, 1, 30] as Shape3 },
    ]) {
      const r = await computeFeatures({ A: a, B: b }, spec, {
        region,
        inline: true,
        blockShape: [4, 8, 8],
      });
      expect(r.shape).toEqual(region.shape);
      let dev = 0;
      const [rz, ry, rx] = region.shape;
      for (let c = 0; c < r.channels.length; c++) {
        for (let z = 0; z < rz; z++)
          for (let y = 0; y < ry; y++)
            for (let x = 0; x < rx; x++) {
              dev = Math.max(
                dev,
                Math.abs(
                  channelAt(r, c, z, y, x) -
                    channelAt(
                      whole,
                      c,
                      z + region.origin[0],
                      y + region.origin[1],
                      x + region.origin[2],
                    ),
                ),
              );
            }
      }
      expect(dev).toBe(0);
    }
  });

  it("layout 'samples' is the transpose of layout 'channels'", async () => {
    const region = { origin: [2, 3, 4] as Shape3, shape: [3, 4, 5] as Shape3 };
    const ch = await computeFeatures({ A: a, B: b }, spec, { region, inline: true });
    const sm = await computeFeatures({ A: a, B: b }, spec, {
      region,
      layout: "samples",
      inline: true,
    });
    const C = ch.channels.length;
    const V = 3 * 4 * 5;
    expect(sm.volumes).toEqual([]);
    for (let v = 0; v < V; v++)
      for (let c = 0; c < C; c++) expect(sm.data[v * C + c]).toBe(ch.data[c * V + v]);
  });

  it("the difference input equals features of the difference volume", async () => {
    const diff: Volume<Float32Array> = {
      data: a.data.map((v, i) => v - b.data[i]!),
      shape,
      spacing: [1, 1, 1],
    };
    const d = await computeFeatures(diff, featureSpec({ ...specOptions(), inputs: ["D"] }), {
      inline: true,
    });
    const C = d.channels.length;
    const V = shape[0] * shape[1] * shape[2];
    let dev = 0;
    for (let i = 0; i < C * V; i++)
      dev = Math.max(dev, Math.abs(d.data[i]! - whole.data[2 * C * V + i]!));
    expect(dev).toBeLessThan(1e-6);
    expect(whole.channels[2 * C]!.name).toBe("Gaussian Smoothing (σ=0.3) [A - B]");
  });

  it("computes only the difference input's channels when the sources have features: false", async () => {
    const only = featureSpec({
      ...specOptions(),
      inputs: [
        { name: "A", features: false },
        { name: "B", features: false },
        { name: "A - B", difference: ["A", "B"] },
      ],
    });
    const d = await computeFeatures({ A: a, B: b }, only, { inline: true });
    const C = d.channels.length;
    const V = shape[0] * shape[1] * shape[2];
    expect(sameBits(d.data, whole.data.subarray(2 * C * V, 3 * C * V))).toBe(true);
  });

  it("featuresAtLabels returns the whole-volume features of exactly the labelled voxels", async () => {
    const labels: Volume<Uint8Array> = {
      data: new Uint8Array(a.data.length),
      shape,
      spacing: [1, 1, 1],
    };
    const [, ny, nx] = shape;
    // two brush strokes on two slices, and one voxel in a corner
    for (let x = 3; x < 25; x++) labels.data[(4 * ny + 10) * nx + x] = 1;
    for (let y = 2; y < 20; y++) labels.data[(15 * ny + y) * nx + 7] = 2;
    labels.data[labels.data.length - 1] = 3;
    for (const opts of [
      { inline: true, blockShape: [5, 13, 15] as Shape3 },
      { inline: false, threads: 2 },
    ]) {
      const s = await featuresAtLabels({ A: a, B: b }, labels, spec, opts);
      expect(s.count).toBe(22 + 18 + 1);
      const C = s.channels.length;
      expect(s.samples.length).toBe(s.count * C);
      const V = shape[0] * ny * nx;
      for (let i = 0; i < s.count; i++) {
        const v = s.indices[i]!;
        expect(s.labels[i]).toBe(labels.data[v]);
        for (let c = 0; c < C; c++) expect(s.samples[i * C + c]).toBe(whole.data[c * V + v]);
      }
    }
    const none = await featuresAtLabels(
      { A: a, B: b },
      { ...labels, data: new Uint8Array(labels.data.length) },
      spec,
    );
    expect(none.count).toBe(0);
  });

  it("featureBlocks walks the volume region by region, reusing one buffer", async () => {
    const seen = new Uint8Array(a.data.length);
    const V = shape[0] * shape[1] * shape[2];
    let buffer: ArrayBufferLike | undefined;
    let regions = 0;
    for await (const f of featureBlocks({ A: a, B: b }, spec, {
      regionShape: [6, 26, 30],
      inline: true,
    })) {
      regions++;
      buffer ??= f.data.buffer;
      expect(f.data.buffer).toBe(buffer);
      const [rz, ry, rx] = f.shape;
      for (let z = 0; z < rz; z++)
        for (let y = 0; y < ry; y++)
          for (let x = 0; x < rx; x++) {
            const v = ((z + f.origin[0]) * shape[1] + y + f.origin[1]) * shape[2] + x + f.origin[2];
            seen[v]++;
            expect(f.data[7 * rz * ry * rx + (z * ry + y) * rx + x]).toBe(whole.data[7 * V + v]);
          }
    }
    expect(regions).toBe(4);
    expect(seen.every((s) => s === 1)).toBe(true);
  });

  it("featureBlocks sizes regions by regionBytes: halving the longest axis until a region's features fit", async () => {
    const C = whole.channels.length;
    const shapes: number[][] = [];
    for await (const f of featureBlocks({ A: a, B: b }, spec, {
      regionBytes: 4 * C * 20 * 13 * 15,
      inline: true,
    })) {
      shapes.push(f.shape);
      expect(f.data.length).toBeLessThanOrEqual(C * 20 * 13 * 15);
    }
    // 20x26x30 -> 20x26x15 -> 20x13x15
    expect(shapes).toEqual([
      [20, 13, 15],
      [20, 13, 15],
      [20, 13, 15],
      [20, 13, 15],
    ]);
  });

  it("falls back to 2D for a thin volume: those scales equal the 2D features of each slice", async () => {
    const thin = random([6, 21, 23], 17);
    const s = featureSpec({
      filters: { GaussianSmoothing: [0.7, 1.6], HessianOfGaussianEigenvalues: [1.6] },
    }); // 1.6 needs nz >= 7 in 3D
    const f = await computeFeatures(thin, s, { inline: true });
    expect(f.channels.map((c) => c.name)).toEqual([
      "Gaussian Smoothing (σ=0.7) [raw]",
      "Gaussian Smoothing (σ=1.6) in 2D [raw]",
      "Hessian of Gaussian Eigenvalues (σ=1.6) in 2D [raw] #0",
      "Hessian of Gaussian Eigenvalues (σ=1.6) in 2D [raw] #1",
    ]);
    const plane = 21 * 23;
    for (const z of [0, 3, 5]) {
      const slice = {
        data: thin.data.slice(z * plane, (z + 1) * plane),
        shape: [1, 21, 23] as Shape3,
        spacing: [1, 1, 1] as Shape3,
      };
      const g = await computeFeatures(
        slice,
        featureSpec({ filters: { GaussianSmoothing: [1.6], HessianOfGaussianEigenvalues: [1.6] } }),
        { inline: true },
      );
      for (let k = 0; k < 3; k++)
        expect(f.volumes[k + 1]!.data.subarray(z * plane, (z + 1) * plane)).toEqual(
          g.volumes[k]!.data,
        );
    }
  });

  it("checks its arguments", async () => {
    await expect(computeFeatures({ A: a }, spec)).rejects.toThrow(/missing B/);
    await expect(computeFeatures([a, random([3, 3, 3], 1)], spec)).rejects.toThrow(/shape/);
    await expect(
      computeFeatures({ A: a, B: b }, spec, { region: { origin: [15, 0, 0], shape: [10, 2, 2] } }),
    ).rejects.toThrow(/inside the volume/);
    await expect(featuresAtLabels({ A: a, B: b }, random([2, 2, 2], 1), spec)).rejects.toThrow(
      /shape/,
    );
  });
});

function specOptions() {
  return {
    filters: {
      GaussianSmoothing: [0.3, 1.6],
      DifferenceOfGaussians: [1.0],
      StructureTensorEigenvalues: [0.7],
      HessianOfGaussianEigenvalues: [3.5],
    },
    tailored: { ZForwardDifference: [2], ZRunningMax: [3], ZContrastChange: [1] },
  };
}
