import { describe, expect, it } from "vitest";
import { parseAng, readAng, readCtf, sharedDataPath } from "../../kernel-lib/src/io/index.js";
import { paper2RealMap } from "../../kernel-lib/src/papers/paper2/realMap.js";
import { paper2RealMapFigure } from "../../kernel-lib/src/papers/paper2/figures.js";

/**
 * A 48 x 48 cubic .ang map of four grains (quadrants, split at row 24 and column 20),
 * orientations 30 degrees apart about different axes; IQ 200 inside grains and 80 on the
 * two rows / columns along each boundary, with a deterministic ripple.
 */
function fourGrainAng(): Uint8Array {
  const n = 48;
  const head = [
    "# Phase 1",
    "# MaterialName Iron",
    "# Formula Fe",
    "# Symmetry 43",
    "# LatticeConstants 2.87 2.87 2.87 90 90 90",
    "# GRID: SqrGrid",
    "# XSTEP: 1",
    "# YSTEP: 1",
    `# NCOLS_ODD: ${n}`,
    `# NCOLS_EVEN: ${n}`,
    `# NROWS: ${n}`,
    "#",
  ];
  const eulers = [
    [0, 0, 0],
    [0.52, 0, 0],
    [0, 0.52, 0],
    [0.3, 0.6, 0.9],
  ];
  const body: string[] = [];
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      const g = (r < 24 ? 0 : 2) + (c < 20 ? 0 : 1);
      const nearBoundary = r === 23 || r === 24 || c === 19 || c === 20;
      const iq = (nearBoundary ? 80 : 200) + 6 * Math.sin(0.7 * r + 1.3 * c);
      const [a, b, d] = eulers[g]!;
      body.push(`${a} ${b} ${d} ${c} ${r} ${iq.toFixed(2)} 0.9 1`);
    }
  return new TextEncoder().encode([...head, ...body].join("\n") + "\n");
}

describe("paper2RealMap", () => {
  it("finds the four grains by orientation, and the image route recovers them from the IQ", async () => {
    const map = parseAng(fourGrainAng(), "four.ang");
    const r = await paper2RealMap(map, { trees: 20, bands: 4, bandRows: 2 });
    expect(r.referenceCount).toBe(4);
    expect(r.labelledRows).toHaveLength(8);
    expect(r.image.shape).toEqual([1, 48, 48]);
    expect(r.image.spacing).toEqual([1000, 1000, 1000]);
    expect(r.imageCount).toBeGreaterThanOrEqual(4);
    expect(r.matchedFraction).toBe(1);
    expect(r.adaptedRandError).toBeLessThan(0.1);
    const f = paper2RealMapFigure(r);
    expect(f.data.filter((t) => t.name === "labels")).toHaveLength(2);
    expect(JSON.stringify(f.layout)).toContain("orientation route (4 grains)");
    expect(() => paper2RealMapFigure({} as never)).toThrow(/paper2RealMap/);
  }, 60_000);

  it("names bad input", async () => {
    const map = parseAng(fourGrainAng(), "four.ang");
    await expect(paper2RealMap(map, { quality: "BC" })).rejects.toThrow(
      /four.ang: no quality channel "BC"/,
    );
    await expect(paper2RealMap(map, { bands: 16, bandRows: 3 })).rejects.toThrow(
      /must leave unlabelled rows/,
    );
    await expect(paper2RealMap({} as never)).rejects.toThrow(/EBSD map/);
  });

  const dc06 = sharedDataPath("ebsd-mtex/DC06_2uniax.ang");
  it.skipIf(!dc06)(
    "runs on the real DC06 map (alpha iron, .ang; shared data)",
    async () => {
      const r = await paper2RealMap(await readAng(dc06!), { trees: 20 });
      expect(r.referenceCount).toBeGreaterThan(10);
      expect(r.imageCount).toBeGreaterThan(0);
      expect(r.matchedFraction).toBeGreaterThanOrEqual(0);
      expect(r.adaptedRandError).toBeLessThan(1);
      console.log(
        `DC06: reference ${r.referenceCount} grains, image route ${r.imageCount}, matched ${r.matchedFraction.toFixed(3)}, ARE ${r.adaptedRandError.toFixed(3)}`,
      );
    },
    120_000,
  );

  const twins = sharedDataPath("ebsd-mtex/twins.ctf");
  it.skipIf(!twins)(
    "runs on the real twins map (magnesium, .ctf; shared data)",
    async () => {
      const r = await paper2RealMap(await readCtf(twins!), { trees: 20 });
      expect(r.referenceCount).toBeGreaterThan(10);
      console.log(
        `twins: reference ${r.referenceCount} grains, image route ${r.imageCount}, matched ${r.matchedFraction.toFixed(3)}, ARE ${r.adaptedRandError.toFixed(3)}`,
      );
    },
    120_000,
  );
});
