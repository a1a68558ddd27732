import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  parseAng, parseCtf, readAng, readCtf, readEbsdStack, sharedDataPath,
} from "../../kernel-lib/src/io/index.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ebsd-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const enc = (s: string) => new TextEncoder().encode(s);
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};

/** A small .ang: 3 columns x 2 rows, step 0.5 um, two phases; angle of point i = 0.1 * i. */
function angText(opts: { rows?: number; extra?: string; grid?: string; phaseOf?: (i: number) => number } = {}) {
  const rows = opts.rows ?? 2;
  const head = [
    "# TEM_PIXperUM 1.0", "# Phase 1", "# MaterialName  \tIron (Alpha)", "# Formula \tFe", "# Symmetry 43",
    "# LatticeConstants 2.870 2.870 2.870 90.000 90.000 90.000", "# Phase 2", "# MaterialName Magnesium",
    "# Formula Mg", "# Symmetry 62", "# LatticeConstants 3.21 3.21 5.21 90 90 120", "#",
    `# GRID: ${opts.grid ?? "SqrGrid"}`, "# XSTEP: 0.5", "# YSTEP: 0.5", "# NCOLS_ODD: 3", "# NCOLS_EVEN: 3",
    `# NROWS: ${rows}`, "#",
  ];
  const body: string[] = [];
  for (let i = 0; i < 3 * rows; i++) {
    const x = (i % 3) * 0.5, y = Math.floor(i / 3) * 0.5;
    const p = opts.phaseOf ? opts.phaseOf(i) : (i % 2) + 1;
    body.push(`  ${(0.1 * i).toFixed(5)} ${(0.2 + 0.1 * i).toFixed(5)} ${(0.3 + 0.1 * i).toFixed(5)} ${x} ${y} ${100 + i} ${(i / 10).toFixed(3)} ${p} ${i * 2} ${(i / 100).toFixed(3)}`);
  }
  return [...head, ...body].join("\r\n") + "\r\n" + (opts.extra ?? "");
}

/** A small .ctf: 2 x 2 points, step 1.5 um, one phase; Euler1 of point i = 10 * i degrees. */
function ctfText(opts: { xcells?: number; phase?: number; hex?: boolean } = {}) {
  const lines = ["Channel Text File", "Prj\tt.cpr", "Author\t", "JobMode\tGrid", `XCells\t${opts.xcells ?? 2}`,
    "YCells\t2", "XStep\t1.5", "YStep\t1.5", "Phases\t1",
    "3.2089;3.2089;5.2101\t90;90;120\tMagnesium\t9\t194\t\t\tref",
    "Phase\tX\tY\tBands\tError\tEuler1\tEuler2\tEuler3\tMAD\tBC\tBS"];
  for (let i = 0; i < 4; i++) {
    const r = Math.floor(i / 2);
    const x = (i % 2) * 1.5 + (opts.hex && r === 1 ? 0.75 : 0);
    lines.push([i === 3 ? (opts.phase ?? 0) : 1, x, r * 1.5, 8 + i, 0, 10 * i, 20 + i, 30 + i, 0.5 + i, 100 + i, 200 + i].join("\t"));
  }
  return lines.join("\r\n") + "\r\n";
}

