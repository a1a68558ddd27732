import { describe, expect, it } from "vitest";
import { parseAng, parseCtf, readCtf, sharedDataPath } from "../../kernel-lib/src/io/index.js";

const enc = (s: string) => new TextEncoder().encode(s);
const H = Math.sqrt(3) / 2;

/** A hex .ang: rows of 3, 2, 3 points (x step 1, row step sqrt(3)/2); phi1 of point i = 0.1 i. */
function hexAng(nrows = 3, odd = 3, even = 2) {
  const head = [
    "# XSTEP: 1.000000", `# YSTEP: ${H.toFixed(6)}`, `# NCOLS_ODD: ${odd}`, `# NCOLS_EVEN: ${even}`, `# NROWS: ${nrows}`,
    "# Phase 1", "# MaterialName  Nickel", "# Symmetry  43", "# GRID: HexGrid", "#",
  ];
  const rows: string[] = [];
  let i = 0;
  for (let r = 0; r < nrows; r++)
    for (let c = 0; c < (r % 2 === 0 ? odd : even); c++, i++)
      rows.push(`${(0.1 * i).toFixed(4)} 0.5 0.25 ${(c + (r % 2) * 0.5).toFixed(5)} ${(r * H).toFixed(5)} 100 ${(0.01 * i).toFixed(3)} 1`);
  return head.join("\n") + "\n" + rows.join("\n") + "\n";
}

describe("hexagonal grids resampled to a square grid (nearest neighbour)", () => {
  it("tiny .ang: square step = hex x step, rows at y0 + k * step, nearest points by hand", () => {
    const m = parseAng(enc(hexAng()), "h.ang");
    expect([m.rows, m.cols, m.step.x, m.step.y]).toEqual([2, 3, 1, 1]);
    expect(m.resampledFrom).toMatchObject({ grid: "hex", rows: 3, points: 8 });
    expect(m.resampledFrom!.step.y).toBeCloseTo(H, 5);
    // by hand: (0,1) -> (0.5,0.866) = point 3; (1,1) ties points 3 and 4 -> the earlier, 3; (2,1) -> point 4
    expect(Array.from(m.phi1, (v) => Math.round(v * 10))).toEqual([0, 1, 2, 3, 3, 4]);
    expect(Array.from(m.quality.CI, (v) => Math.round(v * 100))).toEqual([0, 1, 2, 3, 3, 4]);
    expect(Array.from(m.y)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(m.phase).toEqual(new Int32Array(6).fill(1));
  });

  it("reject option, bad options and inconsistent hex files", () => {
    expect(() => parseAng(enc(hexAng()), "h.ang", { hexGrid: "reject" })).toThrow(/h\.ang: GRID: HexGrid: .*not supported with hexGrid: "reject"/);
    expect(() => parseAng(enc(hexAng()), "h.ang", { hexGrid: "nearest" as "reject" })).toThrow(/hexGrid.*"resample" or "reject", received "nearest"/);
    expect(() => parseAng(enc(hexAng()), "h.ang", { grid: 1 } as object)).toThrow(/options\.grid.*not an option/);
    expect(() => parseAng(enc(hexAng().replace("NCOLS_EVEN: 2", "NCOLS_EVEN: 3")), "h.ang")).toThrow(/HexGrid: NROWS 3 with NCOLS_ODD 3 \/ NCOLS_EVEN 3 = 9 points, received 8/);
    const shifted = hexAng().replace("0.50000 0.86603", "0.20000 0.86603");
    expect(() => parseAng(enc(shifted), "h.ang")).toThrow(/h\.ang line 14: hexagonal grid: row 1 should start at \(x 0\.5/);
  });

  it("tiny .ctf with shifted odd rows is resampled too", () => {
    const lines = ["Channel Text File", "XCells\t2", "YCells\t3", "XStep\t1", "YStep\t1", "Phases\t1",
      "3;3;5\t90;90;120\tMagnesium\t9\t194", "Phase\tX\tY\tBands\tError\tEuler1\tEuler2\tEuler3\tMAD\tBC\tBS"];
    let i = 0;
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 2; c++, i++) lines.push(`1\t${c + (r % 2) * 0.5}\t${(r * H).toFixed(4)}\t8\t0\t${10 * i}\t20\t30\t0.5\t100\t100`);
    const m = parseCtf(enc(lines.join("\n") + "\n"), "h.ctf");
    // x 0..1.5 -> 2 columns, y 0..1.732 -> 2 rows; (0,1) -> point 2 (0.5,0.866); (1,1) -> point 2 (d 0.27) over 3 (d 0.27, later)
    expect([m.rows, m.cols]).toEqual([2, 2]);
    expect(Array.from(m.phi1, (v) => Math.round((v * 180) / Math.PI / 10))).toEqual([0, 1, 2, 2]);
  });

  const real = sharedDataPath("ebsd-mtex/testdata_hex.ctf");
  it.skipIf(!real)("real testdata_hex.ctf (MTEX, Oxford hex grid): every square point has its brute-force nearest hex point", async () => {
    if (!real) return;
    const m = await readCtf(real);
    const raw = await readCtf(real, { hexGrid: "reject" }).catch((e: Error) => e);
    expect(raw).toBeInstanceOf(Error);
    expect(m.resampledFrom).toMatchObject({ grid: "hex", rows: 30, points: 900 });
    expect(m.resampledFrom!.step.y).toBeCloseTo(0.866, 3);
    expect([m.cols, m.rows, m.step.x, m.step.y]).toEqual([30, 26, 1, 1]);
    // brute force over the file's points (read again, parsed by hand)
    const text = (await import("node:fs")).readFileSync(real, "utf8").split(/\r?\n/);
    const start = text.findIndex((l) => l.startsWith("Phase\tX")) + 1;
    const pts = text.slice(start).filter((l) => l.trim()).map((l) => l.split("\t").map(Number));
    expect(pts.length).toBe(900);
    for (let k = 0; k < m.rows * m.cols; k++) {
      let best = -1, bd = Infinity;
      pts.forEach((p, i) => {
        const d = (p[1] - m.x[k]) ** 2 + (p[2] - m.y[k]) ** 2;
        if (d < bd - 1e-9) { bd = d; best = i; }
      });
      expect(m.phi1[k]).toBeCloseTo((pts[best][5] * Math.PI) / 180, 5);
      expect(m.quality.MAD[k]).toBeCloseTo(pts[best][8], 5);
    }
  });
});
