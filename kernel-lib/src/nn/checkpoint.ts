/**
 * U-Net checkpoints: a directory with `model.json` (format version, architecture,
 * normalisation, class names, training history, tfjs weights manifest) and `weights.bin`
 * (the variables, encoded by tfjs' io.encodeWeights), written and read with node:fs, so
 * they load on every backend (tensorflow, wasm, cpu).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Tensor } from "@tensorflow/tfjs-core";
import { checkBoolean, checkOptions, checkString, describeFieldValue } from "../util/checks.js";
import { getNnBackend, type NnBackendName } from "./backend.js";
import { checkNormalization } from "./normalize.js";
import type { UNetModel, UNetTrainingRecord } from "./trainUNet.js";
import { createUNet, type UNet, type UNetOptions } from "./unet.js";

/** `format` field of a tomolab U-Net checkpoint's model.json. */
export const UNET_CHECKPOINT_FORMAT = "tomolab-unet";
/** The checkpoint format version written by {@link saveUNet} and the only one {@link loadUNet} reads. */
export const UNET_CHECKPOINT_VERSION = 1;

/** The architecture fields stored in (and checked on loading) a checkpoint. */
export type UNetArchitecture = Omit<Required<UNetOptions>, "seed">;

/** Contents of model.json. */
export interface UNetCheckpointJson {
  format: typeof UNET_CHECKPOINT_FORMAT;
  formatVersion: number;
  architecture: UNetArchitecture;
  normalization: UNetModel["normalization"];
  classNames: string[];
  training: UNetTrainingRecord;
  /** Free user metadata (JSON). */
  meta: Record<string, unknown>;
  /** ISO time of saving. */
  savedAt: string;
  /** tfjs weights manifest: variables v0, v1, ... in the network's creation order. */
  weightsManifest: {
    paths: string[];
    weights: { name: string; shape: number[]; dtype: string }[];
  }[];
}

/** Options of {@link saveUNet}. */
export interface SaveUNetOptions {
  /** Replace an existing checkpoint at `path`. @default false (an existing one is an error) */
  overwrite?: boolean;
  /** Extra JSON-serialisable metadata stored as `meta` (e.g. the sample name, notes). */
  meta?: Record<string, unknown>;
}

/** Options of {@link loadUNet}. */
export interface LoadUNetOptions {
  /** Backend to load into. @default {@link getNnBackend}'s choice */
  backend?: NnBackendName;
  /** Fields the stored architecture must have (e.g. `{ dims: 3, classes: 3 }`); a mismatch is an error. */
  architecture?: Partial<UNetArchitecture>;
}

const ARCH_KEYS: (keyof UNetArchitecture)[] = [
  "dims",
  "depth",
  "baseFilters",
  "inChannels",
  "classes",
  "upsampling",
];

const MODEL_FILE = "model.json";
const WEIGHTS_FILE = "weights.bin";

/**
 * Writes a checkpoint directory `dir` (created if missing) with model.json and weights.bin.
 * Files are written under temporary names and renamed, so a crash leaves no half checkpoint.
 * @param model - A trained model ({@link trainUNet}, {@link loadUNet}).
 * @param dir - Checkpoint directory.
 * @returns the path of model.json.
 * @throws Error when `dir` already holds a checkpoint (or is a file) and `overwrite` is not true.
 */
export async function saveUNet(
  model: UNetModel,
  dir: string,
  options: SaveUNetOptions = {},
): Promise<string> {
  const opts = checkOptions(options, "options", ["overwrite", "meta"]);
  checkString(dir, "dir", true);
  const overwrite = checkBoolean(opts.overwrite ?? false, "options.overwrite");
  const modelPath = path.join(dir, MODEL_FILE);
  const weightsPath = path.join(dir, WEIGHTS_FILE);
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new Error(`saveUNet: ${dir} is a file, not a checkpoint directory`);
  if (!overwrite && (existsSync(modelPath) || existsSync(weightsPath)))
    throw new Error(
      `saveUNet: ${dir} already holds a checkpoint (${MODEL_FILE} / ${WEIGHTS_FILE}); pass { overwrite: true } to replace it`,
    );
  const { net, tf } = model;
  const named: Record<string, Tensor> = {};
  net.variables.forEach((v, i) => (named[`v${i}`] = v));
  const { data, specs } = await tf.io.encodeWeights(named);
  const architecture = Object.fromEntries(
    ARCH_KEYS.map((k) => [k, net.options[k]]),
  ) as unknown as UNetArchitecture;
  const json: UNetCheckpointJson = {
    format: UNET_CHECKPOINT_FORMAT,
    formatVersion: UNET_CHECKPOINT_VERSION,
    architecture,
    normalization: model.normalization,
    classNames: model.classNames,
    training: model.training,
    meta: opts.meta ?? {},
    savedAt: new Date().toISOString(),
    weightsManifest: [
      {
        paths: [WEIGHTS_FILE],
        weights: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype })),
      },
    ],
  };
  const text = JSON.stringify(json, null, 1);
  mkdirSync(dir, { recursive: true });
  const tag = `.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(weightsPath + tag, new Uint8Array(data as ArrayBuffer));
  writeFileSync(modelPath + tag, text);
  renameSync(weightsPath + tag, weightsPath);
  renameSync(modelPath + tag, modelPath);
  return modelPath;
}

function fieldError(file: string, field: string, expected: string, value: unknown): Error {
  return new Error(
    `${file}: \`${field}\` must be ${expected}, received ${describeFieldValue(value, { arraysUpTo: 6 })}`,
  );
}

