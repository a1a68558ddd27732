/* eslint-disable @typescript-eslint/no-explicit-any -- payload JSON is read field by field */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DisplayContent } from "../../kernel-lib/src/display/kernel.js";
import { saveLabels } from "../../kernel-lib/src/display/labels.js";
import {
  TRAINING_MIME,
  importancesByKey,
  selectionSpec,
  trainingImages,
  trainingPayload,
} from "../../kernel-lib/src/display/training.js";
import { view, VOLUME_MIME } from "../../kernel-lib/src/display/view.js";
import { viewerMessage } from "../../kernel-lib/src/display/viewerMessage.js";
import type { TrainingResult, VolumePayload } from "../../kernel-lib/src/display/viewerTypes.js";
import { featureChannels } from "../../kernel-lib/src/features/spec.js";
import { predictVolume } from "../../kernel-lib/src/classify/forest/index.js";
import { slice } from "../../kernel-lib/src/volume/slice.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

describe("training helpers", () => {
  it("sums importances per picker cell over inputs and eigenvalues", () => {
    const spec = selectionSpec(
      {
        inputs: ["A", "B"],
        filters: { GaussianSmoothing: [0.7], HessianOfGaussianEigenvalues: [1.6] },
        tailored: [],
      },
      ["A", "B"],
      [],
    );
    const channels = featureChannels(spec, [8, 8, 8]);
    expect(channels).toHaveLength(8); // (1 + 3) per input
    const imp = channels.map((_, i) => i + 1); // 1..8, total 36
    const out = importancesByKey(channels, imp);
    const hess = channels.flatMap((c, i) =>
      c.filter === "HessianOfGaussianEigenvalues" ? [i + 1] : [],
    );
    expect(out.map((o) => o.key)).toEqual([
      "HessianOfGaussianEigenvalues@1.6",
      "GaussianSmoothing@0.7",
    ]);
    expect(out[0].importance).toBe(hess.reduce((a, b) => a + b, 0));
    expect(out[0].importance + out[1].importance).toBe(36);
    expect(out[1].label).toBe("Gaussian Smoothing σ=0.7");
  });

  it("offers ilastik's grid, tailored features in 3D only, and checks the selection", () => {
    const p3 = trainingPayload(["SE2", "InLens"], 10, {}, [
      { name: "SE2 - InLens", difference: ["SE2", "InLens"] },
    ]);
    expect(p3.inputs).toEqual(["SE2", "InLens", "SE2 - InLens"]);
    expect(p3.filters.map((f) => f.id)).toHaveLength(6);
    expect(p3.filters[0].scales).toEqual([0.3, 0.7, 1, 1.6, 3.5, 5, 10]);
    expect(p3.filters[1].scales[0]).toBe(0.7);
    expect(p3.tailored.length).toBe(8);
    expect(p3.selection.inputs).toEqual(["SE2", "InLens"]);
    expect(trainingPayload(["raw"], 1, {}, []).tailored).toEqual([]);
    expect(() =>
      trainingPayload(["raw"], 10, { selection: { filters: { LaplacianOfGaussian: [0.3] } } }, []),
    ).toThrow(/LaplacianOfGaussian scales must be among 0.7/);
    expect(() => trainingPayload(["raw"], 10, { selection: { inputs: ["nope"] } }, [])).toThrow(
      /selection.inputs/,
    );
    expect(() => trainingPayload(["raw"], 10, { selection: { filters: {} } }, [])).toThrow(/empty/);
  });

  it("decodes a done result's images with its spacing and rejects a result without one", () => {
    const done = {
      version: 1,
      viewId: "v",
      requestId: "r",
      status: "done",
      plane: "xz",
      slice: 0,
      width: 2,
      height: 1,
      spacing: [1, 30, 7],
      classes: [1, 2],
      prediction: Buffer.from([1, 2]).toString("base64"),
      probabilities: Buffer.from([255, 0, 0, 255]).toString("base64"),
      uncertainty: Buffer.from([0, 51]).toString("base64"),
      importances: [],
      samples: {},
      channels: 1,
      timings: {},
      reused: false,
    } as TrainingResult;
    const images = trainingImages(done);
    expect(images.prediction).toEqual({
      data: Uint8Array.from([1, 2]),
      shape: [1, 1, 2],
      spacing: [1, 30, 7],
    });
    expect([...images.uncertainty.data]).toEqual([0, 0.2].map(Math.fround));
    expect([...images.probabilities[1]!.data]).toEqual([0, 1]);
    expect(() => trainingImages({ ...done, spacing: undefined } as any)).toThrow(
      /spacing must be \[1, row, column\] of positive numbers, received undefined/,
    );
  });

  it("keeps difference operands as source inputs without their own features", () => {
    const spec = selectionSpec(
      { inputs: ["A - B"], filters: { GaussianSmoothing: [1] }, tailored: [] },
      ["A", "B"],
      [{ name: "A - B", difference: ["A", "B"] }],
    );
    expect(spec.inputs).toEqual([
      { name: "A", features: false },
      { name: "B", features: false },
      { name: "A - B", difference: ["A", "B"] },
    ]);
    expect(featureChannels(spec, [4, 4, 4]).map((c) => c.input)).toEqual(["A - B"]);
  });
});

