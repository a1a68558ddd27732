/* eslint-disable @typescript-eslint/no-explicit-any -- plotly figure JSON is untyped; tests read nested fields */
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setDisplayWriter, type DisplayContent } from "../../kernel-lib/src/display/kernel.js";
import {
  displayHtml,
  displayText,
  PLOTLY_MIME,
  sanitizeId,
  show,
  showImage,
} from "../../kernel-lib/src/display/show.js";
import { closeStaticRenderer } from "../../kernel-lib/src/display/staticImage.js";
import { pngSize } from "../../kernel-lib/src/plot/export.js";
import { lineFigure } from "../../kernel-lib/src/plot/line.js";
import { locateChromium } from "../../kernel-lib/src/plot/chromium.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

const fig = lineFigure(
  { name: "profile", x: [0, 1, 2], y: [0.3, 0.4, 0.35] },
  { title: "Porosity <b>profile</b>" },
);
const chromium = locateChromium();

describe("show", () => {
  let dir: string;
  const saved = process.env.TOMOLAB_REPRODUCE_DIR;
  let sent: { content: DisplayContent; update: boolean }[];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-show-"));
    sent = [];
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.TOMOLAB_REPRODUCE_DIR;
    else process.env.TOMOLAB_REPRODUCE_DIR = saved;
    setDisplayWriter(undefined);
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it("outside a kernel prints one line and does not throw", () => {
    setDisplayWriter(null);
    delete process.env.TOMOLAB_REPRODUCE_DIR;
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    show(fig, { id: "x" });
    displayHtml("<b>hi</b> there");
    displayText("plain");
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      '[tomolab] Figure x "Porosity profile": 1 trace (scatter); not in a Jupyter kernel, nothing displayed',
      "[tomolab] HTML output: hi there",
      "plain",
    ]);
  });

  it("writes figures/<id>.json under TOMOLAB_REPRODUCE_DIR, with sanitised and automatic ids", async () => {
    setDisplayWriter(null);
    process.env.TOMOLAB_REPRODUCE_DIR = dir;
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    show(fig, { id: "Fig 3/Porosity", width: 640, height: 400 });
    show(fig);
    const files = (await readdir(path.join(dir, "figures"))).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain("fig-3-porosity.json");
    const auto = files.find((f) => f.startsWith("figure-"))!;
    expect(auto).toMatch(/^figure-\d+\.json$/);
    const saved1 = JSON.parse(
      await readFile(path.join(dir, "figures", "fig-3-porosity.json"), "utf8"),
    );
    expect(saved1).toEqual({
      id: "fig-3-porosity",
      figure: JSON.parse(JSON.stringify(fig)),
      width: 640,
      height: 400,
    });
    const saved2 = JSON.parse(await readFile(path.join(dir, "figures", auto), "utf8"));
    expect([saved2.width, saved2.height]).toEqual([700, 500]);
  });

  it("sanitises ids", () => {
    expect(sanitizeId("Fig.2 (a)")).toBe("fig.2-a");
    expect(sanitizeId("..hidden")).toBe("hidden");
    expect(() => sanitizeId("///")).toThrow(/no usable characters/);
    expect(() => sanitizeId(7 as never)).toThrow(
      new TypeError("`id` must be a string, received 7"),
    );
  });

  it("names a bad figure or option", () => {
    expect(() => show({ layout: {} } as never)).toThrow(
      new TypeError(
        '`fig` must be a figure { data: [...], layout: {...} }, received {"layout":{}}',
      ),
    );
    expect(() => show(fig, { fallback: "pdf" as never, id: "bad" })).toThrow(
      '`fallback` must be one of "auto", "png", "svg", "none", received "pdf"',
    );
    expect(() => show(fig, { width: 0, id: "bad" })).toThrow(
      "`width` must be a finite number > 0, received 0",
    );
    expect(() => displayHtml(3 as never)).toThrow(
      new TypeError("`html` must be a string, received 3"),
    );
    expect(() => displayText(undefined as never)).toThrow(TypeError);
  });

  it("in a kernel sends ONE output with the plotly JSON, text and an HTML note (fallback none)", () => {
    setDisplayWriter((content, update) => sent.push({ content, update }));
    show(fig, { fallback: "none", id: "p" });
    expect(sent).toHaveLength(1);
    const { data } = sent[0].content;
    expect(Object.keys(data).sort()).toEqual([PLOTLY_MIME, "text/html", "text/plain"].sort());
    expect(data[PLOTLY_MIME]).toEqual({ data: fig.data, layout: fig.layout });
    expect(data["text/plain"]).toBe('Figure p "Porosity profile": 1 trace (scatter)');
    expect(sent[0].update).toBe(false);
  });

  it("showImage shows an image figure of the requested plane", () => {
    setDisplayWriter((content, update) => sent.push({ content, update }));
    const vol: Volume = { data: new Uint8Array(2 * 3 * 4), shape: [2, 3, 4], spacing: [7, 2, 1] };
    showImage(vol, "xz", 1, { fallback: "none", title: "xz" });
    const plotly = sent[0].content.data[PLOTLY_MIME] as {
      data: { type: string; z: { shape: string } }[];
      layout: any;
    };
    expect(plotly.data[0].type).toBe("heatmap");
    expect(plotly.data[0].z.shape).toBe("2,4"); // rows are z
    expect(plotly.layout.yaxis.range).toEqual([14, 0]);
    expect(plotly.layout.yaxis.title.text).toBe("z (nm)");
  });

  it.skipIf(!chromium)("renders a PNG fallback synchronously into the same output", async () => {
    setDisplayWriter((content, update) => sent.push({ content, update }));
    try {
      show(fig, { fallback: "png", width: 320, height: 200 });
      show(fig, { fallback: "svg", width: 320, height: 200 });
    } finally {
      await closeStaticRenderer();
    }
    expect(sent).toHaveLength(2);
    const [png, svg] = sent.map((s) => s.content);
    expect(png.data["text/html"]).toBeUndefined();
    expect(pngSize(Buffer.from(png.data["image/png"] as string, "base64"))).toEqual({
      width: 320,
      height: 200,
    });
    expect(png.metadata["image/png"]).toEqual({ width: 320, height: 200 });
    expect(png.data[PLOTLY_MIME]).toBeDefined();
    expect((svg.data["image/svg+xml"] as string).startsWith("<svg")).toBe(true);
  });
});
