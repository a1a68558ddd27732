// The viewer's image stage: one canvas per panel (channels side by side, or one blended) and
// the switch between the two, the
// off-screen plane images behind them, drawing with zoom / pan, scale bar and brush outline,
// the PNG export's panels, and the "wheel scrolls the page" hint.
import { el, field, select } from "./dom.js";
import { drawView, type ViewDecor, type ViewGeometry } from "./exportView.js";
import type { VolumePayload } from "./viewerTypes.js";
import type { Viewport } from "./viewport.js";

/** Pointer and wheel handlers of every canvas. */
export interface StageListeners {
  wheel: (e: WheelEvent) => void;
  pointerdown: (e: PointerEvent) => void;
  pointermove: (e: PointerEvent) => void;
  pointerup: (e: PointerEvent) => void;
  pointerleave: (e: PointerEvent) => void;
}

/** The brush outline: a disc of `radius` voxels around plane pixel (u, v). */
export interface BrushOutline {
  u: number;
  v: number;
  radius: number;
  color: string;
}

/** How long the wheel hint stays (ms). */
const HINT_MS = 1500;

export class ViewStage {
  /** `<div class="tl-stage">`: the hint and the canvases. */
  readonly element = el("div", "tl-stage");
  readonly canvases: HTMLCanvasElement[] = [];
  /** Channels side by side (a canvas each) or blended (one canvas). */
  mode: "side" | "blend";
  private readonly offscreen: HTMLCanvasElement[] = [];
  private readonly hint = el("div", "tl-wheelHint");
  private hintTimer: number | undefined;
  private attached = false;
  private readonly view: Viewport;
  private readonly payload: VolumePayload;
  private readonly listeners: StageListeners;

  constructor(view: Viewport, payload: VolumePayload, listeners: StageListeners) {
    this.view = view;
    this.payload = payload;
    this.mode = payload.channelMode;
    this.listeners = listeners;
    this.hint.textContent = "Shift + wheel: slices · Ctrl + wheel: zoom";
    this.element.appendChild(this.hint);
  }

  /** The "channels" switch (side by side / blended), undefined with one channel. */
  modeControl(onChange: () => void): HTMLElement | undefined {
    if (this.payload.channels.length < 2) return undefined;
    const mode = select("tl-channelMode", [
      ["side", "side by side"],
      ["blend", "blended"],
    ]);
    mode.value = this.mode;
    mode.addEventListener("change", () => {
      this.mode = mode.value as "side" | "blend";
      this.layout();
      onChange();
    });
    return field("channels", mode);
  }

  /** A canvas per channel side by side, else one (a new layout: refitted on the next draw). */
  layout(): void {
    const n = this.mode === "side" ? this.payload.channels.length : 1;
    for (const c of this.canvases) c.remove();
    this.canvases.length = 0;
    this.offscreen.length = 0;
    const width = n === 1 ? 560 : Math.max(240, Math.floor(1000 / n));
    for (let i = 0; i < n; i++) {
      const c = el("canvas", "tl-canvas");
      c.width = width;
      c.height = 480;
      c.dataset.channel = String(i);
      this.canvases.push(c);
      this.offscreen.push(el("canvas"));
      this.element.appendChild(c);
      if (this.attached) this.listen(c, true);
    }
    this.view.refit();
  }

  private listen(c: HTMLCanvasElement, on: boolean): void {
    const m = on ? "addEventListener" : "removeEventListener";
    const l = this.listeners;
    c[m]("wheel", l.wheel as EventListener, { passive: false } as AddEventListenerOptions);
    c[m]("pointerdown", l.pointerdown as EventListener);
    c[m]("pointermove", l.pointermove as EventListener);
    c[m]("pointerup", l.pointerup as EventListener);
    c[m]("pointerleave", l.pointerleave as EventListener);
  }

  attach(): void {
    this.attached = true;
    for (const c of this.canvases) this.listen(c, true);
  }

  detach(): void {
    this.attached = false;
    for (const c of this.canvases) this.listen(c, false);
  }

  /**
   * Colours panel k's off-screen image (`width` x `height`) with `fill` (RGBA bytes).
   * @returns false without canvas support (jsdom).
   */
  paint(k: number, width: number, height: number, fill: (rgba: Uint8ClampedArray) => void) {
    const off = this.offscreen[k];
    if (off.width !== width || off.height !== height) {
      off.width = width;
      off.height = height;
    }
    const octx = off.getContext("2d");
    if (!octx) return false;
    const image = octx.createImageData(width, height);
    fill(image.data);
    octx.putImageData(image, 0, 0);
    return true;
  }

  /** Where the image sits on canvas k (fitted on the first draw after a reset). */
  geometry(k: number): ViewGeometry {
    const c = this.canvases[k];
    const off = this.offscreen[k];
    return this.view.geometry(c.width, c.height, off.width, off.height);
  }

  /** Scale bar unit and channel name of canvas k. */
  private decor(k: number): ViewDecor {
    const side = this.mode === "side" && this.payload.channels.length > 1;
    return {
      pixelSize: this.view.pixelSize()[0],
      unit: this.payload.unit,
      name: side ? this.payload.channels[k].name : undefined,
    };
  }

  /** Draws canvas k. @returns the zoom drawn at, undefined without canvas support. */
  draw(k: number, outline?: BrushOutline): number | undefined {
    const c = this.canvases[k];
    const ctx = c.getContext("2d");
    if (!ctx) return undefined;
    const g = this.geometry(k);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    c.dataset.scaleBar = drawView(ctx, this.offscreen[k], g, this.decor(k));
    // brush outline (on screen only, not in exports)
    if (outline) {
      const { u, v, radius, color } = outline;
      ctx.strokeStyle = color;
      ctx.beginPath();
      ctx.ellipse(
        g.offset[0] + (u + 0.5) * g.scale,
        g.offset[1] + (v + 0.5) * g.scale * g.aspect,
        (radius + 0.5) * g.scale,
        (radius + 0.5) * g.scale * g.aspect,
        0,
        0,
        2 * Math.PI,
      );
      ctx.stroke();
    }
    return g.scale;
  }

  /** The shown panels for the PNG export (images as drawn, without the outline). */
  panels() {
    return this.canvases.map((_, k) => ({
      image: this.offscreen[k],
      geometry: this.geometry(k),
      decor: this.decor(k),
    }));
  }

  /** A short note over the image that the plain wheel scrolls the page. */
  showWheelHint(): void {
    this.hint.classList.add("tl-mod-visible");
    if (this.hintTimer !== undefined) window.clearTimeout(this.hintTimer);
    this.hintTimer = window.setTimeout(() => {
      this.hintTimer = undefined;
      this.hint.classList.remove("tl-mod-visible");
    }, HINT_MS);
  }
}
