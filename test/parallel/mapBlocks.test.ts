import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";
import {
  boundaryIndex,
  closePool,
  forEachBlock,
  INLINE_BELOW,
  isShared,
  mapBlocks,
  parallelOptions,
  runsInline,
  planBlocks,
  toShared,
  type BoundaryMode,
  type KernelRef,
} from "../../kernel-lib/src/parallel/index.js";

const KERNELS = fileURLToPath(new URL("./kernels.mjs", import.meta.url));
const ref = (name: string, params?: unknown): KernelRef => ({ module: KERNELS, name, params });

function ramp(shape: Shape3, scale = 1): Volume<Float32Array> {
  const n = shape[0] * shape[1] * shape[2];
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = ((i * 7919) % 1000) * scale;
  return { data, shape, spacing: [2, 1, 1] };
}

/** Expected value of the `shift` kernel: input at (z+dz, y+dy, x+dx) extended by `mode`. */
function shifted(
  v: Volume<Float32Array>,
  d: Shape3,
  mode: BoundaryMode,
  cval: number,
): Float32Array {
  const [nz, ny, nx] = v.shape;
  const out = new Float32Array(v.data.length);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const sz = boundaryIndex(z + d[0], nz, mode);
        const sy = boundaryIndex(y + d[1], ny, mode);
        const sx = boundaryIndex(x + d[2], nx, mode);
        out[(z * ny + y) * nx + x] =
          sz < 0 || sy < 0 || sx < 0 ? cval : v.data[(sz * ny + sy) * nx + sx]!;
      }
  return out;
}

afterAll(async () => {
  await closePool();
});

describe("boundaryIndex (scipy.ndimage extension modes)", () => {
  it("extends a line a b c d as documented, including repeated reflections", () => {
    const n = 4;
    const line = (mode: BoundaryMode) =>
      Array.from({ length: 16 }, (_, i) => boundaryIndex(i - 6, n, mode));
    // positions -6..9
    expect(line("reflect")).toEqual([2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1]);
    expect(line("mirror")).toEqual([0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3]);
    expect(line("nearest")).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 3, 3]);
    expect(line("wrap")).toEqual([2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
    expect(line("constant")).toEqual([-1, -1, -1, -1, -1, -1, 0, 1, 2, 3, -1, -1, -1, -1, -1, -1]);
    expect([boundaryIndex(-3, 1, "mirror"), boundaryIndex(5, 1, "reflect")]).toEqual([0, 0]);
  });
});

describe("planBlocks", () => {
  it("covers the volume exactly once with blocks clipped at the far border", () => {
    const shape: Shape3 = [7, 11, 13];
    const blocks = planBlocks(shape, [3, 5, 7]);
    expect(blocks.length).toBe(3 * 3 * 2);
    const hits = new Uint8Array(7 * 11 * 13);
    for (const b of blocks)
      for (let z = 0; z < b.shape[0]; z++)
        for (let y = 0; y < b.shape[1]; y++)
          for (let x = 0; x < b.shape[2]; x++)
            hits[((b.origin[0] + z) * 11 + b.origin[1] + y) * 13 + b.origin[2] + x]!++;
    expect(hits.every((h) => h === 1)).toBe(true);
    expect(blocks.at(-1)).toEqual({ index: 17, origin: [6, 10, 7], shape: [1, 1, 6] });
  });
});

