import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { barFigure } from "../../kernel-lib/src/plot/bar.js";
import { locateChromium } from "../../kernel-lib/src/plot/chromium.js";
import {
  exportFigure,
  exportFigures,
  exportSize,
  formatOf,
  pngSize,
} from "../../kernel-lib/src/plot/export.js";
import { imageFigure } from "../../kernel-lib/src/plot/image.js";

const chromium = locateChromium();
if (!chromium)
  console.warn(
    "[test/plot/export] skipped: no Chromium found (install chromium or set TOMOLAB_CHROMIUM)",
  );

describe("formatOf", () => {
  it("takes the format from the extension", () => {
    expect(formatOf("a/b.PNG")).toBe("png");
    expect(formatOf("x.svg")).toBe("svg");
    expect(formatOf("x.pdf")).toBe("pdf");
    expect(() => formatOf("x.jpg")).toThrow(/\.png, \.svg or \.pdf/);
  });
});

describe("exportSize", () => {
  const fig = { data: [], layout: { width: 640 } };
  it("takes options, else the layout, else 700 x 500, and checks them", () => {
    expect(exportSize(fig)).toEqual({ width: 640, height: 500, scale: 1 });
    expect(exportSize(fig, { width: 20000, height: 10, scale: 10 })).toEqual({
      width: 20000,
      height: 10,
      scale: 10,
    });
    expect(() => exportSize(fig, { width: 9 })).toThrow(
      "`width` must be an integer in [10, 20000], received 9",
    );
    expect(() => exportSize(fig, { height: 100.5 })).toThrow(
      "`height` must be an integer in [10, 20000], received 100.5",
    );
    expect(() => exportSize(fig, { scale: 0 })).toThrow(
      "`scale` must be a number in (0, 10], received 0",
    );
  });
  it("refuses what is not a list of { figure, path }", async () => {
    await expect(exportFigures({} as never)).rejects.toThrow(
      "`items` must be an array of { figure, path }, received {}",
    );
    await expect(exportFigures([{ figure: null as never, path: "a.png" }])).rejects.toThrow(
      "`items[0].figure` must be a figure { data: [...], layout: {...} }, received null",
    );
    await expect(exportFigures([{ figure: fig, path: "" }])).rejects.toThrow(
      '`items[0].path` must be a file name, received ""',
    );
  });
});

describe.skipIf(!chromium)("exportFigure / exportFigures (headless Chromium)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-export-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const fig = barFigure(
    ["otsu", "forest", "u-net"],
    [{ name: "error", values: [0.12, 0.05, 0.04] }],
    {
      title: "Error per method",
      yTitle: "Weighted error",
    },
  );

  it("writes a PNG of width*scale x height*scale pixels, creating folders", async () => {
    const file = path.join(dir, "nested", "deeper", "bars.png");
    const res = await exportFigure(fig, file, { width: 320, height: 240, scale: 2 });
    const bytes = await readFile(file);
    expect(pngSize(bytes)).toEqual({ width: 640, height: 480 });
    expect(res).toMatchObject({ format: "png", width: 640, height: 480, bytes: bytes.length });
  });

  it("writes SVG and PDF, and a batch with one browser", async () => {
    const img = {
      data: Float32Array.from({ length: 40 * 60 }, (_, i) => (i % 60) + Math.floor(i / 60)),
      shape: [1, 40, 60] as [number, number, number],
      spacing: [1, 5, 5] as [number, number, number],
    };
    const t0 = performance.now();
    const res = await exportFigures([
      { figure: fig, path: path.join(dir, "bars.svg"), width: 400, height: 300 },
      {
        figure: imageFigure(img, { title: "ramp" }),
        path: path.join(dir, "image.pdf"),
        width: 400,
        height: 300,
      },
      { figure: imageFigure(img), path: path.join(dir, "image.png") },
    ]);
    console.log(`[test/plot/export] 3 figures in ${(performance.now() - t0).toFixed(0)} ms`);
    const svg = await readFile(path.join(dir, "bars.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("Error per method");
    const pdf = await readFile(path.join(dir, "image.pdf"));
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    // One page, sized 400x300 CSS px = 300x225 pt.
    const text = pdf.toString("latin1");
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(text);
    expect(box).not.toBeNull();
    expect(Number(box![1])).toBeCloseTo(300, 0);
    expect(Number(box![2])).toBeCloseTo(225, 0);
    expect(text).toMatch(/\/Count 1\b/);
    expect(pngSize(await readFile(path.join(dir, "image.png")))).toEqual({
      width: 700,
      height: 500,
    });
    expect(res.map((r) => r.format)).toEqual(["svg", "pdf", "png"]);
  });
});
