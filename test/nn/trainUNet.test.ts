import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  getNnBackend,
  loadUNet,
  predictUNet,
  saveUNet,
  trainUNet,
  type UNetModel,
} from "../../kernel-lib/src/nn/index.js";
import { fromFunction } from "../../kernel-lib/src/volume/create.js";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";

// Tiny nets on the plain JavaScript backend: identical on every machine, fast enough.
const backend = "cpu" as const;
const scratch = mkdtempSync(path.join(tmpdir(), "tomolab-unet-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Discs on a background: 1 boundary ring, 2 interior, 3 background, as in Paper 2. */
function discs(shape: Shape3): { image: Volume; targets: Volume<Uint8Array> } {
  const centres = [
    [12, 14, 6],
    [30, 34, 7],
    [14, 36, 5],
  ];
  const targets = new Uint8Array(shape[0] * shape[1] * shape[2]);
  const image = fromFunction(shape, (z, y, x) => {
    let code = 3;
    for (const [cy, cx, r] of centres) {
      const d = Math.hypot(y - cy!, x - cx!, (z - shape[0] / 2) * 0.5);
      if (d < r! - 1) code = 2;
      else if (d < r! + 1 && code === 3) code = 1;
    }
    targets[(z * shape[1] + y) * shape[2] + x] = code;
    return code === 1 ? 40 : code === 2 ? 120 : 200;
  });
  return { image, targets: { data: targets, shape: [...shape], spacing: [1, 1, 1] } };
}

const small = { depth: 1, baseFilters: 4 } as const;

describe("trainUNet", () => {
  const { image, targets } = discs([1, 48, 48]);
  let model: UNetModel;

  it("2D from sparse row labels: reproducible with a seed, loss decreasing, normalisation stored", async () => {
    // label every 6th row only
    const sparse = Uint8Array.from(targets.data, (v, i) => (Math.floor(i / 48) % 6 === 0 ? v : 0));
    const labels = { ...targets, data: sparse };
    const notes: string[] = [];
    const opts = {
      steps: 12,
      crop: 32,
      seed: 7,
      backend,
      network: small,
      learningRate: 0.01,
      classNames: ["boundary", "interior", "background"],
    };
    model = await trainUNet(image, labels, {
      ...opts,
      onProgress: (_d, _t, note) => notes.push(note),
    });
    const again = await trainUNet(image, labels, opts);
    expect(again.training.losses).toEqual(model.training.losses);
    const other = await trainUNet(image, labels, { ...opts, seed: 8 });
    expect(other.training.losses).not.toEqual(model.training.losses);
    again.dispose();
    other.dispose();
    const l = model.training.losses;
    expect(l).toHaveLength(12);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(l.slice(-4))).toBeLessThan(mean(l.slice(0, 4)));
    expect(notes).toHaveLength(12);
    expect(notes[0]).toMatch(/^loss \d\.\d{4} \| \d+\.\d\d s\/step \| .* left$/);
    // z-score of the image: mean and std computed here independently
    const d = Array.from(image.data);
    const mu = d.reduce((s, v) => s + v, 0) / d.length;
    const sd = Math.sqrt(d.reduce((s, v) => s + (v - mu) ** 2, 0) / d.length);
    expect(model.normalization.offset).toBeCloseTo(mu, 3);
    expect(model.normalization.scale).toBeCloseTo(sd, 3);
    expect(model.training.symmetries).toBe(8);
    expect(model.training.crop).toEqual([1, 32, 32]);
    expect(model.training.labelledVoxels).toBe(8 * 48);
  });

  it("rejects unlabelled input, codes beyond the classes, and aborts", async () => {
    const none = { ...targets, data: new Uint8Array(targets.data.length) };
    await expect(trainUNet(image, none, { backend })).rejects.toThrow(/no labelled voxel/);
    await expect(
      trainUNet(image, targets, { backend, classNames: ["a", "b"], steps: 1 }),
    ).rejects.toThrow(/class codes 1..2/);
    const controller = new AbortController();
    const run = trainUNet(image, targets, {
      backend,
      network: small,
      crop: 16,
      steps: 50,
      signal: controller.signal,
      onProgress: (done) => done === 2 && controller.abort(new Error("user stop")),
    });
    await expect(run).rejects.toThrow("user stop");
  });

  it("3D with slice labels: every crop is around a labelled slice (loss is finite, never the empty-mask 0)", async () => {
    const { image: im3, targets: t3 } = discs([24, 48, 48]);
    const m = await trainUNet(
      im3,
      { targets: t3, slices: [3, 9, 15, 21] },
      { steps: 3, crop: [8, 16, 16], backend, network: small, seed: 1 },
    );
    expect(m.net.options.dims).toBe(3);
    expect(m.training.symmetries).toBe(16); // crop 8 x 16 x 16: y/x swaps and 8 flips
    for (const loss of m.training.losses) expect(loss).toBeGreaterThan(0.01);
    expect(m.training.labelledVoxels).toBe(4 * 48 * 48);
    m.dispose();
  });

  it("dims 2 on a stack: a 2D net from xy crops of the labelled slices, predicted slice by slice", async () => {
    const { image: im3, targets: t3 } = discs([6, 48, 48]);
    const m = await trainUNet(
      im3,
      { targets: t3, slices: [1, 4] },
      { dims: 2, steps: 2, crop: 16, backend, network: small },
    );
    expect(m.net.options.dims).toBe(2);
    expect(m.training.crop).toEqual([1, 16, 16]);
    // every 2D crop lies on a labelled slice: the masked loss is never the empty mask's 0
    for (const loss of m.training.losses) expect(loss).toBeGreaterThan(0.01);
    const p = await predictUNet(m, im3, { tile: 32, overlap: 8 });
    expect(p.probabilities[0]!.shape).toEqual([6, 48, 48]);
    m.dispose();
  });

  it("progress: true draws the display's progress bar with the loss (lines on a non-terminal stderr)", async () => {
    const written: string[] = [];
    const write = process.stderr.write;
    const isTTY = process.stderr.isTTY;
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as never;
    (process.stderr as { isTTY?: boolean }).isTTY = false;
    try {
      const m = await trainUNet(image, targets, {
        steps: 2,
        crop: 16,
        backend,
        network: small,
        progress: "unet test",
      });
      m.dispose();
    } finally {
      process.stderr.write = write;
      (process.stderr as { isTTY?: boolean }).isTTY = isTTY;
    }
    const text = written.join("");
    expect(text).toMatch(/unet test: 50% \| 1\/2 .*\| loss \d\.\d{4} \| .* s\/step/);
    expect(text).toMatch(/unet test: 100% \| 2\/2/);
  });

  it("checkpoint round trip: identical predictions; no silent overwrite; version and architecture checked", async () => {
    const dir = path.join(scratch, "ckpt");
    const file = await saveUNet(model, dir, { meta: { note: "test" } });
    expect(path.basename(file)).toBe("model.json");
    const loaded = await loadUNet(dir, { backend });
    expect(loaded.classNames).toEqual(["boundary", "interior", "background"]);
    expect(loaded.normalization).toEqual(model.normalization);
    expect(loaded.training.losses).toEqual(model.training.losses);
    const a = await predictUNet(model, image, { tile: 32, overlap: 8 });
    const b = await predictUNet(loaded, image, { tile: 32, overlap: 8 });
    for (let c = 0; c < 3; c++)
      expect(Array.from(b.probabilities[c]!.data)).toEqual(Array.from(a.probabilities[c]!.data));
    loaded.dispose();
    // the checkpoint loads on another backend (wasm) too, with the same predictions up to rounding
    const onWasm = await loadUNet(dir, { backend: "wasm" });
    const w = await predictUNet(onWasm, image, { tile: 32, overlap: 8 });
    let m = 0;
    for (let i = 0; i < w.probabilities[0]!.data.length; i++)
      m = Math.max(m, Math.abs(w.probabilities[0]!.data[i]! - a.probabilities[0]!.data[i]!));
    expect(m).toBeLessThan(1e-4);
    onWasm.dispose();
    await getNnBackend({ backend, log: false });

    await expect(saveUNet(model, dir)).rejects.toThrow(
      /already holds a checkpoint.*overwrite: true/,
    );
    await saveUNet(model, dir, { overwrite: true });

    await expect(loadUNet(dir, { backend, architecture: { dims: 3 } })).rejects.toThrow(
      /architecture\.dims.*must be 3.*received number 2/,
    );
    const json = JSON.parse(readFileSync(path.join(dir, "model.json"), "utf8"));
    const bad = path.join(scratch, "bad");
    await saveUNet(model, bad);
    writeFileSync(path.join(bad, "model.json"), JSON.stringify({ ...json, formatVersion: 99 }));
    await expect(loadUNet(bad, { backend })).rejects.toThrow(
      /formatVersion.*must be 1.*received number 99/,
    );
    writeFileSync(
      path.join(bad, "model.json"),
      JSON.stringify({ ...json, architecture: { ...json.architecture, baseFilters: 8 } }),
    );
    await expect(loadUNet(bad, { backend })).rejects.toThrow(
      /weights\[0\].*v0 float32 \[3, 3, 1, 8\]/,
    );
    await expect(loadUNet(path.join(scratch, "missing"), { backend })).rejects.toThrow(
      /no checkpoint/,
    );
    model.dispose();
  });
});
