/* eslint-disable @typescript-eslint/no-explicit-any -- payload JSON is read field by field */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DisplayContent } from "../../kernel-lib/src/display/kernel.js";
import { view, VOLUME_MIME } from "../../kernel-lib/src/display/view.js";
import {
  onViewerMessage,
  viewerMessage,
  viewerThresholds,
} from "../../kernel-lib/src/display/viewerMessage.js";
import type { VolumePayload } from "../../kernel-lib/src/display/viewerTypes.js";

describe("view", () => {
  let dir: string;
  let sent: DisplayContent[];
  const writer = (c: DisplayContent) => void sent.push(c);
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-view-"));
    sent = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("inlines small volumes with window, histogram and painter classes", () => {
    const data = new Uint8Array(2 * 3 * 4);
    for (let i = 0; i < data.length; i++) data[i] = i < 12 ? 10 : 20;
    const h = view(
      { data, shape: [2, 3, 4], spacing: [30, 5, 5] },
      { title: "tiny / test", writer, baseDir: dir, percentiles: [0, 100] },
    );
    expect(sent).toHaveLength(1);
    const p = sent[0].data[VOLUME_MIME] as VolumePayload;
    expect(sent[0].data["text/plain"]).toMatch(/Volume 2x3x4 uint8, spacing 30 x 5 x 5 nm/);
    expect(p.shape).toEqual([2, 3, 4]);
    expect(p.initial).toEqual({ plane: "xy", slice: 1 });
    const ch = p.channels[0];
    expect(ch.source.kind).toBe("inline");
    expect([...Buffer.from((ch.source as any).base64, "base64")]).toEqual([...data]);
    expect(ch.range).toEqual([10, 20]);
    expect(ch.window).toEqual([10, 20]);
    // integer histogram: one bin per value from 10 to 20
    expect(ch.histogram.counts.length).toBe(11);
    expect(ch.histogram.counts[0]).toBe(12);
    expect(ch.histogram.counts[10]).toBe(12);
    expect(p.labels?.path).toBe("tiny-test.labels.json");
    expect(p.labels?.classes.map((c) => c.id)).toEqual([1, 2, 3]);
    expect(h.labelsPath).toBe("tiny-test.labels.json");
  });

  it("writes big volumes to tomolab-cache and references them", async () => {
    const data = new Float32Array(8 * 8 * 8).map((_, i) => i);
    const h = view(
      { data, shape: [8, 8, 8], spacing: [1, 1, 1] },
      { writer, baseDir: dir, inlineLimit: 100, labels: false },
    );
    const p = sent[0].data[VOLUME_MIME] as VolumePayload;
    const src = p.channels[0].source;
    expect(src.kind).toBe("file");
    if (src.kind !== "file") return;
    expect(src.path).toMatch(/^tomolab-cache\/[0-9a-f]{20}\.float32\.raw$/);
    expect(src.bytes).toBe(2048);
    const raw = await readFile(path.join(dir, src.path));
    expect(new Float32Array(raw.buffer, raw.byteOffset, 512)).toEqual(data);
    expect(JSON.stringify(p).length).toBeLessThan(20_000);
    expect(p.labels).toBeUndefined();
    expect(h.files).toEqual([path.join(dir, src.path)]);
    expect(await readFile(path.join(dir, "tomolab-cache", ".gitignore"), "utf8")).toMatch(/^\*$/m);
    // percentile window from the 256-bin histogram: 0.5 % of 0..511 ~ 2.6, 99.5 % ~ 508.4
    expect(p.channels[0].window[0]).toBeCloseTo(3.99, 1);
    expect(p.channels[0].window[1]).toBeCloseTo(509, 0);
  });

  it("checks its arguments", () => {
    const v = {
      data: new Uint8Array(8),
      shape: [2, 2, 2] as [number, number, number],
      spacing: [1, 1, 1] as [number, number, number],
    };
    expect(() => view(v, { writer, plane: "zz" as any })).toThrow(/plane/);
    expect(() => view(v, { writer, slice: 2 })).toThrow(/\[0, 1\]/);
    expect(() => view(v, { writer, thresholds: [3, 1] })).toThrow(/ascending/);
    expect(() => view(v, { writer, channels: [{ ...v, shape: [1, 2, 4] }] })).toThrow(/shape/);
    const bad: [Record<string, unknown>, string][] = [
      [{ traning: true }, "`options.traning` is not an option; expected one of title,"],
      [{ channelMode: "over" }, '`channelMode` must be "side" or "blend", received "over"'],
      [
        { percentiles: [99, 1] },
        "`percentiles` must be an array of 2 ascending finite numbers in [0, 100], received [99,1]",
      ],
      [{ inlineLimit: -1 }, "`inlineLimit` must be a finite number >= 0, received -1"],
      [
        { channels: v },
        '`channels` must be an array of volumes, received {"data":Uint8Array of length 8,"shape":[2,2,2],"spacing":[1,1,1]}',
      ],
      [{ channelNames: ["a", 2] }, "`channelNames[1]` must be a string, received 2"],
      [
        { overlays: [{ kind: "labels", volume: v, opacity: 2 }] },
        "`overlays[0].opacity` must be a number in [0, 1], received 2",
      ],
      [
        { overlays: [{ kind: "label", volume: v }] },
        '`overlays[0].kind` must be "labels", "probability" or "instances", received "label"',
      ],
      [{ fallbackImage: "no" }, '`fallbackImage` must be a boolean, received "no"'],
    ];
    for (const [options, message] of bad)
      expect(() => view(v, { writer, baseDir: dir, labels: false, ...options } as never)).toThrow(
        message,
      );
  });

  it("leaves NaN and infinite voxels out of a channel's range, histogram and window", () => {
    const clean = Float32Array.from({ length: 100 }, (_, i) => i);
    const dirty = new Float32Array(125);
    dirty.set(clean);
    dirty.fill(NaN, 100, 110);
    dirty.fill(Infinity, 110, 120);
    dirty.fill(-Infinity, 120);
    const shown = (data: Float32Array, n: number) => {
      view({ data, shape: [1, 1, n], spacing: [1, 1, 1] }, { writer, baseDir: dir, labels: false });
      return (sent.pop()!.data[VOLUME_MIME] as VolumePayload).channels[0];
    };
    const a = shown(clean, 100);
    const b = shown(dirty, 125);
    expect(b.range).toEqual([0, 99]);
    expect(b.histogram.counts.reduce((x, y) => x + y, 0)).toBe(100);
    expect(b.histogram).toEqual(a.histogram);
    expect(b.window).toEqual(a.window);
    // 256 bins of width 99 / 256: 0.5 % of 100 values lies in bin 0, 99.5 % in bin 255
    expect(a.window).toEqual([99 / 256, 99]);
  });

  it("receives thresholds and label counts through viewerMessage (JSON only)", () => {
    const v = {
      data: new Uint8Array(8),
      shape: [2, 2, 2] as [number, number, number],
      spacing: [1, 1, 1] as [number, number, number],
    };
    const h = view(v, { writer, baseDir: dir });
    expect(h.thresholds()).toBeUndefined();
    expect(
      viewerMessage(
        JSON.stringify({ type: "thresholds", viewId: h.viewId, channel: 0, thresholds: [40, 120] }),
      ),
    ).toBe(true);
    expect(h.thresholds()).toEqual([40, 120]);
    expect(viewerThresholds()).toEqual([40, 120]);
    viewerMessage(
      JSON.stringify({
        type: "labels-saved",
        viewId: h.viewId,
        path: "x.labels.json",
        counts: { "1": 5 },
      }),
    );
    expect(h.labelCounts()).toEqual({ "1": 5 });
    expect(() =>
      viewerMessage(JSON.stringify({ type: "thresholds", viewId: h.viewId, thresholds: [5, 1] })),
    ).toThrow(/ascending/);
    expect(() => viewerMessage(JSON.stringify({ type: "eval", viewId: h.viewId }))).toThrow(
      /unknown viewer message/,
    );
    expect(() => viewerMessage(JSON.stringify({ type: "retrain", viewId: h.viewId }))).toThrow(
      /has no live training/,
    );
    expect(() => viewerMessage(JSON.stringify({ type: "retrain", viewId: "feedbeef" }))).toThrow(
      /kernel restarted\?\): run the cell/,
    );
    onViewerMessage("retrain", (m) => `retrain ${m.viewId}`);
    expect(viewerMessage(JSON.stringify({ type: "retrain", viewId: h.viewId }))).toBe(
      `retrain ${h.viewId}`,
    );
    onViewerMessage("retrain", undefined);
  });
});

describe("slicePng", () => {
  it("draws the initial slice through the window (hand-checked pixels)", async () => {
    const { decode } = await import("fast-png");
    const { slicePng } = await import("../../kernel-lib/src/display/viewChannel.js");
    // 2 x 2 x 3 volume, value = x + 10 z; xz plane at y = 1: rows z, columns x
    const data = new Float32Array(12).map((_, i) => (i % 3) + 10 * Math.floor(i / 6));
    const png = decode(slicePng({ data, shape: [2, 2, 3], spacing: [1, 1, 1] }, "xz", 1, [0, 12]));
    expect([png.width, png.height, png.channels]).toEqual([3, 2, 1]);
    expect(Array.from(png.data)).toEqual([0, 21, 43, 213, 234, 255]);
    // downsampled to at most 256 px on the longest side
    const big = {
      data: new Uint8Array(1 * 600 * 300),
      shape: [1, 600, 300] as [number, number, number],
      spacing: [1, 1, 1] as [number, number, number],
    };
    const small = decode(slicePng(big, "xy", 0, [0, 1]));
    expect([small.width, small.height]).toEqual([128, 256]);
  });
});
