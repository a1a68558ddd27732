// What the viewer shows and where: plane and slice, zoom and pan, and the transforms between
// canvas pixels, plane pixels and voxels. No DOM here (callers pass canvas coordinates).
import type { ViewGeometry } from "./exportView.js";
import { planeDepth, planeSize, planeToVoxel, type Shape } from "./planes.js";
import type { ViewPlane } from "./viewerTypes.js";

/** Zoom factor of one Ctrl + wheel notch (in; out is its inverse, 0.8). */
const ZOOM_STEP = 1.25;

export class Viewport {
  readonly shape: Shape;
  /** Voxel spacing [dz, dy, dx]. */
  readonly spacing: readonly [number, number, number];
  private planeValue: ViewPlane;
  private sliceValue: number;
  /** Canvas pixels per plane pixel along u. */
  private scale = 1;
  /** Canvas position of the image's top-left corner. */
  private offset: [number, number] = [0, 0];
  /** False until the next geometry() fits the image to the canvas. */
  private fitted = false;
  private pan: { x: number; y: number; ox: number; oy: number } | undefined;

  constructor(
    shape: Shape,
    spacing: readonly [number, number, number],
    plane: ViewPlane,
    slice: number,
  ) {
    this.shape = shape;
    this.spacing = spacing;
    this.planeValue = plane;
    this.sliceValue = slice;
  }

  get plane(): ViewPlane {
    return this.planeValue;
  }

  get slice(): number {
    return this.sliceValue;
  }

  /** Slices along the plane's normal. */
  depth(): number {
    return planeDepth(this.shape, this.planeValue);
  }

  /** Width and height of the plane's image. */
  size(): [number, number] {
    return planeSize(this.shape, this.planeValue);
  }

  /** The axis the slice index runs along. */
  axis(): "z" | "y" | "x" {
    return this.planeValue === "xy" ? "z" : this.planeValue === "xz" ? "y" : "x";
  }

  /** Another plane, at its middle slice, fitted again. @returns false when it is the same. */
  setPlane(plane: ViewPlane): boolean {
    if (plane === this.planeValue) return false;
    this.planeValue = plane;
    this.sliceValue = Math.floor(this.depth() / 2);
    this.fitted = false;
    return true;
  }

  /** Slice rounded and clamped to the plane's depth. @returns false when it did not change. */
  setSlice(slice: number): boolean {
    const s = Math.max(0, Math.min(this.depth() - 1, Math.round(slice)));
    if (s === this.sliceValue) return false;
    this.sliceValue = s;
    return true;
  }

  /** Fit the image to the canvas on the next draw (the "fit" button, a new canvas layout). */
  refit(): void {
    this.fitted = false;
  }

  /** Physical size of a plane pixel along u and v. */
  pixelSize(): [number, number] {
    const [dz, dy, dx] = this.spacing;
    const p = this.planeValue;
    return p === "xy" ? [dx, dy] : p === "xz" ? [dx, dz] : [dy, dz];
  }

  /** Stretch of v against u (anisotropic voxels). */
  private aspect(): number {
    const [pu, pv] = this.pixelSize();
    return pv / pu;
  }

  /**
   * Where an image of `imageWidth` x `imageHeight` sits on a canvas; the first call after a
   * reset fits it (whole image, centred) and that zoom and pan stay until the next reset.
   */
  geometry(
    canvasWidth: number,
    canvasHeight: number,
    imageWidth: number,
    imageHeight: number,
  ): ViewGeometry {
    const aspect = this.aspect();
    if (!this.fitted) {
      this.scale = Math.min(canvasWidth / imageWidth, canvasHeight / (imageHeight * aspect));
      this.offset = [
        (canvasWidth - imageWidth * this.scale) / 2,
        (canvasHeight - imageHeight * aspect * this.scale) / 2,
      ];
      this.fitted = true;
    }
    return {
      width: canvasWidth,
      height: canvasHeight,
      offset: [...this.offset],
      scale: this.scale,
      aspect,
    };
  }

  /** Plane pixel [u, v] under canvas point (x, y), or undefined outside the image. */
  pixelAt(x: number, y: number): [number, number] | undefined {
    const u = Math.floor((x - this.offset[0]) / this.scale);
    const v = Math.floor((y - this.offset[1]) / (this.scale * this.aspect()));
    const [w, h] = this.size();
    if (u < 0 || v < 0 || u >= w || v >= h) return undefined;
    return [u, v];
  }

  /** Voxel [z, y, x] behind plane pixel (u, v) of the shown slice. */
  voxelAt(u: number, v: number): [number, number, number] {
    return planeToVoxel(this.planeValue, this.sliceValue, u, v);
  }

  /** One zoom notch about canvas point (x, y): in when `zoomIn`, else out. */
  zoomAt(x: number, y: number, zoomIn: boolean): void {
    const f = zoomIn ? ZOOM_STEP : 1 / ZOOM_STEP;
    this.offset = [x - (x - this.offset[0]) * f, y - (y - this.offset[1]) * f];
    this.scale *= f;
  }

  /** A pan drag starts at client point (x, y). */
  startPan(x: number, y: number): void {
    this.pan = { x, y, ox: this.offset[0], oy: this.offset[1] };
  }

  /** True while a pan drag is under way. */
  get panning(): boolean {
    return this.pan !== undefined;
  }

  /** The pan drag moved to client point (x, y); `k` canvas pixels per client pixel. */
  panTo(x: number, y: number, k: number): void {
    const p = this.pan;
    if (!p) return;
    this.offset = [p.ox + (x - p.x) * k, p.oy + (y - p.y) * k];
  }

  endPan(): void {
    this.pan = undefined;
  }
}
