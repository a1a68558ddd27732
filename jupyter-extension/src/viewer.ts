// The slice viewer widget: planes, slices, zoom / pan, contrast, channels, overlays, label
// painter with autosave, threshold tuner, kernel link. Rendered by volumeRenderer.ts.
// This class wires the parts together: viewerData.ts (arrays, overlays), viewport.ts (plane,
// slice, zoom / pan), viewStage.ts (canvases), compositor.ts (pixels), contrast.ts,
// labelEditor.ts (painter), thresholdTuner.ts, trainingPanel.ts, viewerInput.ts (keys, wheel),
// viewerReadout.ts.
import { Widget } from "@lumino/widgets";
import { compositePanel, type ViewLayers } from "./compositor.js";
import { ContrastControls } from "./contrast.js";
import { canvasPoint, el, field, select } from "./dom.js";
import { EXPORT_SCALES, downloadCanvas, exportCanvas, exportFileName } from "./exportView.js";
import { LabelEditor } from "./labelEditor.js";
import type { LabelStore } from "./labelModel.js";
import { renderLegend, viewLegend } from "./legend.js";
import { sendRetrain } from "./server.js";
import { ThresholdTuner } from "./thresholdTuner.js";
import { TrainingPanel } from "./trainingPanel.js";
import { ViewStage, type BrushOutline } from "./viewStage.js";
import { ViewerKeys, buildHelp, buildViewTools, wheelAction, wheelStep } from "./viewerInput.js";
import { readoutText } from "./viewerReadout.js";
import type { ViewPlane, VolumePayload } from "./viewerTypes.js";
import { Viewport } from "./viewport.js";
import { ViewerData, type PlaneData } from "./viewerData.js";
import type { RangeReader, VoxelArrayOptions } from "./volumeData.js";

/** Delay between the last paint stroke and the autosave. */
export const AUTOSAVE_MS = 600;

/** Options of the widget: where the notebook is (for files next to it). */
export interface ViewerContext {
  /** Folder of the notebook, server-relative ("" = root); undefined when unknown. */
  notebookDir: string | undefined;
  /** Reads cache files (tests); @default range requests through the Jupyter server */
  reader?: RangeReader;
  /** Options of the voxel arrays (tests: a small full-load limit). */
  arrayOptions?: VoxelArrayOptions;
}

export class VolumeViewer extends Widget {
  readonly payload: VolumePayload;
  private readonly ctx: ViewerContext;
  private readonly data: ViewerData;
  private readonly view: Viewport;
  private readonly stage: ViewStage;
  private readonly contrast: ContrastControls;
  private readonly labels: LabelEditor;
  private readonly tuner: ThresholdTuner;
  private readonly training: TrainingPanel | undefined;
  /** Who has the keys (focus, pointer over the viewer), rings, Esc (viewerInput.ts). */
  private readonly keys: ViewerKeys;
  /** "wheel: slices": the plain wheel changes the slice while the viewer has the focus. */
  private wheelSlices = false;
  private renderQueued = false;
  private renderToken = 0;
  private hover: [number, number] | undefined;
  private readonly sliceInput = el("input", "tl-slice");
  private readonly sliceLabel = el("span", "tl-sliceLabel");
  private readonly planeSelect = select(
    "tl-plane",
    (["xy", "xz", "yz"] as const).map((p) => [p, p] as const),
  );
  private readonly readout = el("div", "tl-readout", " ");
  private readonly message = el("div", "tl-message");
  private readonly legend = el("div", "tl-legend");
  private readonly helpPanel = buildHelp();

  constructor(payload: VolumePayload, ctx: ViewerContext) {
    super();
    this.payload = payload;
    this.ctx = ctx;
    this.addClass("tl-VolumeViewer");
    this.node.tabIndex = 0;
    this.node.dataset.viewId = payload.viewId;
    const dir = ctx.notebookDir;
    this.data = new ViewerData(payload, dir, ctx.reader, ctx.arrayOptions);
    const { plane, slice } = payload.initial;
    this.view = new Viewport(payload.shape, payload.spacing, plane, slice);
    this.stage = new ViewStage(this.view, payload, {
      wheel: (e) => this.onWheel(e),
      pointerdown: (e) => this.onPointerDown(e),
      pointermove: (e) => this.onPointerMove(e),
      pointerup: (e) => this.onPointerUp(e),
      pointerleave: () => this.onPointerLeave(),
    });
    this.contrast = new ContrastControls(payload.channels, () => this.requestRender());
    this.labels = new LabelEditor({
      node: this.node,
      stage: this.stage.element,
      payload,
      notebookDir: dir,
      view: () => this.view,
      requestRender: () => this.requestRender(),
      redraw: () => {
        if (this.hover) this.redrawAll();
      },
      showMessage: (text, error) => this.showMessage(text, error),
      onSaved: () => this.training?.labelsSaved(),
    });
    this.tuner = new ThresholdTuner({
      node: this.node,
      viewId: payload.viewId,
      channel: payload.channels[0],
      thresholds: payload.thresholds,
      window: () => this.contrast.windows[0],
      onChange: () => this.requestRender(),
    });
    this.keys = new ViewerKeys(this.node, (e) => this.handleKey(e));
    if (payload.training && payload.labels) this.training = this.buildTraining();
    this.buildDom();
    if (payload.labels) void this.labels.init(payload.labels.path);
    this.requestRender();
  }

