import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { checkInteger, checkNumber, expectedError } from "../util/checks.js";
import { CHROMIUM_FLAGS, findChromium } from "./chromium.js";
import type { Figure } from "./types.js";

/** Output formats, chosen by file extension. */
export type ExportFormat = "png" | "svg" | "pdf";

export interface ExportOptions {
  /** Width in CSS pixels. @default the figure's layout.width, else 700 */
  width?: number;
  /** Height in CSS pixels. @default the figure's layout.height, else 500 */
  height?: number;
  /** Pixel density for PNG (a 700 px wide figure at scale 3 is 2100 px wide); ignored for SVG/PDF. @default 1 */
  scale?: number;
}

export interface ExportItem extends ExportOptions {
  figure: Figure;
  /** Output file; the extension (.png, .svg, .pdf) picks the format. */
  path: string;
}

export interface ExportBatchOptions {
  /** Chromium executable. @default found by {@link findChromium} */
  chromium?: string;
  /** Time limit per figure in milliseconds. @default 60000 */
  timeout?: number;
}

/** What was written. */
export interface ExportResult {
  path: string;
  format: ExportFormat;
  bytes: number;
  /** Size in output pixels (PNG) or CSS pixels (SVG, PDF). */
  width: number;
  height: number;
}

const DEFAULT_WIDTH = 700;
const DEFAULT_HEIGHT = 500;

let plotlySource: Promise<string> | undefined;

/** The plotly.js bundle (plotly.js-dist-min), read once. */
function loadPlotly(): Promise<string> {
  plotlySource ??= readFile(createRequire(import.meta.url).resolve("plotly.js-dist-min"), "utf8");
  return plotlySource;
}

/** The format implied by a file name, or a RangeError. */
export function formatOf(file: string): ExportFormat {
  const ext = path.extname(file).toLowerCase().slice(1);
  if (ext === "png" || ext === "svg" || ext === "pdf") return ext;
  throw new RangeError(
    `figure file "${file}" must end in .png, .svg or .pdf, received extension "${ext || "(none)"}"`,
  );
}

/** Resolved pixel size of a figure export: options, else the layout, else 700 x 500. */
export function exportSize(
  figure: Figure,
  options: ExportOptions = {},
): { width: number; height: number; scale: number } {
  const width = options.width ?? (figure.layout?.width as number | undefined) ?? DEFAULT_WIDTH;
  const height = options.height ?? (figure.layout?.height as number | undefined) ?? DEFAULT_HEIGHT;
  const scale = options.scale ?? 1;
  return {
    width: checkInteger(width, "width", 10, 20000),
    height: checkInteger(height, "height", 10, 20000),
    scale: checkNumber(scale, "scale", { min: 0, minOpen: true, max: 10 }),
  };
}

function checkFigure(figure: unknown, name: string): asserts figure is Figure {
  const f = figure as Figure;
  if (
    typeof f !== "object" ||
    f === null ||
    !Array.isArray(f.data) ||
    typeof (f.layout ?? {}) !== "object"
  ) {
    throw expectedError(name, "a figure { data: [...], layout: {...} }", figure, TypeError);
  }
}

/** Width and height stored in a PNG's IHDR chunk. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || !sig.every((b, i) => bytes[i] === b))
    throw new Error("not a PNG file (bad signature)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** The part of plotly's browser API the renderer calls. */
interface PlotlyApi {
  purge(gd: unknown): void;
  newPlot(gd: unknown, data: unknown[], layout: object, config: object): Promise<unknown>;
  toImage(gd: unknown, options: object): Promise<string>;
}

const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0;background:white"><div id="gd"></div></body></html>';

/**
 * A headless Chromium page with plotly loaded, rendering figures one after another. Used by
 * {@link exportFigures} (one per batch) and by the notebook's static fallback images.
 */
