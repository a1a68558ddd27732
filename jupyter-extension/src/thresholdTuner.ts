// The viewer's threshold tuner: histogram of channel 0 (volume or shown slice) with 1 to 3
// draggable thresholds, the phase preview switch, and "apply" (sends them to the kernel).
import { canvasPoint, checkbox, el, field, select } from "./dom.js";
import { histogramCounts } from "./histogram.js";
import { phasePalette } from "./legend.js";
import { sendToKernel } from "./server.js";
import type { Voxels } from "./volumeData.js";
import type { ChannelPayload } from "./viewerTypes.js";

/** Pointer distance (histogram pixels) within which a press grabs a threshold. */
const GRAB_PX = 8;

/** What the tuner needs from the viewer. */
export interface TunerHooks {
  /** The viewer's node: `data-thresholds`, and the output whose kernel gets "apply". */
  node: HTMLElement;
  viewId: string;
  /** Channel 0 (its histogram, dtype and initial window). */
  channel: ChannelPayload;
  /** Initial thresholds (1 to 3, ascending); @default the middle of the window */
  thresholds?: readonly number[];
  /** Channel 0's contrast window now (new threshold counts spread over it). */
  window: () => readonly [number, number];
  /** The preview or its thresholds changed, or the slice histogram needs the slice. */
  onChange: () => void;
}

export class ThresholdTuner {
  /** `<div class="tl-tuner">`: histogram canvas and controls. */
  readonly element = el("div", "tl-tuner");
  thresholds: number[];
  private preview = false;
  private source: "volume" | "slice" = "volume";
  /** Histogram of channel 0 on the shown plane (`plane:slice` it was computed for). */
  private sliceHist: { key: string; counts: Float64Array } | undefined;
  private dragged = -1;
  private readonly hooks: TunerHooks;
  private readonly histogram = el("canvas", "tl-histogram");
  private readonly thresholdText = el("span", "tl-thresholdValues");
  private readonly applyStatus = el("span", "tl-applyStatus");

  constructor(hooks: TunerHooks) {
    this.hooks = hooks;
    const w = hooks.channel.window;
    this.thresholds = hooks.thresholds?.slice() ?? [(w[0] + w[1]) / 2];
    this.onDown = this.onDown.bind(this);
    this.onMove = this.onMove.bind(this);
    this.onUp = this.onUp.bind(this);
    this.build();
  }

  /** Thresholds to preview on the image, undefined when the preview is off. */
  previewed(): number[] | undefined {
    return this.preview ? this.thresholds : undefined;
  }

  /** True when the histogram shows the slice (the renderer then hands it the slice). */
  get wantsSlice(): boolean {
    return this.source === "slice";
  }

  private build(): void {
    this.histogram.width = 512;
    this.histogram.height = 90;
    const count = select("tl-thresholdCount", [
      ["1", "single"],
      ["2", "double"],
      ["3", "triple"],
    ]);
    count.value = String(this.thresholds.length);
    count.addEventListener("change", () => {
      const n = Number(count.value);
      const [lo, hi] = this.hooks.window();
      this.thresholds = Array.from({ length: n }, (_, i) => lo + ((i + 1) * (hi - lo)) / (n + 1));
      this.draw();
      this.hooks.onChange();
    });
    const preview = checkbox("tl-thresholdPreview", false, (on) => {
      this.preview = on;
      this.hooks.onChange();
    });
    const source = select("tl-histSource", [
      ["volume", "volume"],
      ["slice", "this slice"],
    ]);
    source.title = "Histogram of the whole volume or of the shown slice (channel 0, same bins)";
    source.addEventListener("change", () => {
      this.source = source.value as "volume" | "slice";
      if (this.source === "slice") this.hooks.onChange();
      this.draw();
    });
    const apply = el("button", "tl-applyThresholds", "apply");
    apply.title =
      "Send the thresholds to the kernel (read them with handle.thresholds() or viewerThresholds())";
    apply.addEventListener("click", () => void this.apply());
    const controls = el("div", "tl-tunerControls");
    controls.append(
      field("histogram", source),
      field("threshold", count),
      field("preview", preview),
      apply,
      this.thresholdText,
      this.applyStatus,
    );
    this.element.append(this.histogram, controls);
    this.draw();
  }

  attach(): void {
    this.histogram.addEventListener("pointerdown", this.onDown);
    this.histogram.addEventListener("pointermove", this.onMove);
    this.histogram.addEventListener("pointerup", this.onUp);
  }

  detach(): void {
    this.histogram.removeEventListener("pointerdown", this.onDown);
    this.histogram.removeEventListener("pointermove", this.onMove);
    this.histogram.removeEventListener("pointerup", this.onUp);
  }