/**
 * Reads a checkpoint written by {@link saveUNet} into a fresh network on the chosen backend.
 * @param dir - Checkpoint directory (or the path of its model.json).
 * @throws Error naming the file and field when the format or version differs, the
 *   architecture is invalid or differs from `options.architecture`, or the weights do not
 *   match the architecture (names, shapes, byte length).
 */
export async function loadUNet(dir: string, options: LoadUNetOptions = {}): Promise<UNetModel> {
  const opts = checkOptions(options, "options", ["backend", "architecture"]);
  checkString(dir, "dir", true);
  const modelPath = dir.endsWith(".json") ? dir : path.join(dir, MODEL_FILE);
  if (!existsSync(modelPath))
    throw new Error(`loadUNet: no checkpoint at ${dir} (${modelPath} is missing)`);
  let json: UNetCheckpointJson;
  try {
    json = JSON.parse(readFileSync(modelPath, "utf8")) as UNetCheckpointJson;
  } catch (error) {
    throw new Error(`${modelPath}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || json.format !== UNET_CHECKPOINT_FORMAT)
    throw fieldError(modelPath, "format", `"${UNET_CHECKPOINT_FORMAT}"`, json?.format);
  if (json.formatVersion !== UNET_CHECKPOINT_VERSION)
    throw fieldError(
      modelPath,
      "formatVersion",
      `${UNET_CHECKPOINT_VERSION} (the version this tomolab reads)`,
      json.formatVersion,
    );
  const arch = json.architecture;
  if (typeof arch !== "object" || arch === null)
    throw fieldError(modelPath, "architecture", "an object", arch);
  for (const k of ARCH_KEYS)
    if (!(k in arch)) throw fieldError(modelPath, `architecture.${k}`, "present", undefined);
  for (const [k, v] of Object.entries(opts.architecture ?? {}))
    if ((arch as Record<string, unknown>)[k] !== v)
      throw fieldError(
        modelPath,
        `architecture.${k}`,
        `${JSON.stringify(v)} (options.architecture)`,
        (arch as Record<string, unknown>)[k],
      );
  if (
    !Array.isArray(json.classNames) ||
    json.classNames.length !== arch.classes ||
    !json.classNames.every((s) => typeof s === "string")
  )
    throw fieldError(
      modelPath,
      "classNames",
      `${arch.classes} strings (architecture.classes)`,
      json.classNames,
    );
  let normalization;
  try {
    normalization = checkNormalization(json.normalization, "normalization");
  } catch (error) {
    throw new Error(`${modelPath}: ${(error as Error).message}`);
  }
  const manifest = json.weightsManifest?.[0];
  if (!manifest || !Array.isArray(manifest.paths) || !Array.isArray(manifest.weights))
    throw fieldError(modelPath, "weightsManifest", "[{ paths, weights }]", json.weightsManifest);
  const weightsPath = path.join(path.dirname(modelPath), manifest.paths[0] ?? WEIGHTS_FILE);
  if (!existsSync(weightsPath)) throw new Error(`loadUNet: ${weightsPath} is missing`);

  const { tf } = await getNnBackend(opts.backend ? { backend: opts.backend } : {});
  let net: UNet;
  try {
    net = createUNet(tf, {
      ...Object.fromEntries(ARCH_KEYS.map((k) => [k, arch[k]])),
    } as UNetOptions);
  } catch (error) {
    throw new Error(`${modelPath}: invalid architecture: ${(error as Error).message}`);
  }
  try {
    const specs = manifest.weights;
    if (specs.length !== net.variables.length)
      throw fieldError(
        modelPath,
        "weightsManifest[0].weights",
        `${net.variables.length} tensors for this architecture`,
        `${specs.length} tensors`,
      );
    specs.forEach((s, i) => {
      const want = net.variables[i]!.shape;
      if (
        s.name !== `v${i}` ||
        !Array.isArray(s.shape) ||
        s.shape.join(",") !== want.join(",") ||
        s.dtype !== "float32"
      )
        throw fieldError(
          modelPath,
          `weightsManifest[0].weights[${i}]`,
          `v${i} float32 [${want.join(", ")}]`,
          `${s.name} ${s.dtype} [${s.shape?.join(", ")}]`,
        );
    });
    const bytes = readFileSync(weightsPath);
    const expectedBytes = net.variables.reduce((a, v) => a + v.size * 4, 0);
    if (bytes.byteLength !== expectedBytes)
      throw new Error(
        `${weightsPath}: ${bytes.byteLength} bytes, expected ${expectedBytes} for the architecture in ${MODEL_FILE}`,
      );
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const tensors = tf.io.decodeWeights(buffer, specs as never);
    net.variables.forEach((v, i) => {
      const t = tensors[`v${i}`]!;
      v.assign(t as never);
      t.dispose();
    });
  } catch (error) {
    net.dispose();
    throw error;
  }
  const model = net;
  return {
    net: model,
    tf,
    normalization,
    classNames: [...json.classNames],
    training: json.training,
    dispose: () => model.dispose(),
  };
}
