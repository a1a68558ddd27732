// The viewer's voxel data: one array per channel and per overlay (range reads of the cache
// files, volumeData.ts), the overlays' on / off and opacity controls, planes for a render,
// values for the readout, and the note on coarse xz / yz previews.
import { checkbox, field, slider } from "./dom.js";
import type { OverlayLayer } from "./compositor.js";
import { readFileRange } from "./server.js";
import type { NamedValue } from "./viewerReadout.js";
import type { ViewPlane, VolumePayload } from "./viewerTypes.js";
import { VoxelArray, type RangeReader, type VoxelArrayOptions, type Voxels } from "./volumeData.js";

/** Planes of every channel and overlay (undefined: overlay switched off). */
export interface PlaneData {
  channels: Voxels[];
  overlays: (Voxels | undefined)[];
}

export class ViewerData {
  private readonly payload: VolumePayload;
  private readonly channels: VoxelArray[];
  private readonly overlays: VoxelArray[];
  private readonly overlayOn: boolean[];
  private readonly overlayOpacity: number[];

  /**
   * @param notebookDir - Folder of the notebook (cache paths are relative to it); without it
   *   and without `reader`, only inline arrays can be read.
   */
  constructor(
    payload: VolumePayload,
    notebookDir: string | undefined,
    reader?: RangeReader,
    options?: VoxelArrayOptions,
  ) {
    this.payload = payload;
    const dir = notebookDir;
    const read =
      reader ??
      (dir === undefined
        ? undefined
        : (path: string, start: number, end: number, signal?: AbortSignal) =>
            readFileRange(dir, path, start, end, signal));
    const shape = payload.shape;
    this.channels = payload.channels.map(
      (c) => new VoxelArray(shape, c.dtype, c.source, read, options),
    );
    this.overlays = payload.overlays.map(
      (o) => new VoxelArray(shape, o.dtype, o.source, read, options),
    );
    this.overlayOn = payload.overlays.map(() => true);
    this.overlayOpacity = payload.overlays.map((o) => o.opacity ?? 0.5);
  }

  /** Toolbar controls of every overlay: a labelled check box and an opacity slider. */
  overlayControls(onChange: () => void): HTMLElement[] {
    return this.payload.overlays.flatMap((o, i) => {
      const box = checkbox(undefined, true, (on) => {
        this.overlayOn[i] = on;
        onChange();
      });
      const op = slider("tl-opacity", this.overlayOpacity[i], (value) => {
        this.overlayOpacity[i] = value;
        onChange();
      });
      return [field(o.name, box), op];
    });
  }

  /** The overlays as the compositor layers them. */
  overlayLayers(planes: PlaneData): OverlayLayer[] {
    return this.payload.overlays.map((overlay, i) => ({
      overlay,
      values: planes.overlays[i],
      opacity: this.overlayOpacity[i],
    }));
  }

  /** The payload's overlays that are switched on (the legend's). */
  shownOverlays(): VolumePayload["overlays"] {
    return this.payload.overlays.filter((_, i) => this.overlayOn[i]);
  }

  /** Plane `slice` of every channel and of every overlay switched on. */
  async planes(plane: ViewPlane, slice: number): Promise<PlaneData> {
    const channels = await Promise.all(this.channels.map((c) => c.plane(plane, slice)));
    const overlays = await Promise.all(
      this.overlays.map((o, i) => (this.overlayOn[i] ? o.plane(plane, slice) : undefined)),
    );
    return { channels, overlays };
  }

  /** Plane of channel k (the fill's intensities). */
  channelPlane(k: number, plane: ViewPlane, slice: number): Promise<Voxels> {
    return this.channels[Math.min(k, this.channels.length - 1)].plane(plane, slice);
  }

  /** Reads the next xy slices ahead. */
  prefetch(slice: number): void {
    for (const c of this.channels) c.prefetch(slice);
  }

  /** What to say while a plane other than xy loads, undefined when everything is loaded. */
  loadingNote(plane: ViewPlane): string | undefined {
    if (plane === "xy" || this.channels.every((c) => c.isLoaded)) return undefined;
    return this.channels.every((c) => c.canLoadAll)
      ? "loading the whole volume for this plane..."
      : "loading a downsampled copy for this plane...";
  }

  /** Channel and overlay values at voxel (z, y, x) for the readout. */
  valuesAt(z: number, y: number, x: number): { channels: NamedValue[]; overlays: NamedValue[] } {
    const p = this.payload;
    return {
      channels: this.channels.map((c, i) => ({
        name: p.channels[i].name,
        value: c.valueAt(z, y, x),
      })),
      overlays: this.overlays.map((o, i) => ({
        name: p.overlays[i].name,
        value: o.valueAt(z, y, x),
      })),
    };
  }

  /**
   * Coarsest level (1 = full resolution) the shown arrays draw `plane` `slice` from: arrays
   * above the browser's full-load limit show xz / yz from a downsampled level.
   */
  coarseness(plane: ViewPlane, slice: number): number {
    if (plane === "xy") return 1;
    return Math.max(1, ...this.shownArrays().map((a) => a.planeLevel(plane, slice) ?? 1));
  }

  /** Reads xz plane `slice` at full resolution. @returns true when every array has it. */
  async refine(plane: ViewPlane, slice: number): Promise<boolean> {
    const planes = await Promise.all(this.shownArrays().map((a) => a.refinePlane(plane, slice)));
    return planes.every(Boolean);
  }

  private shownArrays(): VoxelArray[] {
    return [...this.channels, ...this.overlays.filter((_, i) => this.overlayOn[i])];
  }
}
