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
    // 12 jobs of 8 MiB in + 8 MiB out: without the workers' garbage collection
    // their stale handles keep ~190 MiB of shared buffers alive.
    const script = `
      import { mapBlocks } from "${dist}parallel/index.js";
      const v = { data: new Float32Array(128 ** 3).fill(1), shape: [128, 128, 128], spacing: [1, 1, 1] };
      const ref = { module: ${JSON.stringify(kernels)}, name: "copy" };
      const mb = () => process.memoryUsage().rss / 2 ** 20;
      await mapBlocks(v, ref, { inline: false, threads: 2 });
      globalThis.gc();
      const base = mb();
      for (let i = 0; i < 12; i++) { await mapBlocks(v, ref, { inline: false, threads: 2 }); globalThis.gc(); }
      console.log(Math.round(mb() - base));`;
    const { stdout } = await run(
      process.execPath,
      ["--expose-gc", "--input-type=module", "-e", script],
      { timeout: 60_000 },
    );
    expect(Number(stdout.trim())).toBeLessThan(80);
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
