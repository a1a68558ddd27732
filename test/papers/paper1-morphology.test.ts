import { describe, expect, it } from "vitest";
import {
  paper1Fig6a,
  paper1Fig6b,
  paper1Fig7a,
  paper1Fig7b,
  paper1Morphology,
  paper1MorphologyNumbers,
  paper1MorphologyTable,
  paper1ElectronPaths,
  paper1IonPaths,
  paper1SegmentVolume,
  paper1ParticleBox,
  PAPER1_MORPHOLOGY,
} from "../../kernel-lib/src/papers/index.js";
import { loadSample } from "../../kernel-lib/src/synth/index.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

/**
 * A 40^3-voxel NMC box (10 nm voxels) in a 60^3 void volume, with a closed 10^3 cavity at
 * its centre and a straight 3 x 3 channel from the z = 10 face down to the cavity: both are
 * too narrow for the 150-nm ball, so they are the inner pores (1000 + 15 * 9 voxels).
 */
function boxParticle(): Volume<Uint8Array> {
  const n = 60;
  const data = new Uint8Array(n * n * n).fill(1);
  const inside = (v: number, a: number, b: number) => v >= a && v < b;
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        const box = inside(z, 10, 50) && inside(y, 10, 50) && inside(x, 10, 50);
        const cavity = inside(z, 25, 35) && inside(y, 25, 35) && inside(x, 25, 35);
        const channel = inside(z, 10, 25) && inside(y, 29, 32) && inside(x, 29, 32);
        if (box && !cavity && !channel) data[(z * n + y) * n + x] = 3;
      }
  return { data, shape: [n, n, n], spacing: [10, 10, 10] };
}

describe("paper1Morphology", () => {
  it("measures a box particle with a cavity and a channel as counted by hand", async () => {
    const m = await paper1Morphology(boxParticle(), {
      distances: [100],
      sizes: [10, 20, 30],
      threads: 1,
    });
    let inner = 0;
    let particle = 0;
    for (let i = 0; i < m.particle.data.length; i++) {
      inner += m.innerPores.data[i]!;
      particle += m.particle.data[i]!;
    }
    expect(inner).toBe(1000 + 135);
    expect(particle).toBe(40 ** 3);
    expect(m.volumeFraction).toBeCloseTo((64000 - 1135) / 64000, 12);
    // xy sections: the central half of the particle's 40 slices is z 20..39 (index 10 + 10 ... 10 + 29);
    // the cavity's slices 25..34 have 1 - 100/1600, the channel's 20..24 have 1 - 9/1600
    const xy = m.sections.xy;
    const expected: number[] = [];
    for (let z = xy.range[0]; z <= xy.range[1]; z++)
      expected.push(z >= 25 && z < 35 ? 1 - 100 / 1600 : z < 25 ? 1 - 9 / 1600 : 1);
    const mean = expected.reduce((a, b) => a + b, 0) / expected.length;
    expect(xy.mean).toBeCloseTo(mean, 12);
    // tortuosity: from the 9 mouth voxels straight down 100 nm: exactly 1
    expect(m.tortuosity).toHaveLength(1);
    expect(m.tortuosity[0]!.reachable).toBe(9);
    expect(m.tortuosity[0]!.mean).toBeCloseTo(1, 6);
    expect(m.tortuosity[0]!.std).toBeCloseTo(0, 6);
    // intrusion: spheres up to the channel's half width (axis at 20 nm from the walls) fill all; 30 nm none
    expect(m.intrusion.sizes).toEqual([10, 20, 30]);
    expect(m.intrusion.fraction).toEqual([1, 1, 0]);
    // shells: the cumulative curve ends at the particle's volume fraction
    expect(m.shells.cumulative.at(-1)).toBeCloseTo(m.volumeFraction, 12);
    expect(paper1ParticleBox(m, 2)).toEqual([
      [8, 52],
      [8, 52],
      [8, 52],
    ]);
    expect(paper1ParticleBox(m, 20)).toEqual([
      [0, 60],
      [0, 60],
      [0, 60],
    ]);
    // the recorded numbers and the figures
    const n = paper1MorphologyNumbers(m);
    expect(n.vf_particle).toBe(m.volumeFraction);
    expect(n["tortuosity_mean.0.1"]).toBe(m.tortuosity[0]!.mean);
    expect(n["intrusion.30"]).toBe(0);
    const runs = [{ name: "truth", result: m }];
    expect(paper1Fig6a(runs).data).toHaveLength(2);
    expect(paper1Fig6b(runs).data).toHaveLength(3);
    expect(paper1Fig7a(runs).data).toHaveLength(1);
    expect(paper1Fig7b(runs).data).toHaveLength(2);
    const table = paper1MorphologyTable(runs).data[0] as { cells: { values: unknown[][] } };
    expect(table.cells.values[0]![0]).toBe("NMC volume fraction of the particle");
  });

  it("refuses unknown options and bad values, naming them", async () => {
    const v = boxParticle();
    await expect(paper1Morphology(v, { radiu: 1 } as never)).rejects.toThrow(
      /`options.radiu` is not an option/,
    );
    await expect(paper1Morphology(v, { radius: -1 })).rejects.toThrow(/radius/);
    await expect(paper1Morphology(v, { distances: [] })).rejects.toThrow(/distances/);
  });

  it("holds the published numbers of section 3.7", () => {
    expect(PAPER1_MORPHOLOGY.volumeFraction).toBe(0.66);
    expect(PAPER1_MORPHOLOGY.tortuosity[1000]).toEqual([1.19, 0.11]);
    expect(PAPER1_MORPHOLOGY.intrusion[80]).toBe(0.63);
  });
});

