import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { phaseCorrelate } from "../../kernel-lib/src/segmentation/index.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

// Made by test/fixtures/generate_align.py (scikit-image's phase_cross_correlation).
const dir = new URL("../fixtures/align/", import.meta.url);
const fixture = JSON.parse(readFileSync(new URL("align.json", dir), "utf8")) as {
  meta: Record<string, string>;
  cases: {
    name: string;
    note: string;
    shape: [number, number];
    reference: string;
    moving: string;
    upsample: number;
    normalization: "phase" | null;
    shifts: [number, number];
  }[];
};

function image(file: string, [ny, nx]: [number, number]): Volume<Float32Array> {
  const bytes = readFileSync(new URL(file, dir));
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  expect(data.length).toBe(ny * nx);
  return { data, shape: [1, ny, nx], spacing: [1, 1, 1] };
}

describe(`phaseCorrelate vs scikit-image ${fixture.meta.skimage} phase_cross_correlation`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const r = phaseCorrelate(image(c.reference, c.shape), image(c.moving, c.shape), {
      window: "none",
      lowpass: 0,
      whiten: c.normalization === "phase" ? 1 : 0,
      subpixel: c.upsample > 1,
      ...(c.upsample > 1 ? { upsample: c.upsample } : {}),
    });
    // skimage returns the shift registering `moving`; phaseCorrelate where `moving` moved.
    // Both search the same 1 / upsample grid, so they agree up to float32 rounding of skimage's result.
    expect(Math.abs(r.dy + c.shifts[0])).toBeLessThan(1e-6);
    expect(Math.abs(r.dx + c.shifts[1])).toBeLessThan(1e-6);
  });
});
