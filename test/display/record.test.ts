import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  clearRecordedNumbers,
  record,
  recordedNumbers,
} from "../../kernel-lib/src/display/record.js";

describe("record", () => {
  let dir: string;
  const saved = process.env.TOMOLAB_REPRODUCE_DIR;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-record-"));
    clearRecordedNumbers();
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.TOMOLAB_REPRODUCE_DIR;
    else process.env.TOMOLAB_REPRODUCE_DIR = saved;
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it("prints, keeps in memory and appends to numbers.jsonl", async () => {
    process.env.TOMOLAB_REPRODUCE_DIR = path.join(dir, "run");
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    record("fig3.porosity", 0.314);
    record("error_rate-otsu", 12);
    record("fig3.porosity", 0.3);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      "recorded fig3.porosity = 0.314",
      "recorded error_rate-otsu = 12",
      "recorded fig3.porosity = 0.3",
    ]);
    const lines = (await readFile(path.join(dir, "run", "numbers.jsonl"), "utf8")).split("\n");
    expect(lines).toEqual([
      '{"key":"fig3.porosity","value":0.314}',
      '{"key":"error_rate-otsu","value":12}',
      '{"key":"fig3.porosity","value":0.3}',
      "",
    ]);
    expect(recordedNumbers()).toEqual({ "fig3.porosity": 0.3, "error_rate-otsu": 12 });
  });

  it("writes no file without TOMOLAB_REPRODUCE_DIR", async () => {
    delete process.env.TOMOLAB_REPRODUCE_DIR;
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    record("a", 1);
    await expect(readFile(path.join(dir, "numbers.jsonl"))).rejects.toThrow();
    expect(recordedNumbers()).toEqual({ a: 1 });
  });

  it("rejects bad keys and non-finite values with clear messages", () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    expect(() => record("has space", 1)).toThrow(/must match \[A-Za-z0-9_\.-\]\+.*"has space"/);
    expect(() => record("", 1)).toThrow(RangeError);
    expect(() => record(3 as unknown as string, 1)).toThrow(TypeError);
    expect(() => record("k", NaN)).toThrow("`value of k` must be a finite number, received NaN");
    expect(() => record("k", Infinity)).toThrow(/received Infinity/);
    expect(() => record("k", "0.3" as unknown as number)).toThrow(
      new TypeError('`value of k` must be a finite number, received "0.3"'),
    );
    expect(recordedNumbers()).toEqual({});
  });
});
