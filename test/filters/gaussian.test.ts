import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";
import { closePool, type BoundaryMode } from "../../kernel-lib/src/parallel/index.js";
import { gaussian } from "../../kernel-lib/src/filters/index.js";

const dir = new URL("../fixtures/filters/", import.meta.url);
interface Fixture {
  inputs: Record<string, { file: string; shape: Shape3; dtype: "float32" | "uint8" }>;
  gaussian: {
    name: string;
    input: string;
    sigma: Shape3;
    mode: BoundaryMode;
    cval: number;
    truncate: number;
    output: string;
  }[];
}
const fixture = JSON.parse(readFileSync(new URL("filters.json", dir), "utf8")) as Fixture;

function readRaw(file: string, dtype: "float32" | "uint8"): Float32Array | Uint8Array {
  const bytes = readFileSync(new URL(file, dir));
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return dtype === "uint8" ? copy : new Float32Array(copy.buffer);
}

function input(key: string): Volume {
  const spec = fixture.inputs[key]!;
  return { data: readRaw(spec.file, spec.dtype), shape: spec.shape, spacing: [1, 1, 1] };
}

function random(shape: Shape3, seed: number): Volume<Float32Array> {
  const n = shape[0] * shape[1] * shape[2];
  const data = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0; // LCG
    data[i] = s / 2 ** 32;
  }
  return { data, shape, spacing: [3, 2, 1] };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

afterAll(async () => {
  await closePool();
});

describe("gaussian vs scipy.ndimage.gaussian_filter (fixture)", () => {
  for (const c of fixture.gaussian) {
    it(`${c.name}: sigma ${c.sigma.join(",")} mode ${c.mode}, within 1e-4`, async () => {
      const volume = input(c.input);
      const expected = readRaw(c.output, "float32");
      // 2D cases pass a single sigma: sigma z is ignored for nz = 1.
      const sigma = volume.shape[0] === 1 && c.sigma[1] === c.sigma[2] ? c.sigma[1] : c.sigma;
      const out = await gaussian(volume, sigma, {
        mode: c.mode,
        cval: c.cval,
        truncate: c.truncate,
        blockShape: [4, 9, 11],
      });
      expect(out.data).toBeInstanceOf(Float32Array);
      expect(out.shape).toEqual(volume.shape);
      // uint8 data spans 0..255: the same relative accuracy
      const scale = fixture.inputs[c.input]!.dtype === "uint8" ? 255 : 1;
      expect(maxAbsDiff(out.data, expected)).toBeLessThan(1e-4 * scale);
    });
  }
});

describe("gaussian", () => {
  it("gives byte-identical results blockwise on workers and as one block in the main thread", async () => {
    const volume = random([19, 23, 31], 7);
    const sigma: Shape3 = [1.3, 2.1, 0.8];
    const whole = await gaussian(volume, sigma, { inline: true, blockShape: volume.shape });
    const blocked = await gaussian(volume, sigma, {
      inline: false,
      threads: 2,
      blockShape: [4, 7, 10],
    });
    const slabs = await gaussian(volume, sigma, { inline: false, threads: 2 });
    const bytes = (v: Volume) =>
      new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength);
    expect(Buffer.compare(bytes(blocked), bytes(whole))).toBe(0);
    expect(Buffer.compare(bytes(slabs), bytes(whole))).toBe(0);
  });

  it("keeps a constant volume constant and does not change its input", async () => {
    const data = new Float32Array(9 * 10 * 11).fill(0.625);
    const volume: Volume<Float32Array> = { data, shape: [9, 10, 11], spacing: [1, 1, 1] };
    for (const mode of ["reflect", "nearest", "mirror", "wrap"] as const) {
      const out = await gaussian(volume, [2, 1, 3], { mode });
      expect(maxAbsDiff(out.data, data)).toBeLessThan(1e-6);
    }
    expect(data.every((v) => v === 0.625)).toBe(true);
  });

  it("sums a delta impulse to the kernel: the response integrates to 1 and peaks at the impulse", async () => {
    const shape: Shape3 = [21, 21, 21];
    const data = new Float32Array(21 ** 3);
    data[(10 * 21 + 10) * 21 + 10] = 1;
    const out = await gaussian({ data, shape, spacing: [1, 1, 1] }, 1.5);
    const sum = out.data.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);
    // separable: the centre value is g(0)^3 with g the normalised 1D kernel
    let g0 = 0;
    for (let x = -6; x <= 6; x++) g0 += Math.exp(-(x * x) / (2 * 1.5 ** 2));
    expect(out.data[(10 * 21 + 10) * 21 + 10]).toBeCloseTo((1 / g0) ** 3, 6);
  });

  it("treats sigma 0 as no smoothing and 2D volumes as planes", async () => {
    const volume: Volume<Uint8Array> = {
      data: Uint8Array.from([0, 10, 20, 30, 40, 250]),
      shape: [1, 2, 3],
      spacing: [1, 1, 1],
    };
    const same = await gaussian(volume, 0);
    expect(Array.from(same.data)).toEqual([0, 10, 20, 30, 40, 250]);
    const plane = await gaussian(volume, [5, 0, 0]); // sigma z ignored for nz = 1
    expect(Array.from(plane.data)).toEqual([0, 10, 20, 30, 40, 250]);
  });

  it("checks its arguments", async () => {
    const volume = random([3, 4, 5], 1);
    await expect(gaussian(volume, -1)).rejects.toThrow(
      "`sigma` must be a finite number >= 0 or [sz, sy, sx] of them, received -1",
    );
    await expect(gaussian(volume, [1, 2] as unknown as Shape3)).rejects.toThrow(/received \[1,2\]/);
    await expect(gaussian(volume, [1, Number.NaN, 1])).rejects.toThrow(RangeError);
    await expect(gaussian(volume, 1, { truncate: 0 })).rejects.toThrow(
      "`truncate` must be a finite number > 0, received 0",
    );
    await expect(gaussian(volume, 1, { mode: "edge" as BoundaryMode })).rejects.toThrow(
      /`mode` must be one of/,
    );
    await expect(
      gaussian({ data: new Float32Array(3), shape: [3, 4, 5], spacing: [1, 1, 1] }, 1),
    ).rejects.toThrow(/has 3 elements but shape 3x4x5 needs 60/);
    await expect(gaussian(null as unknown as Volume, 1)).rejects.toThrow(TypeError);
  });
});
