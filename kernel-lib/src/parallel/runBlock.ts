import path from "node:path";
import { pathToFileURL } from "node:url";
import type { DType, Shape3, VoxelArray } from "../volume/types.js";
import { ARRAY_TYPES, dtypeOf } from "../volume/dtype.js";
import { readPadded } from "./boundary.js";
import type { BlockContext, BlockInput, BlockKernel, BlockOutput, BlockTask } from "./types.js";

/**
 * kernel-lib's compiled `dist/` folder. This file sits at the same depth in
 * `src/` and `dist/` (`<root>/{src,dist}/parallel/`), so the URL is right from
 * both: kernels and workers always run the compiled JavaScript.
 */
export const DIST_URL = new URL("../../dist/", import.meta.url);

/** URL of a kernel module named by a {@link KernelRef}: relative to `dist/`, absolute path, or URL. */
export function resolveKernelModule(module: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  if (path.isAbsolute(module)) return pathToFileURL(module).href;
  return new URL(module, DIST_URL).href;
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** Load (once per thread) the kernel function named by a task. */
async function loadKernel(module: string, name: string): Promise<BlockKernel> {
  const url = resolveKernelModule(module);
  let loading = modules.get(url);
  if (loading === undefined) {
    loading = import(url) as Promise<Record<string, unknown>>;
    modules.set(url, loading);
    loading.catch(() => modules.delete(url));
  }
  let mod: Record<string, unknown>;
  try {
    mod = await loading;
  } catch (error) {
    throw new Error(`cannot load kernel module ${url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const fn = mod[name];
  if (typeof fn !== "function") {
    throw new TypeError(
      `kernel module ${url} has no exported function "${name}" (exports: ${Object.keys(mod).join(", ")})`,
    );
  }
  return fn as BlockKernel;
}

// Thread-local scratch buffers for padded blocks, one per (input index, dtype), grown on demand.
const scratch = new Map<string, VoxelArray>();

function scratchFor(index: number, dtype: DType, length: number): VoxelArray {
  const key = `${index}:${dtype}`;
  let buf = scratch.get(key);
  if (buf === undefined || buf.length < length) {
    buf = new ARRAY_TYPES[dtype](length);
    scratch.set(key, buf);
  }
  return buf.subarray(0, length);
}

/** Run one block of a job in this thread (worker or main). @internal */
export async function runBlock(task: BlockTask): Promise<void> {
  const kernel = await loadKernel(task.kernel.module, task.kernel.name);
  const { origin, shape, halo, volumeShape, mode, cval } = task;
  const paddedShape: Shape3 = [
    shape[0] + 2 * halo[0],
    shape[1] + 2 * halo[1],
    shape[2] + 2 * halo[2],
  ];
  const start: Shape3 = [origin[0] - halo[0], origin[1] - halo[1], origin[2] - halo[2]];
  const paddedLength = paddedShape[0] * paddedShape[1] * paddedShape[2];
  const inputs: BlockInput[] = task.inputs.map((input, i) => {
    const dtype = dtypeOf(input.data);
    const box = input.box;
    return {
      data: input.data,
      shape: input.shape,
      dtype,
      ...(box ? { box } : {}),
      read() {
        const dest = scratchFor(i, dtype, paddedLength);
        readPadded(input.data, input.shape, start, paddedShape, mode, cval, dest, box);
        return dest;
      },
      readInto(dest) {
        if (dest.length < paddedLength) {
          throw new RangeError(
            `readInto: \`dest\` has ${dest.length} elements, the padded block needs ${paddedLength}`,
          );
        }
        readPadded(input.data, input.shape, start, paddedShape, mode, cval, dest, box);
      },
    };
  });
  // Outputs hold the whole volume, or only the core (cluster workers).
  const [, ny, nx] = task.outputsHoldCore ? shape : volumeShape;
  const outputOrigin: Shape3 = task.outputsHoldCore ? [0, 0, 0] : origin;
  const outputs: BlockOutput[] = task.outputs.map((data) => ({
    data,
    write(core, rowStride = shape[2]) {
      if (rowStride < shape[2] || core.length < (shape[0] * shape[1] - 1) * rowStride + shape[2]) {
        throw new RangeError(
          `write: core array of ${core.length} elements (row stride ${rowStride}) is too small for a ${shape.join("x")} block`,
        );
      }
      // Copy contiguous runs: whole block, whole planes, or rows.
      const [cz, cy, cx] = shape;
      const base = (outputOrigin[0] * ny + outputOrigin[1]) * nx + outputOrigin[2];
      if (rowStride === cx && cx === nx && cy === ny) {
        data.set(core.subarray(0, cz * cy * cx), base);
      } else if (rowStride === cx && cx === nx) {
        for (let z = 0; z < cz; z++)
          data.set(core.subarray(z * cy * cx, (z + 1) * cy * cx), base + z * ny * nx);
      } else {
        for (let z = 0; z < cz; z++) {
          for (let y = 0; y < cy; y++) {
            const from = (z * cy + y) * rowStride;
            data.set(core.subarray(from, from + cx), base + (z * ny + y) * nx);
          }
        }
      }
    },
  }));
  const ctx: BlockContext = {
    params: task.kernel.params,
    index: task.index,
    count: task.count,
    origin,
    shape,
    halo,
    paddedShape,
    volumeShape,
    inputs,
    outputs,
  };
  await kernel(ctx);
}
