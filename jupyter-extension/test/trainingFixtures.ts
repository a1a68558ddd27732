// Shared fixtures of the training tests: picker options and "done" results built from arrays.
import type { TrainingPayload, TrainingResult } from "../src/viewerTypes.js";

export const OPTIONS: TrainingPayload = {
  inputs: ["SE2", "InLens", "SE2 - InLens"],
  scales: [0.3, 0.7, 1.6],
  filters: [
    {
      id: "GaussianSmoothing",
      title: "Gaussian Smoothing",
      group: "smooth",
      scales: [0.3, 0.7, 1.6],
    },
    {
      id: "GaussianGradientMagnitude",
      title: "Gaussian Gradient Magnitude",
      group: "edge",
      scales: [0.7, 1.6],
    },
    {
      id: "StructureTensorEigenvalues",
      title: "Structure Tensor Eigenvalues",
      group: "texture",
      scales: [0.7, 1.6],
    },
  ],
  tailored: [
    { id: "ZForwardDifference", title: "z forward difference", params: [1, 2] },
    { id: "ZWindowMean", title: "z window mean", params: [3] },
  ],
  selection: {
    inputs: ["SE2"],
    filters: { GaussianSmoothing: [0.3, 1.6], GaussianGradientMagnitude: [0.3, 0.7] },
    tailored: ["ZWindowMean"],
  },
  trees: 10,
};

const b64 = (a: Uint8Array) => Buffer.from(a).toString("base64");

/** A "done" result for a width x height plane from its arrays. */
export function doneResult(
  requestId: string,
  plane: "xy" | "xz" | "yz",
  slice: number,
  width: number,
  height: number,
  prediction: Uint8Array,
  probabilities: Uint8Array[],
  uncertainty: Uint8Array,
  extra: Partial<Extract<TrainingResult, { status: "done" }>> = {},
): Extract<TrainingResult, { status: "done" }> {
  const all = new Uint8Array(probabilities.length * width * height);
  probabilities.forEach((p, i) => all.set(p, i * width * height));
  return {
    version: 1,
    viewId: "v",
    requestId,
    status: "done",
    plane,
    slice,
    width,
    height,
    classes: probabilities.map((_, i) => i + 1),
    prediction: b64(prediction),
    probabilities: b64(all),
    uncertainty: b64(uncertainty),
    importances: [
      { key: "GaussianSmoothing@1.6", label: "Gaussian Smoothing σ=1.6", importance: 0.5 },
      {
        key: "GaussianGradientMagnitude@0.7",
        label: "Gaussian Gradient Magnitude σ=0.7",
        importance: 0.3,
      },
      { key: "ZWindowMean", label: "z window mean", importance: 0.15 },
      { key: "GaussianSmoothing@0.3", label: "Gaussian Smoothing σ=0.3", importance: 0.05 },
    ],
    samples: { "1": 120, "2": 80 },
    channels: 7,
    oobError: 0.031,
    timings: { features: 120, training: 1500, predicting: 40 },
    reused: false,
    ...extra,
    spacing: extra.spacing ?? [1, 1, 1],
  };
}

/** A 3 x 2 plane: classes 1 / 2 with probabilities and uncertainty. */
export function smallResult(requestId = "v:1", slice = 2) {
  const prediction = Uint8Array.from([1, 1, 2, 2, 1, 0]);
  const p1 = Uint8Array.from([255, 200, 50, 0, 128, 0]);
  const p2 = Uint8Array.from([0, 55, 205, 255, 127, 0]);
  const unc = Uint8Array.from([0, 110, 100, 0, 254, 255]);
  return doneResult(requestId, "xy", slice, 3, 2, prediction, [p1, p2], unc);
}