export class FigureRenderer {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    private readonly timeout: number,
  ) {}

  /** Launch Chromium (found by {@link findChromium} unless given) and load plotly. */
  static async open(options: ExportBatchOptions = {}): Promise<FigureRenderer> {
    const executablePath = options.chromium ?? findChromium();
    const timeout = options.timeout ?? 60_000;
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_FLAGS],
      timeout,
    });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.setContent(PAGE);
      await page.addScriptTag({ content: await loadPlotly() });
      return new FigureRenderer(browser, page, timeout);
    } catch (err) {
      await browser.close().catch(() => undefined);
      throw err;
    }
  }

  /** Render a figure to PNG bytes, SVG text (as UTF-8 bytes) or PDF bytes. */
  async render(figure: Figure, format: ExportFormat, options: ExportOptions = {}): Promise<Buffer> {
    checkFigure(figure, "figure");
    const { width, height, scale } = exportSize(figure, options);
    const imageFormat = format === "png" ? "png" : "svg";
    const url = await withTimeout(
      this.page.evaluate(
        async ({ figure, width, height, scale, imageFormat }) => {
          // Runs in the page: plotly's global and the DOM are not typed in this Node project.
          const P = (globalThis as unknown as { Plotly: PlotlyApi }).Plotly;
          const gd = (
            globalThis as unknown as { document: { getElementById(id: string): unknown } }
          ).document.getElementById("gd");
          P.purge(gd);
          const layout = { ...figure.layout, width, height };
          await P.newPlot(gd, figure.data, layout, { staticPlot: true, displayModeBar: false });
          return (await P.toImage(gd, { format: imageFormat, width, height, scale })) as string;
        },
        {
          figure: figure as unknown as { data: unknown[]; layout: Record<string, unknown> },
          width,
          height,
          scale,
          imageFormat,
        },
      ),
      this.timeout,
      "rendering a figure",
    );
    const comma = url.indexOf(",");
    const header = url.slice(0, comma);
    const body = url.slice(comma + 1);
    const bytes = header.endsWith(";base64")
      ? Buffer.from(body, "base64")
      : Buffer.from(decodeURIComponent(body), "utf8");
    if (format !== "pdf") return bytes;
    const pdfPage = await this.page.context().newPage();
    try {
      const svg = bytes.toString("utf8");
      await pdfPage.setContent(
        `<!doctype html><html><head><meta charset="utf-8"><style>@page{margin:0}html,body{margin:0;padding:0}svg{display:block}</style></head><body>${svg}</body></html>`,
      );
      return await withTimeout(
        pdfPage.pdf({
          width: `${width}px`,
          height: `${height}px`,
          printBackground: true,
          pageRanges: "1",
        }),
        this.timeout,
        "printing a figure to PDF",
      );
    } finally {
      await pdfPage.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** Check rendered bytes against the requested format and size; throws when they disagree. */
export function checkRendered(
  bytes: Uint8Array,
  format: ExportFormat,
  width: number,
  height: number,
  scale: number,
): void {
  if (format === "png") {
    const size = pngSize(bytes);
    const w = Math.round(width * scale);
    const h = Math.round(height * scale);
    if (size.width !== w || size.height !== h) {
      throw new Error(`rendered PNG is ${size.width}x${size.height} px, expected ${w}x${h}`);
    }
  } else if (format === "svg") {
    const head = Buffer.from(bytes.subarray(0, 200)).toString("utf8").trimStart();
    if (!head.startsWith("<svg"))
      throw new Error(
        `rendered SVG does not start with <svg: ${JSON.stringify(head.slice(0, 40))}`,
      );
  } else if (Buffer.from(bytes.subarray(0, 5)).toString("latin1") !== "%PDF-") {
    throw new Error("rendered PDF does not start with %PDF-");
  }
}

/** Write a file through a temporary name and a rename, creating parent folders. */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * Export several figures with one browser (launched once, closed at the end even on error).
 * The format of each file is given by its extension: .png (raster at `scale`), .svg, .pdf
 * (vector, page sized to the figure).
 *
 * @param items - `{ figure, path, width?, height?, scale? }` per file.
 * @param options - Chromium executable, time limit per figure.
 * @returns One result per item (path, format, bytes, pixel size).
 */
export async function exportFigures(
  items: readonly ExportItem[],
  options: ExportBatchOptions = {},
): Promise<ExportResult[]> {
  if (!Array.isArray(items))
    throw expectedError("items", "an array of { figure, path }", items, TypeError);
  const planned = items.map((item, i) => {
    checkFigure(item?.figure, `items[${i}].figure`);
    if (typeof item.path !== "string" || item.path === "")
      throw expectedError(`items[${i}].path`, "a file name", item.path, TypeError);
    return { item, format: formatOf(item.path), size: exportSize(item.figure, item) };
  });
  if (planned.length === 0) return [];
  const renderer = await FigureRenderer.open(options);
  const results: ExportResult[] = [];
  try {
    for (const { item, format, size } of planned) {
      const bytes = await renderer.render(item.figure, format, size);
      checkRendered(bytes, format, size.width, size.height, size.scale);
      await writeFileAtomic(item.path, bytes);
      const f = format === "png" ? size.scale : 1;
      results.push({
        path: item.path,
        format,
        bytes: bytes.length,
        width: Math.round(size.width * f),
        height: Math.round(size.height * f),
      });
    }
  } finally {
    await renderer.close().catch(() => undefined);
  }
  return results;
}

/**
 * Export one figure to PNG, SVG or PDF (by the file's extension) through headless Chromium.
 *
 * @param figure - A figure from one of the builders (or any plotly `{ data, layout }`).
 * @param file - Output path; parent folders are created, the file is replaced atomically.
 * @param options - Size in CSS pixels and PNG scale.
 */
export async function exportFigure(
  figure: Figure,
  file: string,
  options: ExportOptions & ExportBatchOptions = {},
): Promise<ExportResult> {
  const { chromium, timeout, ...size } = options;
  const [result] = await exportFigures([{ figure, path: file, ...size }], { chromium, timeout });
  return result;
}