describe("paper1SegmentVolume", () => {
  it("segments a whole sample from its brush strokes, mostly as the truth", async () => {
    const s = await loadSample("fibsem-nmc-small");
    const seg = await paper1SegmentVolume(s, { method: "3.4", trees: 20 });
    expect(seg.shape).toEqual(s.truth.shape);
    expect(seg.spacing).toEqual(s.truth.spacing);
    let ok = 0;
    for (let i = 0; i < seg.data.length; i++) if (seg.data[i] === s.truth.data[i]) ok++;
    // the forest benchmark's SE2-only forest scores about 0.90 on this sample
    expect(ok / seg.data.length).toBeGreaterThan(0.8);
    expect(new Set(seg.data)).toEqual(new Set([1, 2, 3]));
    // a box predicted alone (with its margin) agrees with the whole-volume prediction there
    const box = await paper1SegmentVolume(s, {
      method: "3.4",
      trees: 20,
      crop: [[10, 40], null, [20, 80]],
    });
    expect(box.shape).toEqual([30, 96, 60]);
    let same = 0;
    for (let z = 0; z < 30; z++)
      for (let y = 0; y < 96; y++)
        for (let x = 0; x < 60; x++)
          if (box.data[(z * 96 + y) * 60 + x] === seg.data[((z + 10) * 96 + y) * 96 + x + 20])
            same++;
    expect(same / box.data.length).toBeGreaterThan(0.995);
    await expect(paper1SegmentVolume(s, { crop: [[0, 99], null, null] })).rejects.toThrow(
      /crop range for z/,
    );
  }, 120_000);
});

describe("paper1ElectronPaths, paper1IonPaths", () => {
  it("trace paths of hand-known length", async () => {
    // a 1 x 3 x 12 NMC bar (spacing 10 nm) with CBD beyond x = 0: contacts at x = 1
    const shape: [number, number, number] = [1, 3, 13];
    const labels = new Uint8Array(39).fill(1);
    const solid = new Uint8Array(39);
    for (let y = 0; y < 3; y++) {
      labels[y * 13] = 2;
      for (let x = 1; x < 13; x++) {
        labels[y * 13 + x] = 3;
        solid[y * 13 + x] = 1;
      }
    }
    const vol = (data: Uint8Array) => ({
      data,
      shape,
      spacing: [10, 10, 10] as [number, number, number],
    });
    const e = await paper1ElectronPaths(vol(solid), vol(labels), 2, { count: 100 });
    // every NMC voxel but the 3 contacts starts a path; each runs straight back in x
    expect(e).toHaveLength(3 * 11);
    for (const p of e) {
      const [x0, y0] = p.points[0]!;
      const end = p.points.at(-1)!;
      expect(end[0]).toBe(10);
      expect(end[1]).toBe(y0);
      expect(p.length).toBeCloseTo(x0! - 10, 9);
      // paths through each voxel: the starts at or beyond it in its row (13 - x), 11 at the contact
      expect(p.density).toEqual(p.points.map(([x]) => (x === 10 ? 11 : 13 - x! / 10)));
    }
    await expect(paper1ElectronPaths(vol(solid), vol(labels), 5)).rejects.toThrow(
      /touching the CBD/,
    );
  });

  it("ion paths run up the box particle's channel to its mouth", async () => {
    const m = await paper1Morphology(boxParticle(), { distances: [100], sizes: [10], threads: 1 });
    const ions = await paper1IonPaths(m.innerPores, m.particle, { count: 2000 });
    expect(ions.length).toBe(1135 - 9);
    for (const p of ions) {
      expect(p.points.at(-1)![2]).toBe(100); // ends on the mouth layer z = 10
      const [x, y, z] = p.points[0]!;
      if (x === 300 && y === 300 && z! < 250) expect(p.length).toBeCloseTo(z! - 100, 9);
      expect(p.length).toBeGreaterThanOrEqual(z! - 100 - 1e-9);
    }
  });
});