describe("mapBlocks", () => {
  const shape: Shape3 = [7, 11, 13];
  const volume = ramp(shape);

  for (const mode of ["reflect", "mirror", "nearest", "wrap", "constant"] as const) {
    it(`pads blocks by "${mode}" at the border (workers, blocks not dividing the shape)`, async () => {
      const d: Shape3 = [-2, 3, -4];
      const [out] = await mapBlocks(volume, ref("shift", { dz: d[0], dy: d[1], dx: d[2] }), {
        halo: [2, 3, 4],
        blockShape: [3, 5, 7],
        mode,
        cval: -5,
        threads: 2,
        inline: false,
      });
      expect(Array.from(out!.data)).toEqual(Array.from(shifted(volume, d, mode, -5)));
    });
  }

  it("handles halos larger than the volume (repeated reflection), inline", async () => {
    const small = ramp([2, 3, 4]);
    const d: Shape3 = [5, -7, 9];
    const [out] = await mapBlocks(small, ref("shift", { dz: d[0], dy: d[1], dx: d[2] }), {
      halo: [5, 7, 9],
      blockShape: [1, 2, 3],
      inline: true,
    });
    expect(Array.from(out!.data)).toEqual(Array.from(shifted(small, d, "reflect", 0)));
  });

  it("keeps the output dtype, spacing and shape; inputs need not be shared", async () => {
    const u16: Volume<Uint16Array> = {
      data: Uint16Array.from(volume.data),
      shape,
      spacing: [3, 2, 1],
    };
    expect(isShared(u16.data)).toBe(false);
    const [out] = await mapBlocks(u16, ref("copy"), {
      halo: 1,
      blockShape: [2, 4, 13],
      dtype: "uint16",
      inline: false,
    });
    expect(out!.data).toBeInstanceOf(Uint16Array);
    expect(isShared(out!.data)).toBe(true);
    expect(out!.shape).toEqual(shape);
    expect(out!.spacing).toEqual([3, 2, 1]);
    expect(Array.from(out!.data)).toEqual(Array.from(u16.data));
  });

  it("writes several output channels from several inputs", async () => {
    const b = ramp(shape, 0.5);
    const outs = await mapBlocks([volume, b], ref("scaledSum"), {
      channels: 3,
      halo: [1, 0, 2],
      blockShape: [4, 4, 4],
      inline: false,
    });
    expect(outs.length).toBe(3);
    outs.forEach((o, c) => {
      const expected = volume.data.map((v, i) => (c + 1) * (v + b.data[i]!));
      expect(Array.from(o.data)).toEqual(Array.from(expected));
    });
  });

  it("writes into `out` volumes and supports async kernels", async () => {
    const target = toShared({
      data: new Float32Array(volume.data.length),
      shape,
      spacing: volume.spacing,
    });
    const outs = await mapBlocks(volume, ref("indexAsync"), {
      blockShape: [7, 11, 5],
      out: [target],
      inline: false,
    });
    expect(outs[0]).toBe(target);
    // blocks along x: 0..4 -> 1, 5..9 -> 2, 10..12 -> 3
    expect(Array.from(target.data.subarray(0, 13))).toEqual([
      1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3,
    ]);
  });

  it("reports progress with increasing counts up to the total", async () => {
    for (const inline of [true, false]) {
      const calls: [number, number][] = [];
      await mapBlocks(volume, ref("copy"), {
        blockShape: [2, 11, 13],
        inline,
        onProgress: (done, total) => calls.push([done, total]),
      });
      expect(calls.map((c) => c[1])).toEqual(new Array(5).fill(4));
      expect(calls.map((c) => c[0])).toEqual([0, 1, 2, 3, 4]);
    }
  });

  for (const inline of [false, true]) {
    it(`cancels with an AbortSignal (${inline ? "inline" : "workers"}): rejects, starts no pending block, leaves nothing running`, async () => {
      const controller = new AbortController();
      const big: Shape3 = [24, 8, 8];
      const target = toShared({ data: new Float32Array(24 * 64), shape: big, spacing: [1, 1, 1] });
      const filledBlocks = () => {
        let n = 0;
        for (let z = 0; z < 24; z++) if (target.data[z * 64] === 1) n++;
        return n;
      };
      const job = mapBlocks(ramp(big), ref("slow", { ms: 30 }), {
        blockShape: [1, 8, 8],
        threads: 2,
        inline,
        out: [target],
        signal: controller.signal,
        onProgress: (done) => {
          if (done === 1) controller.abort();
        },
      });
      const error = await job.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DOMException);
      expect((error as DOMException).name).toBe("AbortError");
      const filled = filledBlocks();
      expect(filled).toBeGreaterThanOrEqual(1);
      expect(filled).toBeLessThanOrEqual(inline ? 1 : 2);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(filledBlocks()).toBe(filled); // nothing was still running
    });
  }

  it("rejects with an AbortError when aborted before starting", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      mapBlocks(volume, ref("copy"), { signal: controller.signal }),
    ).rejects.toMatchObject({ name: "AbortError" });
  });

  for (const inline of [false, true]) {
    it(`names the failing block in a kernel error (${inline ? "inline" : "worker"})`, async () => {
      const job = mapBlocks(volume, ref("failAt", { index: 2 }), {
        blockShape: [3, 11, 13],
        inline,
      });
      await expect(job).rejects.toThrow(RangeError);
      await expect(job).rejects.toThrow(
        /block 3\/3 \(z 6\.\.6, y 0\.\.10, x 0\.\.12\) failed: kernel refused this block/,
      );
    });
  }

  it("reports a missing kernel export and a missing module", async () => {
    await expect(mapBlocks(volume, ref("nope"), { inline: true })).rejects.toThrow(
      /no exported function "nope"/,
    );
    await expect(
      mapBlocks(
        volume,
        { module: "/nonexistent/kernel.mjs", name: "k" },
        { inline: false, blockShape: [7, 11, 13] },
      ),
    ).rejects.toThrow(/block 1\/1 .*cannot load kernel module file:\/\/\/nonexistent\/kernel\.mjs/);
  });

  it("checks its arguments", async () => {
    await expect(mapBlocks(volume, ref("copy"), { halo: -1 })).rejects.toThrow(
      /`halo` must be an integer >= 0/,
    );
    await expect(mapBlocks(volume, ref("copy"), { blockShape: [0, 1, 1] })).rejects.toThrow(
      new RangeError("`blockShape` must be an integer >= 1 or [z, y, x] of them, received [0,1,1]"),
    );
    await expect(mapBlocks(volume, ref("copy"), { halo: [1, 2] as never })).rejects.toThrow(
      "`halo` must be an integer >= 0 or [z, y, x] of them, received [1,2]",
    );
    await expect(mapBlocks(volume, ref("copy"), { inline: "yes" as never })).rejects.toThrow(
      '`inline` must be true, false or "auto", received "yes"',
    );
    await expect(mapBlocks(volume, ref("copy"), { dtype: "float64" as never })).rejects.toThrow(
      /`dtype` must be one of "uint8", .*, received "float64"/,
    );
    await expect(mapBlocks(volume, ref("copy"), { out: [] })).rejects.toThrow(
      new RangeError("`out` must be an array of 1 volume(s), received []"),
    );
    await expect(mapBlocks(volume, ref("copy"), { mode: "bogus" as BoundaryMode })).rejects.toThrow(
      /`mode` must be one of/,
    );
    await expect(mapBlocks(volume, ref("copy"), { channels: 0 })).rejects.toThrow(
      new RangeError("`channels` must be a positive integer, received 0"),
    );
    await expect(mapBlocks(volume, ref("copy"), { cval: NaN })).rejects.toThrow(
      "`cval` must be a number, received NaN",
    );
    await expect(mapBlocks(volume, ref("copy"), { threads: 1.5 })).rejects.toThrow(/`threads`/);
    await expect(mapBlocks([volume, ramp([7, 11, 12])], ref("copy"))).rejects.toThrow(
      "`inputs[1]` (shape 7x11x12) must have the shape of `inputs[0]` (shape 7x11x13)",
    );
    await expect(mapBlocks([], ref("copy"))).rejects.toThrow(
      new RangeError("`inputs` must be at least one volume, received []"),
    );
    await expect(mapBlocks(volume, { module: 3 } as unknown as KernelRef)).rejects.toThrow(
      TypeError,
    );
    const plain = { data: new Float32Array(volume.data.length), shape, spacing: volume.spacing };
    await expect(mapBlocks(volume, ref("copy"), { out: [plain], inline: false })).rejects.toThrow(
      /shared memory/,
    );
  });
});