  // ---------------------------------------------------------------- DOM

  private buildDom(): void {
    const p = this.payload;
    if (p.title) this.node.appendChild(el("div", "tl-title", p.title));
    const bar = el("div", "tl-toolbar");
    this.planeSelect.value = this.view.plane;
    this.planeSelect.addEventListener("change", () =>
      this.setPlane(this.planeSelect.value as ViewPlane),
    );
    this.sliceInput.type = "range";
    this.sliceInput.min = "0";
    this.sliceInput.addEventListener("input", () => this.setSlice(Number(this.sliceInput.value)));
    bar.append(field("plane", this.planeSelect), field("slice", this.sliceInput), this.sliceLabel);
    const fit = el("button", "tl-fit", "fit");
    fit.title =
      "Reset zoom and pan (Ctrl+wheel zooms, drag with the navigate tool or the middle button pans)";
    fit.addEventListener("click", () => {
      this.view.refit();
      this.requestRender();
    });
    bar.append(fit, ...this.contrast.elements);
    const mode = this.stage.modeControl(() => this.requestRender());
    if (mode) bar.appendChild(mode);
    bar.append(...this.data.overlayControls(() => this.requestRender()));
    bar.append(
      ...buildViewTools(EXPORT_SCALES, {
        onWheelSlices: (on) => (this.wheelSlices = on),
        onExport: (factor) =>
          void this.exportPng(factor).catch((error: Error) =>
            this.showMessage(`export failed: ${error.message}`, true),
          ),
        onHelp: () => this.toggleHelp(),
      }),
      this.keys.badge,
    );
    this.node.append(bar, this.helpPanel);
    if (p.labels) this.node.append(...this.labels.build());
    this.node.append(this.stage.element, this.legend);
    this.legend.hidden = true;
    this.node.appendChild(this.readout);
    if (this.training) this.node.appendChild(this.training.element);
    this.node.append(this.tuner.element, this.message);
    this.stage.layout();
    this.syncSlice();
  }

  protected override onAfterAttach(): void {
    this.stage.attach();
    this.keys.attach();
    this.tuner.attach();
    this.requestRender();
  }

  protected override onBeforeDetach(): void {
    this.stage.detach();
    this.keys.detach();
    this.tuner.detach();
    this.labels.flush();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.training?.dispose();
    this.labels.dispose();
    super.dispose();
  }

  // ---------------------------------------------------------------- state

  private syncSlice(): void {
    const { plane, slice } = this.view;
    const depth = this.view.depth();
    this.sliceInput.max = String(depth - 1);
    this.sliceInput.value = String(slice);
    this.sliceLabel.textContent = `${this.view.axis()} = ${slice} / ${depth - 1}`;
    this.node.dataset.plane = plane;
    this.node.dataset.slice = String(slice);
  }

  setPlane(plane: ViewPlane): void {
    if (!this.view.setPlane(plane)) return;
    this.planeSelect.value = plane;
    this.syncSlice();
    const loading = this.data.loadingNote(plane);
    if (loading) this.showMessage(loading);
    this.requestRender();
    this.training?.viewChanged();
  }

  setSlice(slice: number): void {
    if (!this.view.setSlice(slice)) return;
    this.syncSlice();
    this.requestRender();
    this.training?.viewChanged();
  }

  /**
   * Arrays above the browser's full-load limit show xz / yz from a downsampled level: say so,
   * and for xz read the plane's rows at full resolution, then draw again.
   */
  private noteCoarse(plane: ViewPlane, slice: number): void {
    if (plane === "xy") return;
    const coarse = this.data.coarseness(plane, slice);
    this.node.dataset.coarse = String(coarse);
    if (coarse === 1) return;
    this.showMessage(
      `coarse preview (1/${coarse} resolution)${plane === "xz" ? ", refining..." : "; yz stays coarse for volumes above 1 GiB"}`,
    );
    if (plane !== "xz") return;
    this.data.refine(plane, slice).then(
      (all) => {
        if (all && this.view.plane === plane && this.view.slice === slice) {
          this.showMessage("");
          this.requestRender();
        }
      },
      (error: Error) => this.showMessage(`tomolab viewer: ${error.message}`, true),
    );
  }

