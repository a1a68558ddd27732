// view(): the unit of the viewer's readout / scale bar ("pixel" without calibration), and the
// class payload (painter classes, label overlay classes for the legend), checked at the boundary.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DisplayContent } from "../../kernel-lib/src/display/kernel.js";
import { view, VOLUME_MIME } from "../../kernel-lib/src/display/view.js";
import { viewUnit } from "../../kernel-lib/src/display/viewChecks.js";
import type { VolumePayload } from "../../kernel-lib/src/display/viewerTypes.js";
import { readTiff } from "../../kernel-lib/src/io/readTiff.js";
import { writeTiff } from "../../kernel-lib/src/io/writeTiff.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

const vol = (spacing: [number, number, number], unit?: string): Volume => ({
  data: new Uint8Array(2 * 3 * 4),
  shape: [2, 3, 4],
  spacing,
  ...(unit ? { unit } : {}),
});

describe("view unit", () => {
  let dir: string;
  let sent: DisplayContent[];
  const writer = (c: DisplayContent) => void sent.push(c);
  const payloadOf = (v: Volume, options = {}) => {
    sent = [];
    view(v, { writer, baseDir: dir, labels: false, fallbackImage: false, ...options });
    return sent[0].data[VOLUME_MIME] as VolumePayload;
  };
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-viewunit-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("says pixel for a volume without calibration, nm for a physical spacing", () => {
    expect(payloadOf(vol([1, 1, 1])).unit).toBe("pixel");
    expect(payloadOf(vol([10, 5, 5])).unit).toBe("nm");
    expect(payloadOf(vol([1, 1, 1]), { unit: "nm" }).unit).toBe("nm"); // explicit wins
    expect(payloadOf(vol([1, 1, 1], "nm")).unit).toBe("nm"); // the reader's unit wins
    expect(payloadOf(vol([2, 2, 2], "pixel")).unit).toBe("pixel");
    expect(sent[0].data["text/plain"]).toMatch(/spacing 2 x 2 x 2 pixel/);
    expect(() => viewUnit(vol([1, 1, 1]), "  ")).toThrow(/`unit` must be a non-empty string/);
  });

  it("readTiff'd volumes keep their calibration: nm (even at 1 nm), pixel without", async () => {
    const calibrated = path.join(dir, "calibrated.tif");
    const plain = path.join(dir, "plain.tif");
    await writeTiff(calibrated, vol([1, 1, 1]), { unit: "nm" });
    await writeTiff(plain, vol([1, 1, 1]), { unit: "pixel" });
    const a = await readTiff(calibrated);
    const b = await readTiff(plain);
    expect(a.unit).toBe("nm");
    expect(b.unit).toBe("pixel");
    expect(payloadOf(a).unit).toBe("nm");
    expect(payloadOf(b).unit).toBe("pixel");
  });
});

describe("view classes", () => {
  let dir: string;
  let sent: DisplayContent[];
  const writer = (c: DisplayContent) => void sent.push(c);
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-viewclasses-"));
    sent = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const labels = (): Volume => ({ ...vol([10, 5, 5]), data: new Uint8Array(24).fill(2) });

  it("sends names and colours of label overlays for the legend", () => {
    const own = [
      { id: 1, name: "pore", color: "#000000" },
      { id: 2, name: "particle", color: "#ff00ff" },
    ];
    view(vol([10, 5, 5]), {
      writer,
      baseDir: dir,
      labels: false,
      fallbackImage: false,
      classes: [{ id: 1, name: "void", color: "#3b82f6" }],
      overlays: [
        { kind: "labels", name: "mine", volume: labels(), classes: own },
        { kind: "labels", name: "default", volume: labels() },
        {
          kind: "probability",
          name: "p",
          volume: { ...vol([10, 5, 5]), data: new Float32Array(24) },
        },
      ],
    });
    const p = sent[0].data[VOLUME_MIME] as VolumePayload;
    expect(p.overlays[0].classes).toEqual(own);
    expect(p.overlays[1].classes).toEqual([{ id: 1, name: "void", color: "#3b82f6" }]);
    expect(p.overlays[2].classes).toBeUndefined();
  });

  it("rejects unusable classes with the field named", () => {
    const bad = (classes: unknown, where = "classes") =>
      expect(() =>
        view(vol([10, 5, 5]), { writer, baseDir: dir, classes: classes as never }),
      ).toThrow(new RegExp(where.replace(/[[\]]/g, "\\$&")));
    bad(
      [{ id: 0, name: "a", color: "#000000" }],
      "`classes[0].id` must be an integer in [1, 255], received 0",
    );
    bad(
      [{ id: 1, name: "a", color: "red" }],
      '`classes[0].color` must be "#rrggbb", received "red"',
    );
    bad(
      [
        { id: 1, name: "a", color: "#000000" },
        { id: 1, name: "b", color: "#000000" },
      ],
      "`classes[1].id` 1 is listed twice",
    );
    bad([], "`classes` must be a non-empty array");
    expect(() =>
      view(vol([10, 5, 5]), {
        writer,
        baseDir: dir,
        overlays: [
          { kind: "labels", volume: labels(), classes: [{ id: 1, name: "", color: "#000000" }] },
        ],
      }),
    ).toThrow('`overlays[0].classes[0].name` must be a non-empty string, received ""');
  });
});
