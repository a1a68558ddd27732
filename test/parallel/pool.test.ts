import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import os from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import {
  closePool,
  getThreads,
  mapBlocks,
  setThreads,
} from "../../kernel-lib/src/parallel/index.js";
import { retainLimitBytes, taskBufferBytes } from "../../kernel-lib/src/parallel/workerMemory.js";

const run = promisify(execFile);
const dist = new URL("../../kernel-lib/dist/", import.meta.url).href;
const kernels = fileURLToPath(new URL("./kernels.mjs", import.meta.url));

/** Run an ES module snippet in a fresh Node process (against the compiled library). */
function node(code: string, env: Record<string, string> = {}) {
  return run(process.execPath, ["--input-type=module", "-e", code], {
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
}

afterAll(async () => {
  await closePool();
});

describe("worker pool", () => {
  it("defaults to TOMOLAB_THREADS, else the number of cores", async () => {
    const script = `import { getThreads } from "${dist}parallel/index.js"; console.log(getThreads());`;
    expect((await node(script, { TOMOLAB_THREADS: "3" })).stdout.trim()).toBe("3");
    const cores =
      typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
    expect((await node(script, { TOMOLAB_THREADS: "" })).stdout.trim()).toBe(String(cores));
    await expect(node(script, { TOMOLAB_THREADS: "two" })).rejects.toThrow(
      /TOMOLAB_THREADS must be a positive integer, received "two"/,
    );
  });

  it("lets a plain script exit when its parallel work is done (idle workers are unref'd)", async () => {
    const script = `
      import { mapBlocks } from "${dist}parallel/index.js";
      const v = { data: new Float32Array(64 * 64 * 64).fill(2), shape: [64, 64, 64], spacing: [1, 1, 1] };
      const [out] = await mapBlocks(v, { module: ${JSON.stringify(kernels)}, name: "copy" }, { inline: false, threads: 2, halo: 1 });
      console.log("done", out.data[123]);`;
    const t0 = performance.now();
    const { stdout } = await node(script);
    expect(stdout.trim()).toBe("done 2");
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it("does not keep finished jobs' volumes alive in the workers", async () => {
    // Jobs of 8 MiB in + 8 MiB out, enough for twice the workers' retain
    // limit plus 192 MiB (1216 MiB on a machine with 16 GiB or more): kept
    // alive by the workers' stale handles, they would be far over the bound
    // below. (Node 20.20's V8 also collects them by itself, from external-
    // memory pressure: the workers' own collection is the guarantee.)
    const limit = retainLimitBytes() / 2 ** 20;
    const jobs = Math.ceil((2 * limit) / 16) + 12;
    const script = `
      import { mapBlocks } from "${dist}parallel/index.js";
      const v = { data: new Float32Array(128 ** 3).fill(1), shape: [128, 128, 128], spacing: [1, 1, 1] };
      const ref = { module: ${JSON.stringify(kernels)}, name: "copy" };
      const mb = () => process.memoryUsage().rss / 2 ** 20;
      await mapBlocks(v, ref, { inline: false, threads: 2 });
      globalThis.gc();
      const base = mb();
      for (let i = 0; i < ${jobs}; i++) { await mapBlocks(v, ref, { inline: false, threads: 2 }); globalThis.gc(); }
      console.log(Math.round(mb() - base));`;
    const { stdout } = await run(
      process.execPath,
      ["--expose-gc", "--input-type=module", "-e", script],
      { timeout: 120_000 },
    );
    // At most the limit, the job that crossed it and one more, plus slack.
    expect(Number(stdout.trim())).toBeLessThan(limit + 3 * 16 + 32);
  });

  it("counts a task's buffers once each, kernel parameters included", () => {
    const shared = new Float32Array(new SharedArrayBuffer(4096));
    const other = new Uint8Array(new SharedArrayBuffer(100));
    const task = {
      inputs: [
        { data: shared, shape: [1, 32, 32] },
        { data: shared.subarray(8), shape: [1, 1, 8] },
      ],
      outputs: [other],
      kernel: {
        module: "m",
        name: "k",
        params: { out: shared, masks: [other, new Int32Array(10)], n: 3 },
      },
    } as unknown as Parameters<typeof taskBufferBytes>[0];
    expect(taskBufferBytes(task)).toBe(4096 + 100 + 40);
    const mib = 2 ** 20;
    expect(retainLimitBytes(1024 * mib)).toBe(32 * mib);
    expect(retainLimitBytes(8192 * mib)).toBe(256 * mib);
    expect(retainLimitBytes(65536 * mib)).toBe(512 * mib);
  });

  it("changes the pool size with setThreads and rejects bad sizes", async () => {
    const before = getThreads();
    expect(() => setThreads(0)).toThrow("`threads` must be a positive integer, received 0");
    expect(() => setThreads(1.5)).toThrow(RangeError);
    setThreads(3);
    expect(getThreads()).toBe(3);
    const v = {
      data: Float32Array.from({ length: 6 * 5 * 4 }, (_, i) => i),
      shape: [6, 5, 4] as [number, number, number],
      spacing: [1, 1, 1] as [number, number, number],
    };
    const [out] = await mapBlocks(
      v,
      { module: kernels, name: "copy" },
      { inline: false, blockShape: [1, 5, 4] },
    );
    expect(Array.from(out!.data)).toEqual(Array.from(v.data));
    setThreads(before);
    expect(getThreads()).toBe(before);
  });
});
