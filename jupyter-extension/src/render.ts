// Pixel colouring of one plane: contrast window, channel tint, overlays, threshold preview,
// painted labels. Works on RGBA byte arrays (ImageData.data); no DOM here.
import type { Voxels } from "./volumeData.js";

export type RGB = [number, number, number];

/** "#rrggbb" (or "#rgb") -> [r, g, b]; grey for anything else. */
export function parseColor(css: string | undefined): RGB {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(css ?? "");
  if (!m) return [200, 200, 200];
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

/**
 * Grey values through the window [lo, hi] into RGBA. With `tint`, the channel is multiplied
 * by the colour and, when `add` is true, added to what `out` holds (channel blending).
 */
export function windowToRgba(
  values: Voxels,
  lo: number,
  hi: number,
  out: Uint8ClampedArray,
  tint?: RGB,
  add = false,
): void {
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const [tr, tg, tb] = tint ?? [255, 255, 255];
  for (let i = 0, j = 0; i < values.length; i++, j += 4) {
    let g = (values[i] - lo) * scale;
    g = g < 0 ? 0 : g > 255 ? 255 : g;
    if (add) {
      out[j] += (g * tr) / 255;
      out[j + 1] += (g * tg) / 255;
      out[j + 2] += (g * tb) / 255;
    } else {
      out[j] = (g * tr) / 255;
      out[j + 1] = (g * tg) / 255;
      out[j + 2] = (g * tb) / 255;
    }
    out[j + 3] = 255;
  }
}

/** Blend class colours over `out` where `labels` != 0 (colour per id from `palette`). */
export function blendLabels(
  labels: ArrayLike<number>,
  palette: Map<number, RGB>,
  opacity: number,
  out: Uint8ClampedArray,
): void {
  const a = Math.max(0, Math.min(1, opacity));
  for (let i = 0, j = 0; i < labels.length; i++, j += 4) {
    const l = labels[i];
    if (l === 0) continue;
    const c = palette.get(l) ?? instanceColor(l);
    out[j] = out[j] * (1 - a) + c[0] * a;
    out[j + 1] = out[j + 1] * (1 - a) + c[1] * a;
    out[j + 2] = out[j + 2] * (1 - a) + c[2] * a;
  }
}

/** Blend one colour over `out` with alpha = opacity * p (p clipped to [0, 1]). */
export function blendProbability(
  p: ArrayLike<number>,
  color: RGB,
  opacity: number,
  out: Uint8ClampedArray,
): void {
  for (let i = 0, j = 0; i < p.length; i++, j += 4) {
    const v = p[i];
    if (!(v > 0)) continue;
    const a = Math.min(1, v) * opacity;
    out[j] = out[j] * (1 - a) + color[0] * a;
    out[j + 1] = out[j + 1] * (1 - a) + color[1] * a;
    out[j + 2] = out[j + 2] * (1 - a) + color[2] * a;
  }
}

/**
 * Blend one colour over `out` with alpha = opacity * v / 255 (a colour ramp from transparent
 * to `color` over uint8 values: the live forest's uncertainty x 255).
 */
export function blendRamp(
  values: Uint8Array,
  color: RGB,
  opacity: number,
  out: Uint8ClampedArray,
): void {
  const k = Math.max(0, Math.min(1, opacity)) / 255;
  for (let i = 0, j = 0; i < values.length; i++, j += 4) {
    const v = values[i];
    if (v === 0) continue;
    const a = v * k;
    out[j] = out[j] * (1 - a) + color[0] * a;
    out[j + 1] = out[j + 1] * (1 - a) + color[1] * a;
    out[j + 2] = out[j + 2] * (1 - a) + color[2] * a;
  }
}

/** A stable, well-spread colour for an instance (grain) id. */
export function instanceColor(id: number): RGB {
  const h = ((id * 0.618033988749895) % 1) * 6;
  const i = Math.floor(h);
  const f = h - i;
  const v = 230;
  const p = 60;
  const q = p + (v - p) * (1 - f);
  const t = p + (v - p) * f;
  const rgb: RGB[] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ];
  return rgb[i % 6].map(Math.round) as RGB;
}

/**
 * Class of a value under ascending thresholds: 0 below the first, k between threshold k-1
 * and k, n above the last (a double threshold makes three phases, as in Paper 1).
 */
export function thresholdClass(value: number, thresholds: readonly number[]): number {
  let k = 0;
  while (k < thresholds.length && value >= thresholds[k]) k++;
  return k;
}

/** Recolour a plane by thresholds: class k (0-based) gets `colors[k]`, blended with opacity. */
export function blendThresholds(
  values: Voxels,
  thresholds: readonly number[],
  colors: RGB[],
  opacity: number,
  out: Uint8ClampedArray,
): void {
  for (let i = 0, j = 0; i < values.length; i++, j += 4) {
    const c = colors[thresholdClass(values[i], thresholds)] ?? colors[colors.length - 1];
    out[j] = out[j] * (1 - opacity) + c[0] * opacity;
    out[j + 1] = out[j + 1] * (1 - opacity) + c[1] * opacity;
    out[j + 2] = out[j + 2] * (1 - opacity) + c[2] * opacity;
  }
}

/** Scale bar length: a 1-2-5 x 10^k physical length close to `target` pixels. */
export function scaleBar(pixelSize: number, target = 100): { length: number; pixels: number } {
  const want = pixelSize * target;
  const k = Math.pow(10, Math.floor(Math.log10(want)));
  const m = want / k;
  const nice = m >= 5 ? 5 : m >= 2 ? 2 : 1;
  const length = nice * k;
  return { length, pixels: length / pixelSize };
}

/** True for the units of a volume without calibration ("pixel", "px", "voxel", ...). */
export function isUncalibrated(unit: string | undefined): boolean {
  return /^(|pixels?|px|voxels?)$/i.test((unit ?? "").trim());
}

/**
 * "1.5 µm" style label for a length in nm (or any unit when not nm); "50 px" for a volume
 * without calibration (lengths in voxels).
 */
export function formatLength(value: number, unit: string): string {
  if (isUncalibrated(unit)) return `${+value.toPrecision(3)} px`;
  if (unit === "nm" && value >= 1000) return `${+(value / 1000).toPrecision(3)} µm`;
  return `${+value.toPrecision(3)} ${unit}`;
}