describe("readAng on self-made files", () => {
  it("parses header, phases, grid, columns; angles stay radians", async () => {
    const m = await readAng(write("a.ang", angText()));
    expect([m.file, m.rows, m.cols, m.grid, m.step.x, m.step.y, m.unit]).toEqual(["a.ang", 2, 3, "square", 0.5, 0.5, "um"]);
    expect(m.phases.map((p) => [p.id, p.name, p.formula, p.symmetry, p.laueClass, p.crystalSystem]))
      .toEqual([[1, "Iron (Alpha)", "Fe", "43", "m-3m", "cubic"], [2, "Magnesium", "Mg", "62", "6/mmm", "hexagonal"]]);
    expect(m.phases[1].lattice).toEqual([3.21, 3.21, 5.21, 90, 90, 120]);
    expect(Object.keys(m.quality)).toEqual(["IQ", "CI", "SEM", "fit"]);
    for (let i = 0; i < 6; i++) {
      expect(m.phi1[i]).toBeCloseTo(0.1 * i, 5);
      expect(m.Phi[i]).toBeCloseTo(0.2 + 0.1 * i, 5);
      expect(m.phi2[i]).toBeCloseTo(0.3 + 0.1 * i, 5);
      expect(m.quality.IQ[i]).toBe(100 + i);
      expect(m.quality.SEM[i]).toBe(2 * i);
      expect(m.phase[i]).toBe((i % 2) + 1);
    }
    expect(m.x[5]).toBe(1);
    expect(m.y[5]).toBe(0.5);
  });
  it("gives OIM's 4pi unindexed marker as NaN", () => {
    const t = angText().replace(/\n {2}0\.00000 0\.20000 0\.30000/, "\n  12.56637 12.56637 12.56637");
    const m = parseAng(enc(t), "u.ang");
    expect(Number.isNaN(m.phi1[0])).toBe(true);
    expect(m.phi1[1]).toBeCloseTo(0.1, 5);
  });
  it("rejects malformed input naming file and line", () => {
    const lines = angText().split("\r\n");
    const cut = (k: number) => lines.map((l, i) => (i === k ? l.split(" ").filter(Boolean).slice(0, 7).join(" ") : l)).join("\n");
    expect(() => parseAng(enc(cut(21)), "x.ang")).toThrow(/x\.ang line 22: expected 10 numeric columns \(phi1 Phi phi2 x y IQ CI phase \.\.\.\).*received 7/);
    expect(() => parseAng(enc(angText().replace("0.10000 0.30000", "0.1000 abc")), "x.ang")).toThrow(/x\.ang line 21: Phi: expected a finite number, received "abc"/);
    expect(() => parseAng(enc(angText({ rows: 3 }).split("\r\n").slice(0, -2).join("\n")), "x.ang")).toThrow(/NROWS 3 x NCOLS 3 = 9 points, received 8 data rows/);
    expect(() => parseAng(enc(angText({ phaseOf: (i) => (i === 4 ? 7 : 1) })), "x.ang")).toThrow(/line 24: unknown phase id 7/);
    expect(() => parseAng(enc(angText().replace("0.20000 0.40000", "45.0 0.4")), "x.ang")).toThrow(/line 22: phi1 = 45 .*radians \(this looks like degrees\)/);
    expect(() => parseAng(enc(angText({ grid: "HexGrid" })), "h.ang", { hexGrid: "reject" })).toThrow(/h\.ang: GRID: HexGrid: hexagonal grids are not supported/);
    expect(() => parseAng(enc(""), "e.ang")).toThrow(/e\.ang: empty file/);
    expect(() => parseAng(new Uint8Array([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]), "b.ang")).toThrow(/b\.ang: binary content/);
    expect(() => parseAng(enc("# only a header\n# GRID: SqrGrid\n"), "h.ang")).toThrow(/no data rows/);
    expect(() => parseAng(enc(angText().replace("0.5 0.5 104", "0.7 0.5 104")), "g.ang")).toThrow(/g\.ang line 24: point \(x 0\.7.*expected \(x 0\.5, y 0\.5\)/);
  });
  it("never hangs or crashes on random mutations (errors only)", () => {
    const base = enc(angText({ rows: 3 }));
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let k = 0; k < 300; k++) {
      const b = base.slice(0, Math.floor(rnd() * base.length) + 1);
      for (let j = 0; j < 3; j++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 128);
      try { parseAng(b, "f.ang"); } catch (e) { expect((e as Error).message).toMatch(/^f\.ang/); }
    }
  });
});

describe("readCtf on self-made files", () => {
  it("parses header, phase, columns; degrees become radians", async () => {
    const m = await readCtf(write("c.ctf", ctfText()));
    expect([m.rows, m.cols, m.step.x, m.step.y, m.format]).toEqual([2, 2, 1.5, 1.5, "ctf"]);
    expect(m.phases).toEqual([{ id: 1, name: "Magnesium", symmetry: "9", laueClass: "6/mmm", crystalSystem: "hexagonal",
      lattice: [3.2089, 3.2089, 5.2101, 90, 90, 120], spaceGroup: 194 }]);
    expect(Object.keys(m.quality)).toEqual(["Bands", "Error", "MAD", "BC", "BS"]);
    for (let i = 0; i < 4; i++) {
      expect(m.phi1[i]).toBeCloseTo((10 * i * Math.PI) / 180, 6);
      expect(m.phi2[i]).toBeCloseTo(((30 + i) * Math.PI) / 180, 6);
      expect(m.quality.BC[i]).toBe(100 + i);
    }
    expect(Array.from(m.phase)).toEqual([1, 1, 1, 0]);
  });
  it("rejects malformed input naming file and line", () => {
    expect(() => parseCtf(enc(ctfText({ phase: 2 })), "c.ctf")).toThrow(/c\.ctf line 15: unknown phase id 2, expected 0 \(not indexed\) or 1\.\.1/);
    expect(() => parseCtf(enc(ctfText({ xcells: 3 })), "c.ctf")).toThrow(/YCells 2 x XCells 3 = 6 points, received 4 data rows/);
    expect(() => parseCtf(enc(ctfText({ hex: true })), "c.ctf", { hexGrid: "reject" })).toThrow(/c\.ctf line 14: hexagonal grid .*not supported/);
    expect(() => parseCtf(enc(ctfText().replace("\t20\t", "\t2x\t")), "c.ctf")).toThrow(/c\.ctf line 12: Euler2: expected a finite number, received "2x"/);
    expect(() => parseCtf(enc(ctfText().replace("\t10\t21", "\t900\t21")), "c.ctf")).toThrow(/line 13: Euler1 = 900 is outside/);
    expect(() => parseCtf(enc(ctfText().split("\r\n").slice(0, 11).join("\n")), "c.ctf")).toThrow(/no data rows/);
    expect(() => parseCtf(enc("hello\n"), "c.ctf")).toThrow(/c\.ctf line 1: expected "Channel Text File"/);
  });
  it("rejects numbers not in decimal notation (found by the fuzz suite: 0x10 read as 16)", () => {
    for (const token of ["0x10", "0b11", "0o7", "1_0", "Infinity", ".", "1e"]) {
      const t = ctfText().replace("\t20\t", `\t${token}\t`);
      expect(() => parseCtf(enc(t), "c.ctf"), token).toThrow(/c\.ctf line 12: Euler2: expected a finite number/);
      const a = angText().replace("0.10000 0.30000", `0.1000 ${token}`);
      expect(() => parseAng(enc(a), "x.ang"), token).toThrow(/x\.ang line 21: Phi: expected a finite number/);
    }
    const ok = parseCtf(enc(ctfText().replace("\t20\t", "\t+2.0e1\t")), "c.ctf");
    expect(ok.Phi[0]).toBeCloseTo((20 * Math.PI) / 180, 6);
  });
});

