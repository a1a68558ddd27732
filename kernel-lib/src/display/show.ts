import path from "node:path";
import { imageFigure, type ImageFigureOptions } from "../plot/image.js";
import { checkOneOf, checkPositive, checkString, expectedError } from "../util/checks.js";
import type { Figure } from "../plot/types.js";
import type { Plane, Volume } from "../volume/types.js";
import { displayWriter, sendDisplay } from "./kernel.js";
import { reproduceDir, writeFileAtomicSync } from "./reproduce.js";
import { renderStaticSync } from "./staticImage.js";

/** The MIME type JupyterLab's plotly renderers (and the tomolab extension) draw. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export interface ShowOptions {
  /**
   * Name of the figure in reproduce runs: `$TOMOLAB_REPRODUCE_DIR/figures/<id>.json`.
   * Lower-cased, characters outside [a-z0-9._-] become "-". @default "figure-<n>" (n counts show() calls)
   */
  id?: string;
  /** Width in CSS pixels for the notebook, the static image and the exported file. @default layout.width, else 700 */
  width?: number;
  /** Height in CSS pixels. @default layout.height, else 500 */
  height?: number;
  /**
   * Static copy put in the same output for viewers without a plotly renderer (GitHub,
   * nbviewer, plain JupyterLab): "png" or "svg" rendered by headless Chromium, or "none"
   * (an HTML note). "auto" = "png" when a Chromium is found and `TOMOLAB_STATIC_FIGURES`
   * is not "0". @default "auto"
   */
  fallback?: "auto" | "png" | "svg" | "none";
}

let counter = 0;

/** Figure id as used in file names: lower case, [a-z0-9._-] only, no leading dot. */
export function sanitizeId(id: string): string {
  const clean = checkString(id, "id")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[.-]+/, "")
    .replace(/-+$/, "");
  if (!clean)
    throw new RangeError(
      `figure id ${JSON.stringify(id)} has no usable characters (allowed: a-z 0-9 . _ -)`,
    );
  return clean;
}

function checkFigure(fig: unknown): asserts fig is Figure {
  if (typeof fig !== "object" || fig === null || !Array.isArray((fig as Figure).data))
    throw expectedError("fig", "a figure { data: [...], layout: {...} }", fig, TypeError);
}

function titleOf(fig: Figure): string | undefined {
  const t = fig.layout?.title as { text?: string } | string | undefined;
  const text = typeof t === "string" ? t : t?.text;
  return (
    text
      ?.replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ")
      .trim() || undefined
  );
}

function summary(fig: Figure, id: string): string {
  const types = [...new Set(fig.data.map((t) => t.type ?? "scatter"))].join(", ");
  const title = titleOf(fig);
  return `Figure ${id}${title ? ` "${title}"` : ""}: ${fig.data.length} trace${fig.data.length === 1 ? "" : "s"} (${types || "none"})`;
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

function staticFormat(option: ShowOptions["fallback"]): "png" | "svg" | undefined {
  const mode = checkOneOf(option ?? "auto", "fallback", ["auto", "png", "svg", "none"]);
  if (mode === "none") return undefined;
  if (mode === "png" || mode === "svg") return mode;
  return process.env.TOMOLAB_STATIC_FIGURES === "0" ? undefined : "png";
}

/**
 * Display a figure in the notebook: one output holding the interactive plotly JSON
 * (`application/vnd.plotly.v1+json`) plus a static copy (PNG by default, rendered by headless
 * Chromium; an HTML note when no browser is available) so the notebook still shows the
 * figure where no plotly renderer exists. In reproduce runs (`TOMOLAB_REPRODUCE_DIR` set) the
 * figure is also saved as `figures/<id>.json` for export. Outside a kernel it prints one line.
 *
 * @param fig - A figure from a builder (or any plotly `{ data, layout }`).
 * @param options - Id for reproduce runs, size, static fallback.
 */
export function show(fig: Figure, options: ShowOptions = {}): void {
  checkFigure(fig);
  counter++;
  const id = sanitizeId(options.id ?? `figure-${counter}`);
  if (options.width !== undefined) checkPositive(options.width, "width");
  if (options.height !== undefined) checkPositive(options.height, "height");
  const width = options.width ?? (fig.layout?.width as number | undefined) ?? 700;
  const height = options.height ?? (fig.layout?.height as number | undefined) ?? 500;
  const format = staticFormat(options.fallback);
  const dir = reproduceDir();
  let saved: string | undefined;
  if (dir) {
    saved = path.join(dir, "figures", `${id}.json`);
    writeFileAtomicSync(
      saved,
      JSON.stringify({ id, figure: { data: fig.data, layout: fig.layout ?? {} }, width, height }),
    );
  }
  const text = summary(fig, id);
  const writer = displayWriter();
  if (!writer) {
    console.log(
      `[tomolab] ${text}; not in a Jupyter kernel, nothing displayed${saved ? ` (saved ${saved})` : ""}`,
    );
    return;
  }
  const layout = { ...(fig.layout ?? {}) };
  if (options.width !== undefined) layout.width = options.width;
  if (options.height !== undefined) layout.height = options.height;
  const bundle: Record<string, unknown> = {
    [PLOTLY_MIME]: { data: fig.data, layout },
    "text/plain": text,
  };
  const metadata: Record<string, unknown> = {};
  let note = "static copy not rendered (fallback: none)";
  if (format) {
    const res = renderStaticSync({ data: fig.data, layout }, format, { width, height, scale: 1 });
    if ("bytes" in res) {
      if (format === "png") {
        bundle["image/png"] = Buffer.from(res.bytes).toString("base64");
        metadata["image/png"] = { width, height };
      } else {
        bundle["image/svg+xml"] = Buffer.from(res.bytes).toString("utf8");
      }
    } else {
      note = `static copy not rendered: ${res.error}`;
    }
  }
  if (!bundle["image/png"] && !bundle["image/svg+xml"]) {
    bundle["text/html"] =
      `<div style="font-family:sans-serif;font-size:13px;color:#444;border:1px solid #ddd;padding:6px 10px;display:inline-block">` +
      `${escapeHtml(text)}<br><span style="color:#888">interactive plotly figure: open in JupyterLab with the tomolab extension; ${escapeHtml(note)}</span></div>`;
  }
  sendDisplay(bundle, { metadata, writer });
}

/**
 * Show one plane of a volume (optionally with a label overlay): `show(imageFigure(...))`.
 * @param volume - Image or volume.
 * @param plane - "xy", "xz" or "yz". @default "xy"
 * @param index - Slice index along the fixed axis. @default middle
 */
export function showImage(
  volume: Volume,
  plane?: Plane,
  index?: number,
  options: ImageFigureOptions & ShowOptions = {},
): void {
  const { id, fallback, ...figureOptions } = options;
  show(
    imageFigure(volume, {
      ...figureOptions,
      plane: plane ?? options.plane,
      index: index ?? options.index,
    }),
    {
      id,
      fallback,
      width: options.width,
      height: options.height,
    },
  );
}

/** Display an HTML snippet (outside a kernel: a one-line note). */
export function displayHtml(html: string): void {
  checkString(html, "html");
  const plain = html
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!sendDisplay({ "text/html": html, "text/plain": plain })) {
    console.log(
      `[tomolab] HTML output: ${plain.length > 200 ? plain.slice(0, 200) + "..." : plain}`,
    );
  }
}

/** Display plain text as its own output (outside a kernel: printed). */
export function displayText(text: string): void {
  checkString(text, "text");
  if (!sendDisplay({ "text/plain": text })) console.log(text);
}