/** Two phases: a bright ball in a dark box, with noise; truth = 2 inside, 1 outside. */
function ballVolume(
  n: number,
  spacing: [number, number, number] = [10, 10, 10],
): { image: Volume<Float32Array>; truth: Uint8Array } {
  const image = new Float32Array(n * n * n);
  const truth = new Uint8Array(n * n * n);
  let seed = 7;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const c = (n - 1) / 2;
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        const i = (z * n + y) * n + x;
        const inside = (z - c) ** 2 + (y - c) ** 2 + (x - c) ** 2 < (n / 3) ** 2;
        truth[i] = inside ? 2 : 1;
        image[i] = (inside ? 160 : 60) + 60 * (rnd() - 0.5);
      }
  return { image: { data: image, shape: [n, n, n], spacing }, truth };
}

describe("live training through view()", () => {
  let dir: string;
  let sent: DisplayContent[];
  const writer = (c: DisplayContent) => void sent.push(c);
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-train-"));
    sent = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("trains on painted labels, predicts the requested plane and reports importances", async () => {
    const n = 24;
    const { image, truth } = ballVolume(n);
    const h = view(image, {
      writer,
      baseDir: dir,
      labels: "ball",
      channelNames: ["SE2"],
      training: { forest: { trees: 20, threads: 1 }, threads: 1 },
    });
    const payload = sent[0].data[VOLUME_MIME] as VolumePayload;
    expect(payload.training?.inputs).toEqual(["SE2"]);
    expect(payload.training?.trees).toBe(20);
    // paint a few strokes of each class on slice z = 12
    const labels = new Uint8Array(n * n * n);
    const z = 12;
    for (let x = 2; x < 6; x++) labels[(z * n + 2) * n + x] = 1;
    for (let x = 10; x < 14; x++) labels[(z * n + 12) * n + x] = 2;
    saveLabels(
      { data: labels, shape: [n, n, n], spacing: [10, 10, 10] },
      path.join(dir, "ball.labels.json"),
    );
    sent = [];
    const reply = (await viewerMessage(
      JSON.stringify({
        type: "retrain",
        viewId: h.viewId,
        requestId: "r1",
        labelsPath: "ball.labels.json",
        plane: "xz",
        slice: 10,
        selection: payload.training!.selection,
      }),
    )) as TrainingResult;
    expect(reply.status).toBe("done");
    if (reply.status !== "done") return;
    const outputs = sent.map((c) => c.data[TRAINING_MIME] as TrainingResult);
    expect(outputs.some((o) => o.status === "progress")).toBe(true);
    expect(outputs[outputs.length - 1]).toEqual(reply);
    expect(reply.requestId).toBe("r1");
    expect([reply.width, reply.height]).toEqual([n, n]);
    expect(reply.samples).toEqual({ "1": 4, "2": 4 });
    expect(reply.classes).toEqual([1, 2]);
    expect(reply.reused).toBe(false);
    // the xz plane at y = 10: rows z, columns x
    const pred = Buffer.from(reply.prediction, "base64");
    let correct = 0;
    for (let zz = 0; zz < n; zz++)
      for (let x = 0; x < n; x++) if (pred[zz * n + x] === truth[(zz * n + 10) * n + x]) correct++;
    expect(correct / (n * n)).toBeGreaterThan(0.9);
    const sum = reply.importances.reduce((a, b) => a + b.importance, 0);
    expect(sum).toBeCloseTo(1, 6);
    expect(Buffer.from(reply.probabilities, "base64").length).toBe(2 * n * n);
    // same labels and selection: the forest is reused, only the new slice is predicted
    const again = await h.retrain({ plane: "xy", slice: 3 });
    expect(again.reused).toBe(true);
    expect([again.plane, again.slice]).toEqual(["xy", 3]);
    expect(h.training()?.forest.nTrees).toBe(20);
    // the live plane prediction is the blockwise volume prediction's plane
    const state = h.training()!;
    const whole = await predictVolume(state.forest, state.inputs, state.spec, { threads: 1 });
    const live = Buffer.from(again.prediction, "base64");
    expect([...live]).toEqual([...whole.labels.data.subarray(3 * n * n, 4 * n * n)]);
  });

  it("gives the plane images the volume's spacing, as slice() does (anisotropic voxels)", async () => {
    const n = 12;
    const spacing: [number, number, number] = [30, 5, 7];
    const { image, truth } = ballVolume(n, spacing);
    const h = view(image, {
      writer,
      baseDir: dir,
      labels: "aniso",
      training: { forest: { trees: 5, threads: 1 }, threads: 1 },
    });
    const labels = new Uint8Array(n * n * n);
    for (let x = 1; x < 3; x++) labels[(6 * n + 1) * n + x] = 1;
    for (let x = 5; x < 7; x++) labels[(6 * n + 6) * n + x] = 2;
    saveLabels({ data: labels, shape: [n, n, n], spacing }, path.join(dir, "aniso.labels.json"));
    const truthVolume: Volume<Uint8Array> = { data: truth, shape: [n, n, n], spacing };
    for (const [plane, expected] of [
      ["xy", [1, 5, 7]],
      ["xz", [1, 30, 7]],
      ["yz", [1, 30, 5]],
    ] as const) {
      const done = await h.retrain({ plane, slice: 6 });
      expect(done.spacing).toEqual(expected);
      const images = trainingImages(done);
      const truthPlane = slice(truthVolume, plane, 6);
      expect(images.prediction.spacing).toEqual(truthPlane.spacing);
      expect(images.prediction.shape).toEqual(truthPlane.shape);
      for (const v of [images.uncertainty, ...images.probabilities])
        expect(v.spacing).toEqual(expected);
    }
  });

  it("answers bad requests with an error result, not a crash", async () => {
    const { image } = ballVolume(8);
    const h = view(image, { writer, baseDir: dir, labels: "tiny", training: true });
    sent = [];
    // no label file yet
    await expect(h.retrain()).rejects.toThrow(/tiny.labels.json does not exist/);
    const one = new Uint8Array(512);
    one[5] = 1;
    saveLabels(
      { data: one, shape: [8, 8, 8], spacing: [1, 1, 1] },
      path.join(dir, "tiny.labels.json"),
    );
    await expect(h.retrain()).rejects.toThrow(/at least two classes/);
    const r3 = (await viewerMessage(
      JSON.stringify({
        type: "retrain",
        viewId: h.viewId,
        requestId: "x",
        labelsPath: "../elsewhere.labels.json",
        plane: "xy",
        slice: 0,
        selection: { inputs: ["channel 0"], filters: { GaussianSmoothing: [1] }, tailored: [] },
      }),
    )) as TrainingResult;
    expect(r3.status === "error" && r3.message).toMatch(
      /labelsPath must be this view's label file/,
    );
    expect(sent.map((c) => (c.data[TRAINING_MIME] as TrainingResult).status)).toContain("error");
    expect(() => view(image, { writer, baseDir: dir, labels: false, training: true })).toThrow(
      /needs the label painter/,
    );
  });
});
