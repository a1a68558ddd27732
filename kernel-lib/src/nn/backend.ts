/**
 * Run-time choice of the TensorFlow.js backend for the nn module.
 *
 * Nothing here loads TensorFlow.js when this file is imported: the packages are
 * `require`d on the first {@link getNnBackend} call (the tslab kernel and the
 * tests that do not use nn never pay for them). Order of preference:
 *  1. `tensorflow`: @tensorflow/tfjs-node, the native TensorFlow C library
 *     (built by `npm run setup`, step `tensorflow`);
 *  2. `wasm`: @tensorflow/tfjs-backend-wasm (portable, far slower to train);
 *  3. `cpu`: the plain JavaScript backend (slowest; for inference on small inputs).
 */
import { createRequire } from "node:module";
import type * as TfCore from "@tensorflow/tfjs-core";
import { checkOneOf, checkOptions } from "../util/checks.js";

/** The TensorFlow.js API object (tfjs-core's ops, `train`, `tidy`, ...). */
export type Tf = typeof TfCore;

/** The backends the nn module can run on, fastest first. */
export const NN_BACKENDS = ["tensorflow", "wasm", "cpu"] as const;
export type NnBackendName = (typeof NN_BACKENDS)[number];

/** The backend in use. */
export interface NnBackend {
  /** Which backend runs the ops. */
  name: NnBackendName;
  /** Version string: TensorFlow's for `tensorflow`, tfjs-core's otherwise. */
  version: string;
  /** One line for the user: what runs and how much slower than native it is expected to be. */
  note: string;
  /** Why faster backends were not used (empty for `tensorflow`). */
  fallbackReasons: string[];
  /** The TensorFlow.js API, bound to this backend. */
  tf: Tf;
}

/**
 * Expected speed, measured with test/nn/step-time.test.ts (one Adam step of the default 3D
 * U-Net, 1 -> 8/16/32 -> 64 filters, on a 64^3 crop; 2 shared CPU cores): native 0.38-0.71 s,
 * wasm 71 s (native 0.38 s in the same run), cpu 101 s (native 0.71 s in the same run). Since
 * the tensorflow-backend fast paths of ./fastOps.ts and the flat Adam of ./adam.ts, native is
 * 0.33 s (same test, mean of 5 steps; best 0.28 s in test/bench/unet.bench.mjs), 2026-12-03;
 * the wasm and cpu figures are from before (those backends run the plain ops).
 */
const NOTES: Record<NnBackendName, string> = {
  tensorflow:
    "native TensorFlow via @tensorflow/tfjs-node (about 0.3 s per training step of a small 3D U-Net on a 64^3 crop, 2 cores)",
  wasm: "WebAssembly backend: about 190x slower than native TensorFlow for training (about 70 s per 64^3 U-Net step); use it for inference or tiny nets",
  cpu: "plain JavaScript backend: about 140x slower than native TensorFlow (about 100 s per 64^3 U-Net step); inference on small inputs only",
};

export interface NnBackendOptions {
  /**
   * Use exactly this backend (error when it cannot load); default: the environment
   * variable TOMOLAB_NN_BACKEND, else the first of tensorflow, wasm, cpu that loads.
   */
  backend?: NnBackendName;
  /** Print the backend line (name, version, expected slowdown) on first use. @default true */
  log?: boolean;
}

const requireHere = createRequire(import.meta.url);
const cache = new Map<NnBackendName, Promise<NnBackend>>();
let active: NnBackend | undefined;

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}

/** The union package: registers every kernel gradient and the cpu backend; shares the engine with tfjs-core. */
function loadTf(): Tf {
  return requireHere("@tensorflow/tfjs") as Tf;
}

async function load(name: NnBackendName): Promise<NnBackend> {
  if (name === "tensorflow") {
    // TensorFlow's C++ start-up logging (oneDNN notice, CPU features) is noise in a notebook.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
    const node = requireHere("@tensorflow/tfjs-node") as Tf;
    await node.setBackend("tensorflow");
    await node.ready();
    if (node.getBackend() !== "tensorflow")
      throw new Error(`@tensorflow/tfjs-node loaded but the backend is ${node.getBackend()}`);
    const native = node.backend() as unknown as { binding?: { TF_Version?: string } };
    const version = native.binding?.TF_Version ?? "unknown";
    return { name, version, note: NOTES[name], fallbackReasons: [], tf: node };
  }
  const tf = loadTf();
  // PROD silences tfjs' "install the node backend" console notice (the note below says it).
  tf.env().set("PROD", true);
  if (name === "wasm") requireHere("@tensorflow/tfjs-backend-wasm");
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend("${name}") failed`);
  await tf.ready();
  return { name, version: tf.version_core, note: NOTES[name], fallbackReasons: [], tf };
}

function loadCached(name: NnBackendName): Promise<NnBackend> {
  let pending = cache.get(name);
  if (!pending) {
    pending = load(name);
    cache.set(name, pending);
    // A failed load is not cached: a later call (e.g. after `npm run setup`) tries again.
    pending.catch(() => cache.delete(name));
  }
  return pending;
}

/**
 * Loads (once) and selects the TensorFlow.js backend for the nn module.
 * @returns the backend: name, version, a note on the expected speed, and `tf`.
 * @throws when `backend` (or TOMOLAB_NN_BACKEND) names one that cannot load, or none loads.
 */
export async function getNnBackend(options?: NnBackendOptions): Promise<NnBackend> {
  const opts = checkOptions(options, "options", ["backend", "log"]);
  const env = process.env.TOMOLAB_NN_BACKEND;
  const forced =
    opts.backend !== undefined
      ? checkOneOf(opts.backend, "options.backend", NN_BACKENDS)
      : env
        ? checkOneOf(env, "TOMOLAB_NN_BACKEND", NN_BACKENDS)
        : undefined;
  const order: readonly NnBackendName[] = forced ? [forced] : NN_BACKENDS;
  const reasons: string[] = [];
  for (const name of order) {
    try {
      const loaded = await loadCached(name);
      // Another backend may have been selected since: make this one current again.
      if (loaded.tf.getBackend() !== name) await loaded.tf.setBackend(name);
      const backend: NnBackend = { ...loaded, fallbackReasons: reasons };
      if (opts.log !== false && active?.name !== name) {
        const why = reasons.length > 0 ? ` (${reasons.join("; ")})` : "";
        console.log(`tomolab nn: backend ${name} ${backend.version}: ${backend.note}${why}`);
      }
      active = backend;
      return backend;
    } catch (error) {
      const hint =
        name === "tensorflow" ? "; run `npm run setup` to build @tensorflow/tfjs-node" : "";
      reasons.push(`${name} unavailable: ${errorText(error)}${hint}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be loaded: ${reasons.join("; ")}`);
}
