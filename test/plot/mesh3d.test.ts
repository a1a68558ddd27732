import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  blockMode,
  boundaryFaces,
  isosurfaceFigure,
  marchBinary,
  meshArea,
  meshLabels,
  decimateMesh,
  meshVolume,
  particleSizeFigure,
  type TriangleMesh,
} from "../../kernel-lib/src/plot/mesh3d.js";
import type { Shape3, Spacing3, Volume } from "../../kernel-lib/src/volume/types.js";

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/mesh3d/mesh3d.json", import.meta.url), "utf8"),
) as {
  cases: {
    name: string;
    shape: Shape3;
    spacing: Spacing3;
    mask: number[];
    voxels: number;
    area: number;
    volume: number;
    triangles: number;
  }[];
};

/** Directed edges that do not appear exactly once, with their reverse exactly once. */
function openEdges(mesh: TriangleMesh): number {
  const t = mesh.triangles;
  const seen = new Map<string, number>();
  for (let k = 0; k < t.length; k += 3)
    for (let e = 0; e < 3; e++) {
      const key = `${t[k + e]},${t[k + ((e + 1) % 3)]}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  let bad = 0;
  for (const [key, n] of seen) {
    const [a, b] = key.split(",");
    if (n !== 1 || seen.get(`${b},${a}`) !== 1) bad++;
  }
  return bad;
}

function ball(n: number, radius: number, spacing: Spacing3 = [1, 1, 1]): Volume<Uint8Array> {
  const data = new Uint8Array(n * n * n);
  const c = (n - 1) / 2;
  for (let z = 0, i = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++, i++) data[i] = Math.hypot(z - c, y - c, x - c) <= radius ? 1 : 0;
  return { data, shape: [n, n, n], spacing };
}

const isOne = (v: number) => v === 1;

describe("marchBinary (marching cubes of a binary volume)", () => {
  it("gives a closed, outward-oriented surface for each of the 256 corner patterns", () => {
    for (let code = 1; code < 256; code++) {
      const data = Uint8Array.from({ length: 8 }, (_, c) => (code >> c) & 1);
      const mesh = marchBinary(data, [2, 2, 2], [1, 1, 1], isOne);
      expect(openEdges(mesh), `pattern ${code}`).toBe(0);
      expect(meshVolume(mesh), `pattern ${code}`).toBeGreaterThan(0);
    }
  });

  it("meshes one voxel as the octahedron through its face centres (hand-computed)", () => {
    const [dz, dy, dx] = [4, 3, 2];
    const mesh = marchBinary(Uint8Array.of(1), [1, 1, 1], [dz, dy, dx], isOne);
    expect(mesh.triangles.length / 3).toBe(8);
    expect(mesh.positions.length / 3).toBe(6);
    // octahedron with half-axes a, b, c: volume 4abc/3, 8 faces of area sqrt(a²b²+b²c²+c²a²)/2
    const [a, b, c] = [dx / 2, dy / 2, dz / 2];
    expect(meshVolume(mesh)).toBeCloseTo((4 * a * b * c) / 3, 5);
    expect(meshArea(mesh)).toBeCloseTo(
      4 * Math.sqrt(a * a * b * b + b * b * c * c + c * c * a * a),
      5,
    );
    // centred on the voxel centre (dx/2, dy/2, dz/2)
    const xs = Array.from(mesh.positions.filter((_, i) => i % 3 === 0));
    expect(Math.min(...xs)).toBe(0);
    expect(Math.max(...xs)).toBe(dx);
  });

  it("puts a full block's surface on the volume's physical extent [0, n d]", () => {
    const shape: Shape3 = [3, 4, 5];
    const spacing: Spacing3 = [7, 3, 2];
    const mesh = marchBinary(new Uint8Array(60).fill(1), shape, spacing, isOne);
    for (let axis = 0; axis < 3; axis++) {
      const v = Array.from(mesh.positions.filter((_, i) => i % 3 === axis));
      expect(Math.min(...v)).toBe(0);
      expect(Math.max(...v)).toBeCloseTo(shape[2 - axis]! * spacing[2 - axis]!, 5);
    }
    expect(openEdges(mesh)).toBe(0);
  });

  it("meshes a voxelised ball close to the analytic sphere", () => {
    const R = 20;
    const mesh = marchBinary(ball(48, R).data, [48, 48, 48], [1, 1, 1], isOne);
    expect(openEdges(mesh)).toBe(0);
    expect(Math.abs(meshVolume(mesh) / ((4 / 3) * Math.PI * R ** 3) - 1)).toBeLessThan(0.01);
    // binary marching cubes over-estimates a sphere's area by the staircase: about 8 %
    const areaRatio = meshArea(mesh) / (4 * Math.PI * R * R);
    expect(areaRatio).toBeGreaterThan(1.0);
    expect(areaRatio).toBeLessThan(1.1);
  });

  for (const name of ["ball-r12", "ball-r12-spaced", "blobs"]) {
    it(`${name}: area and volume within 1 % of skimage.measure.marching_cubes`, () => {
      const c = fixture.cases.find((k) => k.name === name)!;
      const mesh = marchBinary(Uint8Array.from(c.mask), c.shape, c.spacing, isOne);
      expect(openEdges(mesh)).toBe(0);
      expect(Math.abs(meshArea(mesh) / c.area - 1)).toBeLessThan(0.01);
      expect(Math.abs(meshVolume(mesh) / c.volume - 1)).toBeLessThan(0.01);
      expect(Math.abs(mesh.triangles.length / 3 / c.triangles - 1)).toBeLessThan(0.01);
    });
  }

  it("stays closed on voxel noise (many ambiguous faces; resolved differently from Lewiner's)", () => {
    const c = fixture.cases.find((k) => k.name === "noise")!;
    const mesh = marchBinary(Uint8Array.from(c.mask), c.shape, c.spacing, isOne);
    expect(openEdges(mesh)).toBe(0);
    expect(meshVolume(mesh)).toBeGreaterThan(0.7 * c.volume);
    expect(meshVolume(mesh)).toBeLessThan(1.05 * c.volume);
  });
});

describe("triangle budget", () => {
  it("boundaryFaces predicts the triangle count: 2 per face minus 4 per closed surface", () => {
    const b = ball(30, 11);
    const [faces] = boundaryFaces(b, [1]);
    const mesh = marchBinary(b.data, b.shape, b.spacing, isOne);
    expect(mesh.triangles.length / 3).toBe(2 * faces! - 4);
  });

  it("blockMode takes each block's majority (non-zero wins a tie) and scales the spacing", () => {
    // 4 x 4 x 4 -> 2 x 2 x 2 blocks of 8 voxels
    const data = new Uint8Array(64);
    const at = (z: number, y: number, x: number) => (z * 4 + y) * 4 + x;
    data[at(0, 0, 0)] = 3; // block (0,0,0): one 3, seven 0 -> 0
    for (const [z, y, x] of [
      [0, 0, 2],
      [0, 0, 3],
      [0, 1, 2],
      [0, 1, 3],
    ])
      data[at(z!, y!, x!)] = 5; // 4-4 tie -> 5
    for (let z = 2; z < 4; z++)
      for (let y = 2; y < 4; y++) for (let x = 2; x < 4; x++) data[at(z, y, x)] = x === 2 ? 1 : 2; // 4-4 tie 1/2 -> 1
    const out = blockMode({ data, shape: [4, 4, 4], spacing: [1, 2, 3] }, 2);
    expect(out.shape).toEqual([2, 2, 2]);
    expect(out.spacing).toEqual([2, 4, 6]);
    expect(Array.from(out.data)).toEqual([0, 5, 0, 0, 0, 0, 0, 1]);
    // a partial last block (5 -> 3 blocks of 2, 2, 1)
    expect(
      blockMode({ data: new Uint8Array(5).fill(7), shape: [1, 1, 5], spacing: [1, 1, 1] }, 2).shape,
    ).toEqual([1, 1, 3]);
  });

  it("meshLabels decimates until the budget holds, and not when it already holds", () => {
    const b = ball(64, 28);
    const full = meshLabels(b, [1], 1e9);
    expect(full.factor).toBe(1);
    expect(full.triangles).toBe(full.fullTriangles - 4);
    const small = meshLabels(b, [1], 4000);
    expect(small.factor).toBe(1); // a few times the budget: decimated, not coarsened
    expect(small.cell).toBeGreaterThan(1);
    expect(small.triangles).toBeLessThanOrEqual(4000);
    expect(small.fullTriangles).toBe(full.fullTriangles);
    // the coarse ball still has about the right volume
    const v = meshVolume(small.meshes[0]!.mesh) / meshVolume(full.meshes[0]!.mesh);
    expect(Math.abs(v - 1)).toBeLessThan(0.1);
    // far above the budget the volume is coarsened first (at most 16x the budget is marched)
    const tiny = meshLabels(b, [1], 200);
    expect(tiny.factor).toBeGreaterThan(1);
    expect(tiny.triangles).toBeLessThanOrEqual(200);
  });

  it("decimateMesh merges the vertices of a cell and drops collapsed and repeated triangles (hand case)", () => {
    // p0 (0, 0, 0) and p1 (0.1, 0, 0) share a cell of side 0.5; p2 (1, 0, 0), p3 (0, 1, 0) do not
    const mesh = {
      positions: Float32Array.from([0, 0, 0, 0.1, 0, 0, 1, 0, 0, 0, 1, 0]),
      triangles: Uint32Array.from([0, 1, 3, 1, 2, 3, 0, 2, 3, 3, 0, 2, 0, 3, 2]),
    };
    const d = decimateMesh(mesh, 0.5);
    // (p0, p1, p3) collapses; (p1, p2, p3), (p0, p2, p3) and (p3, p0, p2) are one triangle
    // (A, B, C); (p0, p3, p2) is it seen from the other side and stays
    expect(Array.from(d.triangles)).toEqual([0, 1, 2, 0, 2, 1]);
    expect(Array.from(d.positions)).toEqual(
      [0.05, 0, 0, 1, 0, 0, 0, 1, 0].map((v) => Math.fround(v)),
    );
    // a cell larger than the mesh leaves nothing; a small one keeps every distinct triangle
    expect(decimateMesh(mesh, 10).triangles).toHaveLength(0);
    // (p3, p0, p2) repeats (p0, p2, p3) even unmerged
    expect(decimateMesh(mesh, 0.05).triangles).toHaveLength(12);
    expect(() => decimateMesh(mesh, 0)).toThrow(/cell/);
  });
});

function decode(spec: unknown): Float32Array | Uint32Array {
  const s = spec as { dtype: string; bdata: string };
  const bytes = Buffer.from(s.bdata, "base64");
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return s.dtype === "f4" ? new Float32Array(buf) : new Uint32Array(buf);
}

describe("isosurfaceFigure", () => {
  const labels: Volume<Uint8Array> = ball(24, 9, [10, 10, 10]);
  for (let i = 0; i < labels.data.length; i++) if (i % 24 < 6 && labels.data[i]) labels.data[i] = 2;

  it("draws one mesh3d trace per class with binary arrays of the mesh", () => {
    const fig = isosurfaceFigure(labels, { names: ["a", "b"], opacity: [1, 0.4] });
    expect(fig.data).toHaveLength(2);
    expect(fig.data.map((t) => t.name)).toEqual(["a", "b"]);
    expect(fig.data[1]!.opacity).toBe(0.4);
    for (const [k, t] of fig.data.entries()) {
      expect(t.type).toBe("mesh3d");
      const ref = marchBinary(labels.data, labels.shape, labels.spacing, (v) => v === k + 1);
      const x = decode(t.x);
      const i = decode(t.i);
      expect(x.length).toBe(ref.positions.length / 3);
      expect(i.length).toBe(ref.triangles.length / 3);
      expect(x[5]).toBe(ref.positions[15]);
    }
    expect(fig.layout.scene).toMatchObject({ aspectmode: "data" });
    expect(fig.layout.meta).toMatchObject({ factor: 1 });
  });

  it("respects the budget", () => {
    const fig = isosurfaceFigure(labels, { budget: 500 });
    const meta = fig.layout.meta as { factor: number; cell: number; triangles: number };
    expect(meta.factor * meta.cell).toBeGreaterThan(1);
    expect(meta.triangles).toBeLessThanOrEqual(500);
  });

  it("rejects bad options naming what was expected", () => {
    expect(() => isosurfaceFigure(labels, { colors: ["red"] })).toThrow(/2 entries/);
    expect(() => isosurfaceFigure(labels, { opacity: 2 })).toThrow(/opacity/);
    expect(() => isosurfaceFigure(labels, { budget: 0 })).toThrow(/budget/);
    expect(() =>
      isosurfaceFigure({ ...labels, data: new Float32Array(labels.data.length) }),
    ).toThrow(/dtype/);
  });
});

describe("particleSizeFigure", () => {
  it("colours every particle's vertices by its diameter and bins the diameters", () => {
    const data = new Int32Array(20 * 20 * 40);
    for (let z = 0, i = 0; z < 20; z++)
      for (let y = 0; y < 20; y++)
        for (let x = 0; x < 40; x++, i++) {
          if (Math.hypot(z - 10, y - 10, x - 10) <= 6) data[i] = 1;
          if (Math.hypot(z - 10, y - 10, x - 28) <= 8) data[i] = 2;
        }
    const labels: Volume<Int32Array> = { data, shape: [20, 20, 40], spacing: [5, 5, 5] };
    const fig = particleSizeFigure({ labels, count: 2, diameter: [60, 80] }, { bins: 4 });
    const [mesh, hist] = fig.data as [Record<string, unknown>, Record<string, unknown>];
    const intensity = decode(mesh.intensity);
    const n1 = marchBinary(data, labels.shape, labels.spacing, (v) => v === 1).positions.length / 3;
    expect(intensity.length).toBe(
      n1 + marchBinary(data, labels.shape, labels.spacing, (v) => v === 2).positions.length / 3,
    );
    expect(intensity[0]).toBe(60);
    expect(intensity[n1]).toBe(80);
    expect(hist.y).toEqual([1, 0, 0, 1]);
    expect(mesh.cmin).toBe(60);
    expect(mesh.cmax).toBe(80);
    expect(() => particleSizeFigure({ labels, count: 2, diameter: [1] })).toThrow(/2 diameters/);
  });
});