describe("readEbsdStack", () => {
  it("stacks sections in natural order with nm spacing; a differing grid names the file", async () => {
    const sub = path.join(dir, "stack");
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, "s10.ang"), angText().replace(/ 100 0\.000/, " 555 0.000"));
    fs.writeFileSync(path.join(sub, "s2.ang"), angText());
    const s = await readEbsdStack(sub, { spacingZ: 50 });
    expect(s.phi1.shape).toEqual([2, 2, 3]);
    expect(s.phi1.spacing).toEqual([50, 500, 500]);
    expect(s.sections.map((m) => m.file)).toEqual(["s2.ang", "s10.ang"]);
    expect(s.quality.IQ.data[0]).toBe(100);
    expect(s.quality.IQ.data[6]).toBe(555);
    expect(s.phase.data[7]).toBe(2);
    fs.writeFileSync(path.join(sub, "s3.ang"), angText({ rows: 3 }));
    await expect(readEbsdStack(sub, { spacingZ: 50 })).rejects.toThrow(/s3\.ang has a grid of 3 x 3 points.*expected 3 x 2.*s2\.ang/);
    await expect(readEbsdStack(sub, { spacingZ: -1 })).rejects.toThrow(/spacingZ/);
  });
});

const ref = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "ebsd_reference.json"), "utf8")) as
  Record<string, { rows: number; columns: number; sample: [number, number[]][]; mean: number[] }>;
const real = (f: string) => sharedDataPath(`ebsd-mtex/${f}`);

describe("real MTEX exports (shared data) against numpy.loadtxt", () => {
  for (const f of ["DC06_2uniax.ang", "ACOM.ang"]) {
    it.skipIf(!real(f))(f, async () => {
      const m = await readAng(real(f)!);
      const r = ref[f];
      expect(m.rows * m.cols).toBe(r.rows);
      expect(6 + Object.keys(m.quality).length).toBe(r.columns);
      for (const [i, row] of r.sample) {
        expect([m.phi1[i], m.Phi[i], m.phi2[i], m.x[i], m.y[i], m.quality.IQ[i], m.quality.CI[i], m.phase[i]].map((v) => Math.fround(v)))
          .toEqual(row.slice(0, 8).map((v) => Math.fround(v)));
      }
      expect(m.phases[0].crystalSystem).toBe("cubic");
    });
  }
  for (const f of ["twins.ctf", "testdata_sqr.ctf"]) {
    it.skipIf(!real(f))(f, async () => {
      const m = await readCtf(real(f)!);
      const r = ref[f];
      expect(m.rows * m.cols).toBe(r.rows);
      for (const [i, row] of r.sample) {
        expect([m.phase[i], m.x[i], m.y[i], m.quality.Bands[i], m.quality.MAD[i], m.quality.BC[i]])
          .toEqual([row[0], row[1], row[2], row[3], row[8], row[9]].map((v) => Math.fround(v)));
        for (let k = 0; k < 3; k++) expect([m.phi1, m.Phi, m.phi2][k][i]).toBeCloseTo((row[5 + k] * Math.PI) / 180, 5);
      }
      let mean = 0;
      for (const v of m.phi1) mean += v;
      expect((mean / m.phi1.length) * (180 / Math.PI)).toBeCloseTo(r.mean[5], 2);
      expect(m.phases[0].crystalSystem).toBe(f === "twins.ctf" ? "hexagonal" : "monoclinic");
    });
  }
  it.skipIf(!real("testdata_hex.ctf"))("testdata_hex.ctf: hexagonal grid is rejected naming the line", async () => {
    await expect(readCtf(real("testdata_hex.ctf")!, { hexGrid: "reject" })).rejects.toThrow(/testdata_hex\.ctf line 46: hexagonal grid/);
  });
});
