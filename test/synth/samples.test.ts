import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  generateSample,
  loadSample,
  readManifest,
  SAMPLES,
  sampleDir,
  volumeSha256,
} from "../../kernel-lib/src/synth/index.js";

describe("data-samples", () => {
  const dir = sampleDir();

  it("the manifest lists every default sample with shape, spacing, description and sha256 per file", () => {
    const m = readManifest(dir);
    expect(m).toBeDefined();
    expect(m!.samples.map((s) => s.name).sort()).toEqual(Object.keys(SAMPLES).sort());
    for (const s of m!.samples) {
      expect(s.description.length).toBeGreaterThan(20);
      expect(s.shape).toEqual(SAMPLES[s.name].shape);
      for (const f of s.files) {
        expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(f.shape.length).toBe(3);
        expect(f.spacing.length).toBe(3);
        expect(f.file.startsWith(`${s.name}/`)).toBe(true);
      }
    }
  });

  it("committed samples stay small (< 25 MB together)", () => {
    let bytes = 0;
    for (const s of Object.values(SAMPLES)) {
      if (!s.committed) continue;
      const d = path.join(dir, s.name);
      for (const f of readdirSync(d)) bytes += statSync(path.join(d, f)).size;
    }
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(25 * 2 ** 20);
  });

  it("loadSample reads and verifies a committed FIB/SEM sample; regenerating it gives the same bytes", async () => {
    const s = await loadSample("fibsem-nmc-small", { generate: false });
    expect(s.kind).toBe("fibsem");
    expect(s.se2.shape).toEqual([48, 96, 96]);
    expect(s.se2.spacing).toEqual([10, 10, 10]);
    expect(s.labels.data.some((v) => v !== 0)).toBe(true);
    for (let z = s.excluded[0]; z <= s.excluded[1]; z++) {
      expect(s.labels.data.subarray(z * 96 * 96, (z + 1) * 96 * 96).every((v) => v === 0)).toBe(
        true,
      );
    }
    const g = generateSample("fibsem-nmc-small");
    for (const k of ["se2", "inlens", "truth", "labels", "redeposition"] as const) {
      expect(volumeSha256(g[k])).toBe(volumeSha256(s[k]));
    }
    expect(g.testSlice).toBe(s.testSlice);
    expect(g.trainSlices).toEqual(s.trainSlices);
  });

  it("loadSample reads a committed EBSD sample with shifts and the three targets", async () => {
    const s = await loadSample("ebsd-particle-small", { generate: false });
    expect(s.kind).toBe("ebsd");
    expect(s.grains.data).toBeInstanceOf(Int32Array);
    expect(s.shifts.length).toBe(32);
    expect(s.labelledSlices.length).toBeGreaterThan(0);
    for (let i = 0; i < s.targets.data.length; i += 101) {
      expect(s.boundary.data[i] + s.interior.data[i] + s.background.data[i]).toBe(1);
      expect(s.background.data[i]).toBe(s.grains.data[i] === 0 ? 1 : 0);
    }
  });

  it("says how to make a missing sample, and rejects unknown names and stale files", async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "tomolab-samples-"));
    try {
      await expect(
        loadSample("fibsem-nmc-small", { dir: empty, generate: false, verify: false }),
      ).rejects.toThrow(/missing in .*; run `npm run data`/);
      await expect(loadSample("fibsem-nmc-small", { dir: empty })).rejects.toThrow(
        /not in the manifest/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    await expect(loadSample("nope" as never)).rejects.toThrow(
      /unknown sample "nope"; available: fibsem-nmc/,
    );
  });

  it("default-size samples, when generated at setup, match the manifest", async () => {
    for (const name of ["fibsem-nmc", "ebsd-particle"] as const) {
      if (!existsSync(path.join(dir, name))) {
        console.warn(`skipping ${name}: not generated (run \`npm run data\`)`);
        continue;
      }
      await expect(loadSample(name, { generate: false })).resolves.toBeDefined();
    }
  });
});
