/**
 * A short, fixed-seed run of the fuzz suite (test/fuzz/engine.mjs; the full
 * run is `npm run fuzz`): every parser gets a few dozen mutated inputs, each
 * in a child process with a time and memory limit, and none may hang, crash,
 * fail with an error that does not name the file and the field, or return a
 * result its mutation cannot explain.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain JavaScript module without type declarations
import { runFuzz, OUTCOMES } from "./engine.mjs";
// @ts-expect-error -- plain JavaScript module without type declarations
import { TARGETS } from "./targets.mjs";

interface Row {
  parser: string;
  tried: number;
  [outcome: string]: number | string;
}

interface Failure {
  parser: string;
  index: number;
  outcome: string;
  mutation: string;
  detail: string;
  replay: string;
}

describe("fuzz suite (fixed seed, small)", () => {
  it("every parser survives mutated inputs: no hang, crash, bad error or silent wrong result", async () => {
    const saveDir = fs.mkdtempSync(path.join(os.tmpdir(), "tomolab-fuzz-test-"));
    const result: { rows: Row[]; failures: Failure[] } = await runFuzz({
      seed: 1,
      count: 80,
      jobs: 1,
      saveDir,
    });
    const names = (TARGETS as { name: string }[]).map((t) => t.name);
    expect(result.rows.map((r) => r.parser)).toEqual(names);
    for (const row of result.rows) {
      expect(row.tried).toBe(80);
      // Most mutations of a small file must be caught: a suite where nothing errors tests nothing.
      expect(row["clean-error"] as number).toBeGreaterThan(10);
    }
    const report = result.failures
      .map((f) => `${f.parser} #${f.index} ${f.outcome}: ${f.mutation}: ${f.detail}\n  ${f.replay}`)
      .join("\n");
    expect(result.failures, `failing inputs saved in ${saveDir}:\n${report}`).toEqual([]);
    expect((OUTCOMES as string[]).length).toBe(7);
    fs.rmSync(saveDir, { recursive: true, force: true });
  });
});
