import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const loadedTf = () =>
  Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("@tensorflow"));

describe("getNnBackend", () => {
  it("importing the library index loads no TensorFlow.js code", async () => {
    // This file's process has not touched TensorFlow.js before this import.
    expect(loadedTf()).toEqual([]);
    const lib = await import("../../kernel-lib/src/index.js");
    expect(typeof lib.getNnBackend).toBe("function");
    expect(loadedTf()).toEqual([]);
  });

  it("loads a forced backend and says which, with its expected speed", async () => {
    const { getNnBackend } = await import("../../kernel-lib/src/nn/index.js");
    const cpu = await getNnBackend({ backend: "cpu", log: false });
    expect(cpu.name).toBe("cpu");
    expect(cpu.tf.getBackend()).toBe("cpu");
    expect(cpu.version).toBe("4.22.0");
    expect(cpu.note).toMatch(/140x slower than native/);
    const wasm = await getNnBackend({ backend: "wasm", log: false });
    expect(wasm.tf.getBackend()).toBe("wasm");
    expect(wasm.note).toMatch(/190x slower than native/);
    // and back: the cached cpu backend becomes the current one again
    expect((await getNnBackend({ backend: "cpu", log: false })).tf.getBackend()).toBe("cpu");
  });

  it("prefers native TensorFlow, and explains a fallback", async () => {
    const { getNnBackend } = await import("../../kernel-lib/src/nn/index.js");
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(" "));
    // the automatic choice, whatever TOMOLAB_NN_BACKEND the run was started with
    const forced = process.env.TOMOLAB_NN_BACKEND;
    delete process.env.TOMOLAB_NN_BACKEND;
    let best;
    try {
      best = await getNnBackend();
    } finally {
      console.log = log;
      if (forced !== undefined) process.env.TOMOLAB_NN_BACKEND = forced;
    }
    expect(lines.join("\n")).toMatch(new RegExp(`^tomolab nn: backend ${best.name} `));
    if (best.name === "tensorflow") {
      expect(best.version).toMatch(/^2\.\d+/);
      expect(best.fallbackReasons).toEqual([]);
    } else {
      console.log(`native backend unavailable here: ${best.fallbackReasons.join("; ")}`);
      expect(best.fallbackReasons[0]).toMatch(/^tensorflow unavailable: .*npm run setup/);
    }
  });

  it("refuses an unknown backend name, from options or TOMOLAB_NN_BACKEND", async () => {
    const { getNnBackend } = await import("../../kernel-lib/src/nn/index.js");
    await expect(getNnBackend({ backend: "gpu" as never })).rejects.toThrow(
      /`options.backend` must be "tensorflow", "wasm" or "cpu", received "gpu"/,
    );
    const forced = process.env.TOMOLAB_NN_BACKEND;
    process.env.TOMOLAB_NN_BACKEND = "webgl";
    try {
      await expect(getNnBackend()).rejects.toThrow(/`TOMOLAB_NN_BACKEND` must be/);
    } finally {
      if (forced === undefined) delete process.env.TOMOLAB_NN_BACKEND;
      else process.env.TOMOLAB_NN_BACKEND = forced;
    }
  });
});
