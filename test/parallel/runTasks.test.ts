import { afterAll, describe, expect, it } from "vitest";
import { closePool, getThreads, runTasks } from "../../kernel-lib/src/parallel/index.js";

const worker = new URL("./taskWorker.mjs", import.meta.url).href;

afterAll(async () => {
  await closePool();
});

function tasks(n: number, fail = -1) {
  const counter = new SharedArrayBuffer(8);
  // later tasks finish first: results must still come back in task order
  const list = Array.from({ length: n }, (_, i) => ({
    value: i,
    ms: 5 * (n - i),
    fail: i === fail,
    counter,
  }));
  return { list, counter: new Int32Array(counter) };
}

describe("runTasks", () => {
  it("returns results in task order and reports each task", async () => {
    const { list } = tasks(6);
    const seen: number[] = [];
    const out = await runTasks<(typeof list)[number], number>(list, {
      filename: worker,
      onDone: (i, r) => seen.push(i * 1000 + r),
    });
    expect(out).toEqual([0, 10, 20, 30, 40, 50]);
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1010, 2020, 3030, 4040, 5050]);
  });

  it("keeps at most `threads` tasks in flight", async () => {
    const { list, counter } = tasks(5);
    await runTasks(list, { filename: worker, threads: 1 });
    expect(counter[1]).toBe(1);
    if (getThreads() > 1) {
      const again = tasks(6);
      await runTasks(again.list, { filename: worker, threads: 2 });
      expect(again.counter[1]).toBe(2);
    }
  });

  it("rejects with the first failure", async () => {
    const { list } = tasks(4, 2);
    await expect(runTasks(list, { filename: worker })).rejects.toThrow(/task 2 failed on purpose/);
    await expect(runTasks([], { filename: worker })).resolves.toEqual([]);
  });

  it("checks its arguments", async () => {
    await expect(runTasks([1], { filename: worker, threads: NaN })).rejects.toThrow(
      new RangeError("`threads` must be a positive integer, received NaN"),
    );
    await expect(runTasks({} as never, { filename: worker })).rejects.toThrow(
      new TypeError("`tasks` must be an array of tasks, received {}"),
    );
    await expect(runTasks([1], { filename: 7 as never })).rejects.toThrow(
      new TypeError("`filename` must be a worker module path or file URL, received 7"),
    );
  });
});