  /** Slice histogram of channel 0 (volume histogram's bins), recomputed on a new plane / slice. */
  showSlice(values: Voxels, key: string): void {
    if (this.sliceHist?.key === key) return;
    const h = this.hooks.channel.histogram;
    this.sliceHist = { key, counts: histogramCounts(values, h.min, h.max, h.counts.length) };
    this.draw();
  }

  private histX(value: number): number {
    const h = this.hooks.channel.histogram;
    return ((value - h.min) / (h.max - h.min || 1)) * this.histogram.width;
  }

  private draw(): void {
    const c = this.histogram;
    const h = this.hooks.channel.histogram;
    const slice = this.source === "slice" ? this.sliceHist : undefined;
    const counts = slice ? slice.counts : h.counts;
    c.dataset.source = slice ? "slice" : "volume";
    if (slice) c.dataset.slice = slice.key;
    this.thresholdText.textContent = this.thresholds.map((t) => +t.toPrecision(5)).join(", ");
    this.hooks.node.dataset.thresholds = JSON.stringify(this.thresholds);
    c.dataset.range = JSON.stringify([h.min, h.max]);
    const ctx = c.getContext("2d");
    if (!ctx) return;
    ctx.fillStyle = "#fafafa";
    ctx.fillRect(0, 0, c.width, c.height);
    // phase bands in the preview's phase palette (not the class colours): the legend's colours
    const edges = [0, ...this.thresholds.map((t) => this.histX(t)), c.width];
    ctx.globalAlpha = 0.22;
    phasePalette(this.thresholds.length + 1).forEach((rgb, k) => {
      ctx.fillStyle = `rgb(${rgb.join(",")})`;
      ctx.fillRect(edges[k], 0, edges[k + 1] - edges[k], c.height);
    });
    ctx.globalAlpha = 1;
    if (counts !== h.counts) this.drawBars(ctx, h.counts, "#d1d5db"); // volume, behind the slice
    this.drawBars(ctx, counts, "#6b7280");
    this.thresholds.forEach((t) => {
      const x = this.histX(t);
      ctx.strokeStyle = "#111827";
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, c.height);
      ctx.stroke();
    });
    ctx.fillStyle = "#111";
    ctx.font = "10px sans-serif";
    ctx.fillText(String(+h.min.toPrecision(4)), 2, 10);
    const maxText = String(+h.max.toPrecision(4));
    ctx.fillText(maxText, c.width - 6 * maxText.length - 2, 10);
  }

  /** Histogram bars on a log scale, normalised to their own largest bin. */
  private drawBars(ctx: CanvasRenderingContext2D, counts: ArrayLike<number>, color: string): void {
    const c = this.histogram;
    const logs = Array.from(counts, (n) => Math.log1p(n));
    let top = 1e-9;
    for (const l of logs) if (l > top) top = l;
    const bw = c.width / counts.length;
    ctx.fillStyle = color;
    logs.forEach((l, i) => {
      const bh = (l / top) * (c.height - 12);
      ctx.fillRect(i * bw, c.height - bh, Math.max(1, bw - 0.5), bh);
    });
  }

  private onDown(e: PointerEvent): void {
    const x = canvasPoint(this.histogram, e)[0];
    let best = -1;
    let dist = GRAB_PX;
    this.thresholds.forEach((t, i) => {
      const d = Math.abs(this.histX(t) - x);
      if (d <= dist) {
        dist = d;
        best = i;
      }
    });
    if (best < 0) return;
    this.dragged = best;
    this.histogram.setPointerCapture(e.pointerId);
    e.preventDefault();
  }

  private onMove(e: PointerEvent): void {
    if (this.dragged < 0) return;
    const i = this.dragged;
    const { histogram: h, dtype } = this.hooks.channel;
    const lo = i > 0 ? this.thresholds[i - 1] : h.min;
    const hi = i < this.thresholds.length - 1 ? this.thresholds[i + 1] : h.max;
    const x = canvasPoint(this.histogram, e)[0];
    let v = h.min + (x / this.histogram.width) * (h.max - h.min);
    v = Math.max(lo, Math.min(hi, v));
    if (dtype !== "float32") v = Math.round(v);
    this.thresholds[i] = v;
    this.draw();
    if (this.preview) this.hooks.onChange();
  }

  private onUp(e: PointerEvent): void {
    if (this.histogram.hasPointerCapture(e.pointerId))
      this.histogram.releasePointerCapture(e.pointerId);
    this.dragged = -1;
  }

  private async apply(): Promise<void> {
    const status = this.applyStatus;
    status.textContent = "sending...";
    status.dataset.state = "sending";
    try {
      await sendToKernel(this.hooks.node, {
        type: "thresholds",
        viewId: this.hooks.viewId,
        channel: 0,
        thresholds: [...this.thresholds],
      });
      status.textContent = "applied in the kernel";
      status.dataset.state = "ok";
    } catch (error) {
      status.textContent = `not applied: ${(error as Error).message}`;
      status.dataset.state = "error";
    }
  }
}