  private showMessage(text: string, error = false): void {
    this.message.textContent = text;
    this.message.classList.toggle("tl-mod-error", error);
  }

  // ---------------------------------------------------------------- rendering

  requestRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      void this.render();
    });
  }

  private async render(): Promise<void> {
    const token = ++this.renderToken;
    const t0 = performance.now();
    const { plane, slice } = this.view;
    const [w, h] = this.view.size();
    let planes: PlaneData;
    try {
      planes = await this.data.planes(plane, slice);
    } catch (error) {
      this.showMessage(`tomolab viewer: ${(error as Error).message}`, true);
      return;
    }
    if (token !== this.renderToken) return; // a newer render started while reading
    if (this.message.textContent?.startsWith("loading")) this.showMessage("");
    this.noteCoarse(plane, slice);
    let training = this.training?.overlay(plane, slice);
    if (training && (training.width !== w || training.height !== h)) training = undefined;
    if (training) this.node.dataset.prediction = `${plane}:${slice}`;
    else delete this.node.dataset.prediction;
    if (this.tuner.wantsSlice) this.tuner.showSlice(planes.channels[0], `${plane}:${slice}`);
    this.updateLegend(Boolean(training?.prediction));
    const layers: ViewLayers = {
      channels: planes.channels,
      windows: this.contrast.windows,
      blend: this.stage.mode === "blend",
      thresholds: this.tuner.previewed(),
      overlays: this.data.overlayLayers(planes),
      classes: this.labels.classes,
      palette: this.labels.palette,
      training,
      labels: this.labels.store?.planeLabels(plane, slice),
      labelOpacity: this.labels.opacity,
    };
    for (let k = 0; k < this.stage.canvases.length; k++) {
      if (!this.stage.paint(k, w, h, (rgba) => compositePanel(layers, k, rgba))) return;
      this.draw(k);
    }
    const ms = performance.now() - t0;
    this.node.dataset.rendered = `${plane}:${slice}`;
    this.node.dispatchEvent(new CustomEvent("tl-rendered", { detail: { plane, slice, ms } }));
    if (plane === "xy") this.data.prefetch(slice);
  }

  private draw(k: number): void {
    const color = this.hover && this.labels.outlineColor();
    const outline: BrushOutline | undefined =
      this.hover && color
        ? { u: this.hover[0], v: this.hover[1], radius: this.labels.brushRadius, color }
        : undefined;
    const zoom = this.stage.draw(k, outline);
    if (zoom !== undefined) this.node.dataset.zoom = String(+zoom.toFixed(4));
  }

  private redrawAll(): void {
    for (let k = 0; k < this.stage.canvases.length; k++) this.draw(k);
  }

  /**
   * Saves the view as shown (image, overlays, labels, scale bar; no brush outline) as a PNG
   * download at `factor` x the canvas size. @returns the file name.
   */
  async exportPng(factor: number): Promise<string> {
    const canvas = exportCanvas(this.stage.panels(), factor);
    const { plane, slice } = this.view;
    const name = exportFileName(this.payload.title, plane, slice, factor);
    await downloadCanvas(canvas, name);
    this.node.dataset.exported = `${name} ${canvas.width}x${canvas.height}`;
    return name;
  }

  /** Legend under the image: threshold phases, shown label overlays, the live prediction. */
  private updateLegend(prediction: boolean): void {
    const overlays = this.data.shownOverlays();
    const thresholds = this.tuner.previewed();
    renderLegend(
      this.legend,
      viewLegend({ thresholds, overlays, classes: this.labels.classes, prediction }),
    );
  }

  private toggleHelp(): void {
    this.helpPanel.hidden = !this.helpPanel.hidden;
  }

  // ---------------------------------------------------------------- input

  /** Plane pixel under a pointer event, or undefined outside the image. */
  private pixelAt(e: MouseEvent): [number, number] | undefined {
    const [x, y] = canvasPoint(e.currentTarget as HTMLCanvasElement, e);
    return this.view.pixelAt(x, y);
  }

  /** Wheel convention (viewerInput.ts): plain wheel scrolls the notebook unless "wheel: slices". */
  private onWheel(e: WheelEvent): void {
    const action = wheelAction(e, { focused: this.keys.focused, wheelSlices: this.wheelSlices });
    if (action === "page") {
      this.stage.showWheelHint();
      return; // not prevented: the notebook scrolls
    }
    e.preventDefault();
    if (action === "zoom") {
      const [x, y] = canvasPoint(e.currentTarget as HTMLCanvasElement, e);
      this.view.zoomAt(x, y, e.deltaY < 0);
      this.redrawAll();
      return;
    }
    const step = wheelStep(e);
    if (step !== 0) this.setSlice(this.view.slice + step);
  }

  private onPointerDown(e: PointerEvent): void {
    this.node.focus({ preventScroll: true });
    const c = e.currentTarget as HTMLCanvasElement;
    const tool = this.labels.tool;
    if (e.button === 1 || tool === "navigate" || e.shiftKey) {
      this.view.startPan(e.clientX, e.clientY);
      c.setPointerCapture(e.pointerId);
      return;
    }
    if (e.button !== 0 || !this.labels.canPaint) return;
    const p = this.pixelAt(e);
    if (!p) return;
    e.preventDefault();
    if (tool === "fill") {
      // the clicked canvas's channel, channel 0 when blended
      const k = this.stage.mode === "blend" ? 0 : Number(c.dataset.channel) || 0;
      const { plane, slice } = this.view;
      this.labels
        .fill(p, () => this.data.channelPlane(k, plane, slice))
        .catch((error: Error) => this.showMessage(`fill failed: ${error.message}`, true));
      return;
    }
    this.labels.startStroke(p);
    c.setPointerCapture(e.pointerId);
  }

  private onPointerMove(e: PointerEvent): void {
    const c = e.currentTarget as HTMLCanvasElement;
    if (this.view.panning) {
      this.view.panTo(e.clientX, e.clientY, c.width / c.getBoundingClientRect().width);
      this.redrawAll();
      return;
    }
    const p = this.pixelAt(e);
    this.hover = p;
    this.updateReadout(p);
    if (p && this.labels.continueStroke(p)) return;
    if (this.labels.outlineColor()) this.redrawAll();
  }

  private onPointerUp(e: PointerEvent): void {
    const c = e.currentTarget as HTMLCanvasElement;
    if (c.hasPointerCapture(e.pointerId)) c.releasePointerCapture(e.pointerId);
    this.view.endPan();
    this.labels.endStroke();
  }

  private onPointerLeave(): void {
    this.hover = undefined;
    this.readout.textContent = " ";
    this.redrawAll();
  }

  /** The viewer's keys (see viewerInput.ts). @returns true when the key did something. */
  private handleKey(e: KeyboardEvent): boolean {
    if (e.ctrlKey || e.metaKey || e.altKey) return this.labels.handleKey(e);
    const key = e.key;
    const slice = this.view.slice;
    if (key === "ArrowUp" || key === "PageUp" || key === ".")
      this.setSlice(slice + (key === "PageUp" ? 10 : 1));
    else if (key === "ArrowDown" || key === "PageDown" || key === ",")
      this.setSlice(slice - (key === "PageDown" ? 10 : 1));
    else if (key === "Home") this.setSlice(0);
    else if (key === "End") this.setSlice(Number.MAX_SAFE_INTEGER);
    else if (key === "?") this.toggleHelp();
    else return this.labels.handleKey(e);
    return true;
  }

  private updateReadout(p: [number, number] | undefined): void {
    if (!p) {
      this.readout.textContent = " ";
      return;
    }
    const [z, y, x] = this.view.voxelAt(p[0], p[1]);
    const { plane, slice } = this.view;
    this.readout.textContent = readoutText({
      voxel: [z, y, x],
      spacing: this.payload.spacing,
      unit: this.payload.unit,
      ...this.data.valuesAt(z, y, x),
      label: this.labels.store?.get(z, y, x) ?? 0,
      classes: this.labels.classes,
      predicted: this.training?.readout(plane, slice, p[0], p[1]),
    });
  }

  /** The painted labels, undefined without a painter (tests paint through it). */
  get store(): LabelStore | undefined {
    return this.labels.store;
  }

  /** After a change of {@link store} made outside the painter: counts, drawing, autosave. */
  afterEdit(): void {
    this.labels.afterEdit();
  }

  undo(): void {
    this.labels.undo();
  }

  redo(): void {
    this.labels.redo();
  }

  // ---------------------------------------------------------------- training

  private buildTraining(): TrainingPanel {
    return new TrainingPanel(this.payload.training!, {
      viewId: this.payload.viewId,
      classes: this.labels.classes,
      send: (message, onResult) => sendRetrain(this.node, message, onResult),
      view: () => ({
        plane: this.view.plane,
        slice: this.view.slice,
        labelsPath: this.ctx.notebookDir === undefined ? undefined : this.labels.file,
      }),
      beforeSend: () => this.labels.flushForRetrain(),
      onChange: () => {
        this.requestRender();
        if (this.hover) this.updateReadout(this.hover);
      },
    });
  }
}