describe("forEachBlock (side effects only)", () => {
  const shape: Shape3 = [7, 11, 13];
  const volume = ramp(shape);
  const sharedInt32 = (n: number) => new Int32Array(new SharedArrayBuffer(4 * n));

  for (const inline of [true, false]) {
    it(`runs the kernel once per block with no output channels (${inline ? "inline" : "workers"})`, async () => {
      const hits = sharedInt32(7 * 11 * 13);
      const seen = sharedInt32(3 * 3 * 2);
      const calls: number[] = [];
      const result = await forEachBlock(volume, ref("markCore", { hits, seen, failAt: -1 }), {
        halo: 2,
        blockShape: [3, 5, 7],
        inline,
        onProgress: (done) => calls.push(done),
      });
      expect(result).toBeUndefined();
      expect(Array.from(hits).every((h) => h === 1)).toBe(true);
      // every block saw an empty `ctx.outputs` (0 channels, stored as 0 + 1)
      expect(Array.from(seen)).toEqual(new Array(18).fill(1));
      expect(calls[0]).toBe(0);
      expect(calls.at(-1)).toBe(18);
    });
  }

  it("names the failing block and checks its arguments like mapBlocks", async () => {
    const hits = sharedInt32(7 * 11 * 13);
    const seen = sharedInt32(3);
    await expect(
      forEachBlock(volume, ref("markCore", { hits, seen, failAt: 1 }), {
        blockShape: [3, 11, 13],
        inline: false,
      }),
    ).rejects.toThrow(
      /block 2\/3 \(z 3\.\.5, y 0\.\.10, x 0\.\.12\) failed: kernel refused this block/,
    );
    await expect(forEachBlock(volume, ref("markCore"), { halo: -1 })).rejects.toThrow(
      /`halo` must be an integer >= 0/,
    );
    const controller = new AbortController();
    controller.abort();
    const untouched = sharedInt32(7 * 11 * 13);
    await expect(
      forEachBlock(volume, ref("markCore", { hits: untouched, seen, failAt: -1 }), {
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(Array.from(untouched).every((h) => h === 0)).toBe(true);
  });
});

describe("parallelOptions and runsInline", () => {
  it("parallelOptions picks the five parallel fields that are set, nothing else", () => {
    const signal = new AbortController().signal;
    const onProgress = () => {};
    const user = {
      threads: 2,
      inline: false,
      blockShape: [1, 2, 3] as Shape3,
      signal,
      onProgress,
      sigma: 3,
      mode: "mirror",
    };
    expect(parallelOptions(user)).toEqual({
      threads: 2,
      inline: false,
      blockShape: [1, 2, 3],
      signal,
      onProgress,
    });
    expect(parallelOptions({ threads: undefined, inline: "auto" })).toEqual({ inline: "auto" });
    expect(Object.keys(parallelOptions({}))).toEqual([]);
  });

  it("runsInline is mapBlocks' rule: one thread, inline: true, or auto below INLINE_BELOW voxels", async () => {
    expect(INLINE_BELOW).toBe(2 ** 18);
    const small: Shape3 = [1, 256, 1023]; // INLINE_BELOW - 256 voxels
    const big: Shape3 = [1, 256, 1024]; // INLINE_BELOW voxels
    expect(runsInline(small, { threads: 2 })).toBe(true);
    expect(runsInline(big, { threads: 2 })).toBe(false);
    expect(runsInline(big, { threads: 2, inline: true })).toBe(true);
    expect(runsInline(small, { threads: 2, inline: false })).toBe(false);
    expect(runsInline(big, { threads: 1, inline: false })).toBe(true);
    // mapBlocks allocates its outputs in shared memory either way; what tells
    // the two apart is whether a plain (non-shared) `out` is accepted.
    for (const [s, options] of [
      [small, { threads: 2 }],
      [big, { threads: 2 }],
      [big, { threads: 1 }],
    ] as const) {
      const n = s[0] * s[1] * s[2];
      const input = {
        data: new Float32Array(n),
        shape: s,
        spacing: [1, 1, 1] as [number, number, number],
      };
      const plain = {
        data: new Float32Array(n),
        shape: s,
        spacing: [1, 1, 1] as [number, number, number],
      };
      const job = mapBlocks(input, ref("copy"), { ...options, out: [plain] });
      if (runsInline(s, options)) await expect(job).resolves.toHaveLength(1);
      else await expect(job).rejects.toThrow(/shared memory/);
    }
  });
});
