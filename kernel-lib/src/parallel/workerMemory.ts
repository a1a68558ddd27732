import os from "node:os";
import type { BlockTask } from "./types.js";

const MIB = 2 ** 20;

/**
 * How many bytes of earlier jobs' buffers a pool worker may still reference
 * (through garbage it has not collected) before it collects at the start of
 * its next job: 1/32 of the machine's memory, between 32 and 512 MiB. The
 * collection (a full GC of the worker's small heap, which also frees the
 * buffers it held last) takes 5-15 ms for a 256^3 float32 job and stalls the
 * job it precedes, so it is kept off short back-to-back jobs; an idle worker
 * collects anyway (see worker.ts). @internal
 */
export function retainLimitBytes(totalBytes: number = os.totalmem()): number {
  return Math.min(512 * MIB, Math.max(32 * MIB, Math.floor(totalBytes / 32)));
}

/**
 * Bytes of the distinct buffers a task references: its inputs and outputs,
 * and typed arrays or shared buffers among its kernel parameters (one level
 * deep, arrays of them included), where kernels receive outputs they write
 * themselves. @internal
 */
export function taskBufferBytes(task: BlockTask): number {
  const seen = new Set<ArrayBufferLike>();
  const add = (value: unknown): void => {
    if (ArrayBuffer.isView(value)) seen.add(value.buffer);
    else if (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer)
      seen.add(value);
  };
  for (const input of task.inputs) add(input.data);
  for (const output of task.outputs) add(output);
  const params = task.kernel.params;
  if (typeof params === "object" && params !== null) {
    for (const value of Object.values(params as Record<string, unknown>)) {
      if (Array.isArray(value)) value.forEach(add);
      else add(value);
    }
  }
  let bytes = 0;
  for (const buffer of seen) bytes += buffer.byteLength;
  return bytes;
}
