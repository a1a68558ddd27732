// Drawing a plane's image with its zoom, pan and scale bar, on screen and into a PNG at a chosen
// scale (the viewer's "export PNG": the view as shown, overlays included, pixels kept sharp).
import { formatLength, scaleBar } from "./render.js";
import type { ViewPlane } from "./viewerTypes.js";

/** Where the plane's image sits on a canvas. */
export interface ViewGeometry {
  /** Canvas size (canvas pixels). */
  width: number;
  height: number;
  /** Canvas position of the image's top-left corner. */
  offset: [number, number];
  /** Canvas pixels per image pixel along u. */
  scale: number;
  /** Physical pixel height / width (v stretch for anisotropic voxels). */
  aspect: number;
}

/** Text drawn over the image. */
export interface ViewDecor {
  /** Physical size of an image pixel along u (in `unit`). */
  pixelSize: number;
  unit: string;
  /** Channel name shown in the corner (side-by-side channels). */
  name?: string;
}

/** Scale factors the export offers. */
export const EXPORT_SCALES = [1, 2, 3, 4];

/**
 * Draws the image (nearest neighbour) as `g` places it, and the scale bar, into `ctx` (on top of
 * its current transform), with every length multiplied by `factor` (factor 2 = the same view at
 * twice the resolution). @returns the scale bar's label, e.g. "50 nm".
 */
export function drawView(
  ctx: CanvasRenderingContext2D,
  image: CanvasImageSource & { width: number; height: number },
  g: ViewGeometry,
  d: ViewDecor,
  factor = 1,
): string {
  ctx.save();
  ctx.scale(factor, factor);
  ctx.fillStyle = "#202020";
  ctx.fillRect(0, 0, g.width, g.height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(
    image,
    g.offset[0],
    g.offset[1],
    image.width * g.scale,
    image.height * g.aspect * g.scale,
  );
  const bar = scaleBar(d.pixelSize / g.scale, 100);
  const x0 = 12;
  const y0 = g.height - 14;
  ctx.fillStyle = "rgba(0,0,0,0.5)";
  ctx.fillRect(x0 - 6, y0 - 18, bar.pixels + 12, 26);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(x0, y0, bar.pixels, 4);
  ctx.font = "11px sans-serif";
  const text = formatLength(bar.length, d.unit);
  ctx.fillText(text, x0, y0 - 5);
  if (d.name) ctx.fillText(d.name, 8, 14);
  ctx.restore();
  return text;
}

/** One canvas of the view (one per channel side by side). */
export interface ExportPanel {
  image: CanvasImageSource & { width: number; height: number };
  geometry: ViewGeometry;
  decor: ViewDecor;
}

/** Size of the exported image: the panels side by side with `gap` pixels between, x factor. */
export function exportSize(
  panels: readonly { geometry: ViewGeometry }[],
  factor: number,
  gap = 4,
): [number, number] {
  if (!Number.isInteger(factor) || factor < 1 || factor > 8)
    throw new RangeError(`export scale must be an integer in [1, 8], received ${factor}`);
  const width = panels.reduce((w, p) => w + p.geometry.width, 0) + gap * (panels.length - 1);
  const height = Math.max(...panels.map((p) => p.geometry.height));
  return [Math.round(width * factor), Math.round(height * factor)];
}

/** The view drawn into a new canvas of {@link exportSize}. */
export function exportCanvas(
  panels: readonly ExportPanel[],
  factor: number,
  gap = 4,
): HTMLCanvasElement {
  const [w, h] = exportSize(panels, factor, gap);
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("this browser cannot draw on a canvas");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, w, h);
  let x = 0;
  for (const p of panels) {
    ctx.save();
    ctx.translate(x * factor, 0);
    drawView(ctx, p.image, p.geometry, p.decor, factor);
    ctx.restore();
    x += p.geometry.width + gap;
  }
  return canvas;
}

/** "<title>-xy-z12-2x.png" (title sanitised; "view" without one). */
export function exportFileName(
  title: string | undefined,
  plane: ViewPlane,
  slice: number,
  factor: number,
): string {
  const base =
    (title ?? "")
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^[-.]+|[-.]+$/g, "")
      .slice(0, 80) || "view";
  const axis = plane === "xy" ? "z" : plane === "xz" ? "y" : "x";
  return `${base}-${plane}-${axis}${slice}-${factor}x.png`;
}

/** Saves a canvas as a PNG download named `fileName`. */
export async function downloadCanvas(canvas: HTMLCanvasElement, fileName: string): Promise<void> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw new Error("the browser could not encode the PNG");
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
