// The slice viewer widget: planes, slices, zoom / pan, contrast, channels, overlays, label
// painter with autosave, threshold tuner, kernel link. Rendered by volumeRenderer.ts.
import { Widget } from "@lumino/widgets";
import { LabelFileError } from "./labelFile.js";
import { LabelStore } from "./labelModel.js";
import { planeDepth, planeSize, planeToVoxel } from "./planes.js";
import { isUncalibrated, parseColor, type RGB } from "./render.js";
import { histogramCounts } from "./histogram.js";
import { compositePanel, type ViewLayers } from "./compositor.js";
import { ClassEditor, classButton, mergeClasses, readClasses } from "./classEditor.js";
import {
  EXPORT_SCALES,
  downloadCanvas,
  drawView,
  exportCanvas,
  exportFileName,
  type ViewDecor,
  type ViewGeometry,
} from "./exportView.js";
import { defaultTolerance, fillAt } from "./floodFill.js";
import { phasePalette, renderLegend, viewLegend } from "./legend.js";
import { ViewerKeys, buildHelp, buildViewTools, wheelAction, wheelStep } from "./viewerInput.js";
import { LabelSaver, type SaveState } from "./labelSaver.js";
import {
  readFileRange,
  readTextVersion,
  saveTextFile,
  sendRetrain,
  sendToKernel,
  serverId,
  serverPath,
  statFile,
} from "./server.js";
import { TrainingPanel } from "./trainingPanel.js";
import { VoxelArray, type RangeReader, type VoxelArrayOptions, type Voxels } from "./volumeData.js";
import {
  DEFAULT_LABEL_CLASSES,
  sanitizeLabelFileName,
  type LabelClass,
  type ViewPlane,
  type VolumePayload,
} from "./viewerTypes.js";
import { el, field } from "./dom.js";

type Tool = "navigate" | "brush" | "eraser" | "fill";

/** Largest brush radius (voxels). */
const MAX_RADIUS = 50;

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
  private readonly channels: VoxelArray[];
  private readonly overlays: VoxelArray[];
  private overlayOn: boolean[];
  private overlayOpacity: number[];
  private windows: [number, number][];
  private windowChannel = 0;
  private plane: ViewPlane;
  private slice: number;
  private channelMode: "side" | "blend";
  private scale = 1;
  private offset: [number, number] = [0, 0];
  private fitted = false;
  private tool: Tool = "navigate";
  private brushRadius = 3;
  private activeClass = 1;
  private labelOpacity = 0.6;
  private readonly classes: LabelClass[];
  private readonly palette: Map<number, RGB>;
  private store: LabelStore | undefined;
  private labelsFile: string | undefined;
  private labelsReadOnly = false;
  /** Autosave of the painted labels (conditional saves, merge, browser copy; labelSaver.ts). */
  private saver: LabelSaver | undefined;
  private thresholds: number[];
  private thresholdPreview = false;
  private dragThreshold = -1;
  private renderQueued = false;
  private renderToken = 0;
  private painting: { last: [number, number] } | undefined;
  private panning: { x: number; y: number; ox: number; oy: number } | undefined;
  private hover: [number, number] | undefined;
  private training: TrainingPanel | undefined;
  /** A retrain is flushing the save: it sends the saved labels itself, no extra retrain. */
  private flushing = false;
  private histSource: "volume" | "slice" = "volume";
  /** Histogram of channel 0 on the shown plane (`plane:slice` it was computed for). */
  private sliceHist: { key: string; counts: Float64Array } | undefined;
  /** Intensity tolerance of a fill started on unlabelled pixels (channel units). */
  private fillTolerance: number;
  /** "wheel: slices": the plain wheel changes the slice while the viewer has the focus. */
  private wheelSlices = false;
  /** Who has the keys (focus, pointer over the viewer), rings, Esc (viewerInput.ts). */
  private readonly keys: ViewerKeys;
  private classEditor: ClassEditor | undefined;
  private hintTimer: number | undefined;

  // DOM
  private readonly canvases: HTMLCanvasElement[] = [];
  private readonly offscreen: HTMLCanvasElement[] = [];
  private readonly stage = el("div", "tl-stage");
  private readonly sliceInput = el("input");
  private readonly sliceLabel = el("span", "tl-sliceLabel");
  private readonly planeSelect = el("select");
  private readonly loInput = el("input");
  private readonly hiInput = el("input");
  private readonly readout = el("div", "tl-readout", " ");
  private readonly message = el("div", "tl-message");
  private readonly saveStatus = el("span", "tl-saveStatus");
  private readonly labelBanner = el("div", "tl-labelBanner");
  private readonly countsBox = el("span", "tl-counts");
  private readonly classButtons = new Map<number, HTMLButtonElement>();
  private readonly toolButtons = new Map<Tool, HTMLButtonElement>();
  private readonly histogram = el("canvas", "tl-histogram");
  private readonly thresholdText = el("span", "tl-thresholdValues");
  private readonly applyStatus = el("span", "tl-applyStatus");
  private readonly sizeInput = el("input", "tl-brushSize");
  private readonly classBox = el("span", "tl-classBox");
  private readonly legend = el("div", "tl-legend");
  private readonly wheelHint = el("div", "tl-wheelHint");
  private readonly helpPanel = buildHelp();

  constructor(payload: VolumePayload, ctx: ViewerContext) {
    super();
    this.payload = payload;
    this.ctx = ctx;
    this.addClass("tl-VolumeViewer");
    this.node.tabIndex = 0;
    this.node.dataset.viewId = payload.viewId;
    const shape = payload.shape;
    const dir = ctx.notebookDir;
    const reader =
      ctx.reader ??
      (dir === undefined
        ? undefined
        : (path: string, start: number, end: number, signal?: AbortSignal) =>
            readFileRange(dir, path, start, end, signal));
    const opts = ctx.arrayOptions;
    this.channels = payload.channels.map(
      (c) => new VoxelArray(shape, c.dtype, c.source, reader, opts),
    );
    this.overlays = payload.overlays.map(
      (o) => new VoxelArray(shape, o.dtype, o.source, reader, opts),
    );
    this.overlayOn = payload.overlays.map(() => true);
    this.overlayOpacity = payload.overlays.map((o) => o.opacity ?? 0.5);
    this.windows = payload.channels.map((c) => [c.window[0], c.window[1]]);
    this.plane = payload.initial.plane;
    this.slice = payload.initial.slice;
    this.channelMode = payload.channelMode;
    // a copy: the class editor renames and recolours in place
    const classes = payload.labels?.classes?.length
      ? payload.labels.classes
      : DEFAULT_LABEL_CLASSES;
    this.classes = classes.map((c) => ({ ...c }));
    this.palette = new Map(this.classes.map((c) => [c.id, parseColor(c.color)]));
    const ch0 = payload.channels[0];
    this.thresholds = payload.thresholds?.slice() ?? [(ch0.window[0] + ch0.window[1]) / 2];
    this.fillTolerance = defaultTolerance(ch0.window);
    this.keys = new ViewerKeys(this.node, (e) => this.handleKey(e));

    this.onWheel = this.onWheel.bind(this);
    this.onPointerDown = this.onPointerDown.bind(this);
    this.onPointerMove = this.onPointerMove.bind(this);
    this.onPointerUp = this.onPointerUp.bind(this);
    this.onPointerLeave = this.onPointerLeave.bind(this);
    this.onHistDown = this.onHistDown.bind(this);
    this.onHistMove = this.onHistMove.bind(this);
    this.onHistUp = this.onHistUp.bind(this);
    if (payload.training && payload.labels) this.training = this.buildTraining();
    this.buildDom();
    if (payload.labels) void this.initLabels(payload.labels.path);
    this.requestRender();
  }

  // ---------------------------------------------------------------- DOM

  private buildDom(): void {
    const p = this.payload;
    if (p.title) this.node.appendChild(el("div", "tl-title", p.title));
    const bar = el("div", "tl-toolbar");
    for (const plane of ["xy", "xz", "yz"] as ViewPlane[]) {
      const o = el("option", undefined, plane);
      o.value = plane;
      this.planeSelect.appendChild(o);
    }
    this.planeSelect.value = this.plane;
    this.planeSelect.className = "tl-plane";
    this.planeSelect.addEventListener("change", () =>
      this.setPlane(this.planeSelect.value as ViewPlane),
    );
    this.sliceInput.type = "range";
    this.sliceInput.className = "tl-slice";
    this.sliceInput.min = "0";
    this.sliceInput.addEventListener("input", () => this.setSlice(Number(this.sliceInput.value)));
    bar.append(field("plane", this.planeSelect), field("slice", this.sliceInput), this.sliceLabel);
    const fit = el("button", "tl-fit", "fit");
    fit.title =
      "Reset zoom and pan (Ctrl+wheel zooms, drag with the navigate tool or the middle button pans)";
    fit.addEventListener("click", () => {
      this.fitted = false;
      this.requestRender();
    });
    bar.appendChild(fit);
    for (const input of [this.loInput, this.hiInput]) {
      input.type = "number";
      input.step = "any";
      input.className = "tl-window";
      input.addEventListener("change", () => {
        this.windows[this.windowChannel] = [Number(this.loInput.value), Number(this.hiInput.value)];
        this.requestRender();
      });
    }
    this.syncWindowInputs();
    const auto = el("button", "tl-auto", "auto");
    auto.title = "Contrast window from the 0.5 / 99.5 percentiles";
    auto.addEventListener("click", () => {
      this.windows = p.channels.map((c) => [c.window[0], c.window[1]]);
      this.syncWindowInputs();
      this.requestRender();
    });
    if (p.channels.length > 1) {
      // the window inputs edit one channel at a time
      const which = el("select", "tl-windowChannel");
      p.channels.forEach((c, i) => {
        const o = el("option", undefined, c.name);
        o.value = String(i);
        which.appendChild(o);
      });
      which.addEventListener("change", () => {
        this.windowChannel = Number(which.value);
        this.syncWindowInputs();
      });
      bar.append(field("window", which), this.loInput, this.hiInput, auto);
    } else bar.append(field("window", this.loInput), this.hiInput, auto);
    if (p.channels.length > 1) {
      const mode = el("select", "tl-channelMode");
      for (const m of ["side", "blend"]) {
        const o = el("option", undefined, m === "side" ? "side by side" : "blended");
        o.value = m;
        mode.appendChild(o);
      }
      mode.value = this.channelMode;
      mode.addEventListener("change", () => {
        this.channelMode = mode.value as "side" | "blend";
        this.buildCanvases();
        this.requestRender();
      });
      bar.appendChild(field("channels", mode));
    }
    p.overlays.forEach((o, i) => {
      const box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.addEventListener("change", () => {
        this.overlayOn[i] = box.checked;
        this.requestRender();
      });
      const op = el("input", "tl-opacity");
      op.type = "range";
      op.min = "0";
      op.max = "1";
      op.step = "0.05";
      op.value = String(this.overlayOpacity[i]);
      op.addEventListener("input", () => {
        this.overlayOpacity[i] = Number(op.value);
        this.requestRender();
      });
      bar.append(field(o.name, box), op);
    });
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
    if (p.labels)
      this.node.append(
        this.buildPaintBar(),
        ...(this.classEditor ? [this.classEditor.element] : []),
        this.labelBanner,
      );
    this.wheelHint.textContent = "Shift + wheel: slices · Ctrl + wheel: zoom";
    this.stage.appendChild(this.wheelHint);
    this.node.append(this.stage, this.legend);
    this.legend.hidden = true;
    this.node.appendChild(this.readout);
    if (this.training) this.node.appendChild(this.training.element);
    this.node.appendChild(this.buildTuner());
    this.node.appendChild(this.message);
    this.buildCanvases();
    this.syncSlice();
  }

  private buildPaintBar(): HTMLElement {
    const bar = el("div", "tl-paintbar");
    const tools: [Tool, string, string][] = [
      ["navigate", "pan", "Navigate: drag pans (N)"],
      ["brush", "brush", "Brush (B)"],
      ["eraser", "eraser", "Eraser (E)"],
      [
        "fill",
        "fill",
        "Fill (F): the connected region of the clicked label on this slice; from unlabelled pixels only those within ± tolerance of the clicked intensity",
      ],
    ];
    for (const [tool, text, title] of tools) {
      const b = el("button", `tl-tool tl-tool-${tool}`, text);
      b.title = title;
      b.addEventListener("click", () => this.setTool(tool));
      this.toolButtons.set(tool, b);
      bar.appendChild(b);
    }
    const size = this.sizeInput;
    size.type = "number";
    size.min = "0";
    size.max = String(MAX_RADIUS);
    size.title = "Brush radius in voxels ([ / ] change it)";
    size.value = String(this.brushRadius);
    size.addEventListener("change", () => this.setBrushRadius(Number(size.value) || 0));
    const tol = el("input", "tl-fillTolerance");
    tol.type = "number";
    tol.min = "0";
    tol.step = "any";
    tol.value = String(this.fillTolerance);
    tol.title =
      "Fill from an unlabelled pixel takes the connected unlabelled pixels within ± this of its intensity (channel units; empty = no bound)";
    tol.addEventListener("change", () => {
      const v = Number(tol.value);
      if (tol.value.trim() === "") this.fillTolerance = Infinity;
      else if (v >= 0) this.fillTolerance = v;
      tol.value = Number.isFinite(this.fillTolerance) ? String(this.fillTolerance) : "";
    });
    this.classEditor = new ClassEditor(this.classes, {
      counts: () => this.store?.counts() ?? {},
      canSave: () => this.saver !== undefined,
      onChange: () => this.classesChanged(true),
    });
    const edit = el("button", "tl-editClasses", "classes…");
    edit.title = "Add, rename and recolour classes (saved with the labels)";
    edit.addEventListener("click", () => {
      const editor = this.classEditor!;
      editor.element.hidden = !editor.element.hidden;
      editor.refresh();
    });
    this.renderClassButtons();
    bar.append(field("radius", size), field("tolerance ±", tol), this.classBox, edit);
    const undo = el("button", "tl-undo", "undo");
    undo.title = "Undo (Ctrl+Z)";
    undo.addEventListener("click", () => this.undo());
    const redo = el("button", "tl-redo", "redo");
    redo.title = "Redo (Ctrl+Shift+Z)";
    redo.addEventListener("click", () => this.redo());
    const op = el("input", "tl-opacity");
    op.type = "range";
    op.min = "0";
    op.max = "1";
    op.step = "0.05";
    op.value = String(this.labelOpacity);
    op.addEventListener("input", () => {
      this.labelOpacity = Number(op.value);
      this.requestRender();
    });
    bar.append(undo, redo, field("labels", op), this.countsBox, this.saveStatus);
    this.setTool("navigate");
    this.setClass(this.classes[0]?.id ?? 1);
    return bar;
  }

  private buildTuner(): HTMLElement {
    const box = el("div", "tl-tuner");
    this.histogram.width = 512;
    this.histogram.height = 90;
    const count = el("select", "tl-thresholdCount");
    for (const n of [1, 2, 3]) {
      const o = el("option", undefined, n === 1 ? "single" : n === 2 ? "double" : "triple");
      o.value = String(n);
      count.appendChild(o);
    }
    count.value = String(this.thresholds.length);
    count.addEventListener("change", () => {
      const n = Number(count.value);
      const [lo, hi] = this.windows[0];
      this.thresholds = Array.from({ length: n }, (_, i) => lo + ((i + 1) * (hi - lo)) / (n + 1));
      this.drawHistogram();
      this.requestRender();
    });
    const preview = el("input", "tl-thresholdPreview");
    preview.type = "checkbox";
    preview.addEventListener("change", () => {
      this.thresholdPreview = preview.checked;
      this.requestRender();
    });
    const source = el("select", "tl-histSource");
    for (const [value, text] of [
      ["volume", "volume"],
      ["slice", "this slice"],
    ]) {
      const o = el("option", undefined, text);
      o.value = value;
      source.appendChild(o);
    }
    source.title = "Histogram of the whole volume or of the shown slice (channel 0, same bins)";
    source.addEventListener("change", () => {
      this.histSource = source.value as "volume" | "slice";
      if (this.histSource === "slice") this.requestRender();
      this.drawHistogram();
    });
    const apply = el("button", "tl-applyThresholds", "apply");
    apply.title =
      "Send the thresholds to the kernel (read them with handle.thresholds() or viewerThresholds())";
    apply.addEventListener("click", () => void this.applyThresholds());
    const controls = el("div", "tl-tunerControls");
    controls.append(
      field("histogram", source),
      field("threshold", count),
      field("preview", preview),
      apply,
      this.thresholdText,
      this.applyStatus,
    );
    box.append(this.histogram, controls);
    this.drawHistogram();
    return box;
  }

  private buildCanvases(): void {
    for (const c of this.canvases) c.remove();
    this.canvases.length = 0;
    this.offscreen.length = 0;
    const n = this.channelMode === "side" ? this.payload.channels.length : 1;
    const width = n === 1 ? 560 : Math.max(240, Math.floor(1000 / n));
    for (let i = 0; i < n; i++) {
      const c = el("canvas", "tl-canvas");
      c.width = width;
      c.height = 480;
      c.dataset.channel = String(i);
      this.canvases.push(c);
      this.offscreen.push(el("canvas"));
      this.stage.appendChild(c);
      if (this.isAttached) this.listenCanvas(c, true);
    }
    this.fitted = false;
  }

  private listenCanvas(c: HTMLCanvasElement, on: boolean): void {
    const m = on ? "addEventListener" : "removeEventListener";
    c[m]("wheel", this.onWheel as EventListener, { passive: false } as AddEventListenerOptions);
    c[m]("pointerdown", this.onPointerDown as EventListener);
    c[m]("pointermove", this.onPointerMove as EventListener);
    c[m]("pointerup", this.onPointerUp as EventListener);
    c[m]("pointerleave", this.onPointerLeave as EventListener);
  }

  protected override onAfterAttach(): void {
    for (const c of this.canvases) this.listenCanvas(c, true);
    this.keys.attach();
    this.histogram.addEventListener("pointerdown", this.onHistDown);
    this.histogram.addEventListener("pointermove", this.onHistMove);
    this.histogram.addEventListener("pointerup", this.onHistUp);
    this.requestRender();
  }

  protected override onBeforeDetach(): void {
    for (const c of this.canvases) this.listenCanvas(c, false);
    this.keys.detach();
    this.histogram.removeEventListener("pointerdown", this.onHistDown);
    this.histogram.removeEventListener("pointermove", this.onHistMove);
    this.histogram.removeEventListener("pointerup", this.onHistUp);
    void this.saver?.flush();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.training?.dispose();
    this.saver?.dispose();
    super.dispose();
  }

  // ---------------------------------------------------------------- state

  private syncWindowInputs(): void {
    const [lo, hi] = this.windows[this.windowChannel];
    this.loInput.value = String(+lo.toPrecision(6));
    this.hiInput.value = String(+hi.toPrecision(6));
  }

  private syncSlice(): void {
    const depth = planeDepth(this.payload.shape, this.plane);
    this.sliceInput.max = String(depth - 1);
    this.sliceInput.value = String(this.slice);
    const axis = this.plane === "xy" ? "z" : this.plane === "xz" ? "y" : "x";
    this.sliceLabel.textContent = `${axis} = ${this.slice} / ${depth - 1}`;
    this.node.dataset.plane = this.plane;
    this.node.dataset.slice = String(this.slice);
  }

  setPlane(plane: ViewPlane): void {
    if (plane === this.plane) return;
    this.plane = plane;
    this.planeSelect.value = plane;
    this.slice = Math.floor(planeDepth(this.payload.shape, plane) / 2);
    this.fitted = false;
    this.syncSlice();
    if (plane !== "xy" && this.channels.some((c) => !c.isLoaded))
      this.showMessage(
        this.channels.every((c) => c.canLoadAll)
          ? "loading the whole volume for this plane..."
          : "loading a downsampled copy for this plane...",
      );
    this.requestRender();
    this.training?.viewChanged();
  }

  setSlice(slice: number): void {
    const depth = planeDepth(this.payload.shape, this.plane);
    const s = Math.max(0, Math.min(depth - 1, Math.round(slice)));
    if (s === this.slice) return;
    this.slice = s;
    this.syncSlice();
    this.requestRender();
    this.training?.viewChanged();
  }

  private setTool(tool: Tool): void {
    this.tool = tool;
    for (const [t, b] of this.toolButtons) b.classList.toggle("tl-mod-active", t === tool);
    this.node.dataset.tool = tool;
    this.stage.style.cursor = tool === "navigate" ? "grab" : "crosshair";
  }

  private setClass(id: number): void {
    this.activeClass = id;
    for (const [c, b] of this.classButtons) b.classList.toggle("tl-mod-active", c === id);
  }

  /** Brush radius in voxels, clamped to [0, MAX_RADIUS]; the radius box follows. */
  private setBrushRadius(radius: number): void {
    this.brushRadius = Math.max(0, Math.min(MAX_RADIUS, Math.round(radius)));
    this.sizeInput.value = String(this.brushRadius);
    this.node.dataset.brushRadius = String(this.brushRadius);
    if (this.hover) this.redrawAll();
  }

  /** The paint bar's class buttons (rebuilt after a class edit); keys 1 - 9 follow the order. */
  private renderClassButtons(): void {
    this.classButtons.clear();
    this.classBox.replaceChildren(
      ...this.classes.map((c, i) => {
        const b = classButton(c, i < 9 ? i + 1 : 0, () => this.setClass(c.id));
        this.classButtons.set(c.id, b);
        return b;
      }),
    );
    if (!this.classes.some((c) => c.id === this.activeClass))
      this.activeClass = this.classes[0]?.id ?? 1;
    this.setClass(this.activeClass);
  }

  /**
   * After the class list changed (edited here, or read from the label file): palette, buttons,
   * counts, legend, drawing; `save` hands an edit to the label saver (written with the labels).
   */
  private classesChanged(save: boolean): void {
    this.palette.clear();
    for (const c of this.classes) this.palette.set(c.id, parseColor(c.color));
    this.renderClassButtons();
    this.updateCounts();
    this.node.dataset.classes = JSON.stringify(this.classes);
    this.requestRender();
    if (save) this.saver?.edited();
  }

  /** Classes of the label file: names and colours edited in a viewer replace the kernel's. */
  private adoptFileClasses(value: unknown): void {
    const fromFile = readClasses(value);
    if (!fromFile) {
      this.showMessage(
        "the label file's class list is not usable (ids 1-255, names, #rrggbb colours): the kernel's classes are shown",
      );
      return;
    }
    const merged = mergeClasses(fromFile, this.payload.labels?.classes ?? DEFAULT_LABEL_CLASSES);
    this.classes.splice(0, this.classes.length, ...merged);
    this.classesChanged(false);
    this.classEditor?.refresh();
  }

  /**
   * Arrays above the browser's full-load limit show xz / yz from a downsampled level: say so,
   * and for xz read the plane's rows at full resolution, then draw again.
   */
  private noteCoarse(plane: ViewPlane, slice: number): void {
    if (plane === "xy") return;
    const arrays = [...this.channels, ...this.overlays.filter((_, i) => this.overlayOn[i])];
    const coarse = Math.max(1, ...arrays.map((a) => a.planeLevel(plane, slice) ?? 1));
    this.node.dataset.coarse = String(coarse);
    if (coarse === 1) return;
    this.showMessage(
      `coarse preview (1/${coarse} resolution)${plane === "xz" ? ", refining..." : "; yz stays coarse for volumes above 1 GiB"}`,
    );
    if (plane !== "xz") return;
    void Promise.all(arrays.map((a) => a.refinePlane(plane, slice))).then(
      (planes) => {
        if (planes.every(Boolean) && this.plane === plane && this.slice === slice) {
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
    const plane = this.plane;
    const slice = this.slice;
    const [w, h] = planeSize(this.payload.shape, plane);
    let values: Voxels[];
    let overlayValues: (Voxels | undefined)[];
    try {
      values = await Promise.all(this.channels.map((c) => c.plane(plane, slice)));
      overlayValues = await Promise.all(
        this.overlays.map((o, i) => (this.overlayOn[i] ? o.plane(plane, slice) : undefined)),
      );
    } catch (error) {
      this.showMessage(`tomolab viewer: ${(error as Error).message}`, true);
      return;
    }
    if (token !== this.renderToken) return; // a newer render started while reading
    if (this.message.textContent?.startsWith("loading")) this.showMessage("");
    this.noteCoarse(plane, slice);
    const labels = this.store?.planeLabels(plane, slice);
    let training = this.training?.overlay(plane, slice);
    if (training && (training.width !== w || training.height !== h)) training = undefined;
    if (training) this.node.dataset.prediction = `${plane}:${slice}`;
    else delete this.node.dataset.prediction;
    if (this.histSource === "slice") this.updateSliceHistogram(values[0], `${plane}:${slice}`);
    this.updateLegend(Boolean(training?.prediction));
    const layers: ViewLayers = {
      channels: values,
      windows: this.windows,
      blend: this.channelMode === "blend",
      thresholds: this.thresholdPreview ? this.thresholds : undefined,
      overlays: this.payload.overlays.map((overlay, i) => ({
        overlay,
        values: overlayValues[i],
        opacity: this.overlayOpacity[i],
      })),
      classes: this.classes,
      palette: this.palette,
      training,
      labels,
      labelOpacity: this.labelOpacity,
    };
    for (let k = 0; k < this.canvases.length; k++) {
      const off = this.offscreen[k];
      if (off.width !== w || off.height !== h) {
        off.width = w;
        off.height = h;
      }
      const octx = off.getContext("2d");
      if (!octx) return; // no canvas support (jsdom)
      const image = octx.createImageData(w, h);
      compositePanel(layers, k, image.data);
      octx.putImageData(image, 0, 0);
      this.draw(k);
    }
    const ms = performance.now() - t0;
    this.node.dataset.rendered = `${plane}:${slice}`;
    this.node.dispatchEvent(new CustomEvent("tl-rendered", { detail: { plane, slice, ms } }));
    if (plane === "xy") for (const c of this.channels) c.prefetch(slice);
  }

  /** Physical size of a plane pixel along u and v. */
  private pixelSize(): [number, number] {
    const [dz, dy, dx] = this.payload.spacing;
    return this.plane === "xy" ? [dx, dy] : this.plane === "xz" ? [dx, dz] : [dy, dz];
  }

  /** Where the image sits on canvas k (fitted on the first draw after a reset). */
  private geometry(k: number): ViewGeometry {
    const c = this.canvases[k];
    const off = this.offscreen[k];
    const [pu, pv] = this.pixelSize();
    const aspect = pv / pu;
    if (!this.fitted) {
      this.scale = Math.min(c.width / off.width, c.height / (off.height * aspect));
      this.offset = [
        (c.width - off.width * this.scale) / 2,
        (c.height - off.height * aspect * this.scale) / 2,
      ];
      this.fitted = true;
    }
    return {
      width: c.width,
      height: c.height,
      offset: [...this.offset],
      scale: this.scale,
      aspect,
    };
  }

  /** Scale bar unit and channel name of canvas k. */
  private decor(k: number): ViewDecor {
    const side = this.channelMode === "side" && this.payload.channels.length > 1;
    return {
      pixelSize: this.pixelSize()[0],
      unit: this.payload.unit,
      name: side ? this.payload.channels[k].name : undefined,
    };
  }

  private draw(k: number): void {
    const c = this.canvases[k];
    const ctx = c.getContext("2d");
    if (!ctx) return;
    const g = this.geometry(k);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    c.dataset.scaleBar = drawView(ctx, this.offscreen[k], g, this.decor(k));
    this.node.dataset.zoom = String(+g.scale.toFixed(4));
    // brush outline (on screen only, not in exports)
    if (this.hover && (this.tool === "brush" || this.tool === "eraser")) {
      const [u, v] = this.hover;
      ctx.strokeStyle =
        this.tool === "eraser"
          ? "#ffffff"
          : (this.classes.find((cl) => cl.id === this.activeClass)?.color ?? "#fff");
      ctx.beginPath();
      ctx.ellipse(
        g.offset[0] + (u + 0.5) * g.scale,
        g.offset[1] + (v + 0.5) * g.scale * g.aspect,
        (this.brushRadius + 0.5) * g.scale,
        (this.brushRadius + 0.5) * g.scale * g.aspect,
        0,
        0,
        2 * Math.PI,
      );
      ctx.stroke();
    }
  }

  /**
   * Saves the view as shown (image, overlays, labels, scale bar; no brush outline) as a PNG
   * download at `factor` x the canvas size. @returns the file name.
   */
  async exportPng(factor: number): Promise<string> {
    const panels = this.canvases.map((_, k) => ({
      image: this.offscreen[k],
      geometry: this.geometry(k),
      decor: this.decor(k),
    }));
    const canvas = exportCanvas(panels, factor);
    const name = exportFileName(this.payload.title, this.plane, this.slice, factor);
    await downloadCanvas(canvas, name);
    this.node.dataset.exported = `${name} ${canvas.width}x${canvas.height}`;
    return name;
  }

  /** Legend under the image: threshold phases, shown label overlays, the live prediction. */
  private updateLegend(prediction: boolean): void {
    const overlays = this.payload.overlays.filter((_, i) => this.overlayOn[i]);
    const thresholds = this.thresholdPreview ? this.thresholds : undefined;
    renderLegend(
      this.legend,
      viewLegend({ thresholds, overlays, classes: this.classes, prediction }),
    );
  }

  private toggleHelp(): void {
    this.helpPanel.hidden = !this.helpPanel.hidden;
  }

  private redrawAll(): void {
    for (let k = 0; k < this.canvases.length; k++) this.draw(k);
  }

  // ---------------------------------------------------------------- input

  /** Plane pixel under a pointer event, or undefined outside the image. */
  private pixelAt(e: MouseEvent): [number, number] | undefined {
    const c = e.currentTarget as HTMLCanvasElement;
    const r = c.getBoundingClientRect();
    const x = ((e.clientX - r.left) * c.width) / r.width;
    const y = ((e.clientY - r.top) * c.height) / r.height;
    const [pu, pv] = this.pixelSize();
    const u = Math.floor((x - this.offset[0]) / this.scale);
    const v = Math.floor((y - this.offset[1]) / (this.scale * (pv / pu)));
    const [w, h] = planeSize(this.payload.shape, this.plane);
    if (u < 0 || v < 0 || u >= w || v >= h) return undefined;
    return [u, v];
  }

  /** Wheel convention (viewerInput.ts): plain wheel scrolls the notebook unless "wheel: slices". */
  private onWheel(e: WheelEvent): void {
    const action = wheelAction(e, { focused: this.keys.focused, wheelSlices: this.wheelSlices });
    if (action === "page") {
      this.showWheelHint();
      return; // not prevented: the notebook scrolls
    }
    e.preventDefault();
    if (action === "zoom") {
      const c = e.currentTarget as HTMLCanvasElement;
      const r = c.getBoundingClientRect();
      const x = ((e.clientX - r.left) * c.width) / r.width;
      const y = ((e.clientY - r.top) * c.height) / r.height;
      const f = e.deltaY < 0 ? 1.25 : 0.8;
      this.offset = [x - (x - this.offset[0]) * f, y - (y - this.offset[1]) * f];
      this.scale *= f;
      this.redrawAll();
      return;
    }
    const step = wheelStep(e);
    if (step !== 0) this.setSlice(this.slice + step);
  }

  /** A short note over the image that the plain wheel scrolls the page. */
  private showWheelHint(): void {
    this.wheelHint.classList.add("tl-mod-visible");
    if (this.hintTimer !== undefined) window.clearTimeout(this.hintTimer);
    this.hintTimer = window.setTimeout(() => {
      this.hintTimer = undefined;
      this.wheelHint.classList.remove("tl-mod-visible");
    }, 1500);
  }

  private onPointerDown(e: PointerEvent): void {
    this.node.focus({ preventScroll: true });
    const c = e.currentTarget as HTMLCanvasElement;
    if (e.button === 1 || this.tool === "navigate" || e.shiftKey) {
      this.panning = { x: e.clientX, y: e.clientY, ox: this.offset[0], oy: this.offset[1] };
      c.setPointerCapture(e.pointerId);
      return;
    }
    if (e.button !== 0 || !this.store || this.labelsReadOnly) return;
    const p = this.pixelAt(e);
    if (!p) return;
    e.preventDefault();
    if (this.tool === "fill") {
      this.fill(p, Number(c.dataset.channel) || 0).catch((error: Error) =>
        this.showMessage(`fill failed: ${error.message}`, true),
      );
      return;
    }
    this.store.beginStroke(this.tool === "eraser" ? 0 : this.activeClass);
    this.store.paintDisc(this.plane, this.slice, p[0], p[1], this.brushRadius);
    this.painting = { last: p };
    c.setPointerCapture(e.pointerId);
    this.requestRender();
  }

  private onPointerMove(e: PointerEvent): void {
    if (this.panning) {
      const c = e.currentTarget as HTMLCanvasElement;
      const r = c.getBoundingClientRect();
      const k = c.width / r.width;
      this.offset = [
        this.panning.ox + (e.clientX - this.panning.x) * k,
        this.panning.oy + (e.clientY - this.panning.y) * k,
      ];
      this.redrawAll();
      return;
    }
    const p = this.pixelAt(e);
    this.hover = p;
    this.updateReadout(p);
    if (this.painting && p && this.store) {
      const [u0, v0] = this.painting.last;
      this.store.paintLine(this.plane, this.slice, u0, v0, p[0], p[1], this.brushRadius);
      this.painting.last = p;
      this.requestRender();
    } else if (this.tool === "brush" || this.tool === "eraser") this.redrawAll();
  }

  private onPointerUp(e: PointerEvent): void {
    const c = e.currentTarget as HTMLCanvasElement;
    if (c.hasPointerCapture(e.pointerId)) c.releasePointerCapture(e.pointerId);
    this.panning = undefined;
    if (this.painting && this.store) {
      this.painting = undefined;
      this.store.endStroke();
      this.afterEdit();
    }
  }

  private onPointerLeave(): void {
    this.hover = undefined;
    this.readout.textContent = " ";
    this.redrawAll();
  }

  /**
   * Fill at plane pixel `p` (one undo step): the 4-connected region of the clicked label on this
   * slice; from an unlabelled pixel only the pixels within ± fillTolerance of its intensity
   * (the clicked canvas's channel, channel 0 when blended).
   */
  private async fill(p: [number, number], channel: number): Promise<void> {
    const store = this.store;
    const { plane, slice } = this;
    if (!store) return;
    const k = this.channelMode === "blend" ? 0 : Math.min(channel, this.channels.length - 1);
    const bounded = Number.isFinite(this.fillTolerance);
    const values = bounded ? await this.channels[k].plane(plane, slice) : undefined;
    if (store !== this.store || plane !== this.plane || slice !== this.slice) return;
    const tolerance = this.fillTolerance;
    const changed = fillAt(store, plane, slice, p[0], p[1], this.activeClass, {
      values,
      tolerance,
    });
    this.node.dataset.lastFill = String(changed);
    if (changed > 0) this.afterEdit();
  }

  /** The viewer's keys (see viewerInput.ts). @returns true when the key did something. */
  private handleKey(e: KeyboardEvent): boolean {
    const key = e.key;
    const mod = e.ctrlKey || e.metaKey;
    if (mod || e.altKey) {
      if (!mod || e.altKey) return false;
      const k = key.toLowerCase();
      if (k === "z" && e.shiftKey) this.redo();
      else if (k === "z") this.undo();
      else if (k === "y") this.redo();
      else return false;
      return true;
    }
    if (key === "ArrowUp" || key === "PageUp" || key === ".")
      this.setSlice(this.slice + (key === "PageUp" ? 10 : 1));
    else if (key === "ArrowDown" || key === "PageDown" || key === ",")
      this.setSlice(this.slice - (key === "PageDown" ? 10 : 1));
    else if (key === "Home") this.setSlice(0);
    else if (key === "End") this.setSlice(Number.MAX_SAFE_INTEGER);
    else if (key === "n") this.setTool("navigate");
    else if (key === "b" && this.store) this.setTool("brush");
    else if (key === "e" && this.store) this.setTool("eraser");
    else if (key === "f" && this.store) this.setTool("fill");
    else if (/^[1-9]$/.test(key) && this.classes[Number(key) - 1])
      this.setClass(this.classes[Number(key) - 1].id);
    else if (key === "[" || key === "]")
      this.setBrushRadius(this.brushRadius + (key === "]" ? 1 : -1));
    else if (key === "?") this.toggleHelp();
    else return false;
    return true;
  }

  private updateReadout(p: [number, number] | undefined): void {
    if (!p) {
      this.readout.textContent = " ";
      return;
    }
    const [z, y, x] = planeToVoxel(this.plane, this.slice, p[0], p[1]);
    const [dz, dy, dx] = this.payload.spacing;
    const unit = this.payload.unit;
    const values = this.channels.map((c, i) => {
      const v = c.valueAt(z, y, x);
      return `${this.payload.channels[i].name} ${v === undefined ? "…" : +v.toPrecision(5)}`;
    });
    const label = this.store?.get(z, y, x) ?? 0;
    const cls = this.classes.find((c) => c.id === label);
    const overlays = this.payload.overlays.map((o, i) => {
      const v = this.overlays[i].valueAt(z, y, x);
      return `${o.name} ${v === undefined ? "…" : +v.toPrecision(4)}`;
    });
    const predicted = this.training?.readout(this.plane, this.slice, p[0], p[1]);
    const where = isUncalibrated(unit)
      ? "(voxels, no calibration)"
      : `(${+(z * dz).toPrecision(5)}, ${+(y * dy).toPrecision(5)}, ${+(x * dx).toPrecision(5)} ${unit})`;
    this.readout.textContent =
      `z ${z}  y ${y}  x ${x}  ${where}  |  ` +
      [
        ...values,
        ...overlays,
        `label ${label ? `${label} ${cls?.name ?? ""}` : "-"}`,
        ...(predicted ? [predicted] : []),
      ].join("  |  ");
  }

  // ---------------------------------------------------------------- labels

  private async initLabels(requested: string): Promise<void> {
    let name: string;
    try {
      name = sanitizeLabelFileName(requested);
    } catch (error) {
      // the kernel applies the same rule, so only a hand-made payload gets here
      this.labelsReadOnly = true;
      this.setSaveState("readonly", "painting disabled");
      this.showMessage(`${(error as Error).message}: the labels cannot be saved`, true);
      return;
    }
    const shape = this.payload.shape;
    this.labelsFile = name;
    this.node.dataset.labelsFile = name;
    this.store = new LabelStore(shape);
    if (this.ctx.notebookDir === undefined) {
      this.setSaveState("readonly", "labels are not saved: the notebook's folder is unknown");
      this.labelsReadOnly = false;
      this.updateCounts();
      return;
    }
    const saver = new LabelSaver({
      path: serverPath(this.ctx.notebookDir, name),
      store: this.store,
      classes: () => this.classes,
      spacing: this.payload.spacing,
      api: { stat: statFile, read: readTextVersion, write: saveTextFile },
      statusHost: this.saveStatus,
      bannerHost: this.labelBanner,
      server: serverId(),
      onState: (state) => (this.node.dataset.saveState = state),
      onStoreChanged: () => {
        this.updateCounts();
        this.requestRender();
      },
      onSaved: () => {
        if (!this.flushing) this.training?.labelsSaved();
      },
      onFileClasses: (classes) => this.adoptFileClasses(classes),
    });
    this.saver = saver;
    try {
      await saver.load();
    } catch (error) {
      saver.dispose();
      this.saver = undefined;
      this.labelsReadOnly = true;
      const why =
        error instanceof LabelFileError
          ? error.message
          : `cannot read ${name}: ${(error as Error).message}`;
      this.setSaveState("readonly", "painting disabled");
      this.showMessage(
        `${why}. The file is left untouched; move or fix it and re-run the cell.`,
        true,
      );
    }
    this.updateCounts();
    this.requestRender();
  }

  private afterEdit(): void {
    this.updateCounts();
    this.requestRender();
    this.saver?.edited();
  }

  undo(): void {
    if (this.store?.undo()) this.afterEdit();
  }

  redo(): void {
    if (this.store?.redo()) this.afterEdit();
  }

  private updateCounts(): void {
    if (!this.store) return;
    const counts = this.store.counts();
    this.countsBox.textContent = this.classes
      .map((c) => `${c.name} ${counts[String(c.id)] ?? 0}`)
      .join(" · ");
    this.node.dataset.counts = JSON.stringify(counts);
  }

  /** Save state shown without a saver (unusable name, unknown folder, unreadable file). */
  private setSaveState(state: SaveState, text: string): void {
    this.saveStatus.textContent = text;
    this.saveStatus.dataset.state = state;
    this.node.dataset.saveState = state;
  }

  /** Save now when a save is pending or running (before a retrain reads the label file). */
  private async flushLabels(): Promise<void> {
    this.flushing = true;
    try {
      await this.saver?.flush();
    } finally {
      this.flushing = false;
    }
  }

  // ---------------------------------------------------------------- training

  private buildTraining(): TrainingPanel {
    return new TrainingPanel(this.payload.training!, {
      viewId: this.payload.viewId,
      classes: this.classes,
      send: (message, onResult) => sendRetrain(this.node, message, onResult),
      view: () => ({
        plane: this.plane,
        slice: this.slice,
        labelsPath: this.ctx.notebookDir === undefined ? undefined : this.labelsFile,
      }),
      beforeSend: () => this.flushLabels(),
      onChange: () => {
        this.requestRender();
        if (this.hover) this.updateReadout(this.hover);
      },
    });
  }

  // ---------------------------------------------------------------- threshold tuner

  private histX(value: number): number {
    const h = this.payload.channels[0].histogram;
    return ((value - h.min) / (h.max - h.min || 1)) * this.histogram.width;
  }

  private drawHistogram(): void {
    const c = this.histogram;
    const h = this.payload.channels[0].histogram;
    const counts = this.histSource === "slice" && this.sliceHist ? this.sliceHist.counts : h.counts;
    c.dataset.source = this.histSource === "slice" && this.sliceHist ? "slice" : "volume";
    if (this.sliceHist && this.histSource === "slice") c.dataset.slice = this.sliceHist.key;
    this.thresholdText.textContent = this.thresholds.map((t) => +t.toPrecision(5)).join(", ");
    this.node.dataset.thresholds = JSON.stringify(this.thresholds);
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

  /** Slice histogram of channel 0 (volume histogram's bins), recomputed on a new plane / slice. */
  private updateSliceHistogram(values: Voxels, key: string): void {
    if (this.sliceHist?.key === key) return;
    const h = this.payload.channels[0].histogram;
    this.sliceHist = { key, counts: histogramCounts(values, h.min, h.max, h.counts.length) };
    this.drawHistogram();
  }

  private histValue(e: PointerEvent): number {
    const r = this.histogram.getBoundingClientRect();
    const x = ((e.clientX - r.left) * this.histogram.width) / r.width;
    const h = this.payload.channels[0].histogram;
    return h.min + (x / this.histogram.width) * (h.max - h.min);
  }

  private onHistDown(e: PointerEvent): void {
    const r = this.histogram.getBoundingClientRect();
    const x = ((e.clientX - r.left) * this.histogram.width) / r.width;
    let best = -1;
    let dist = 8;
    this.thresholds.forEach((t, i) => {
      const d = Math.abs(this.histX(t) - x);
      if (d <= dist) {
        dist = d;
        best = i;
      }
    });
    if (best < 0) return;
    this.dragThreshold = best;
    this.histogram.setPointerCapture(e.pointerId);
    e.preventDefault();
  }

  private onHistMove(e: PointerEvent): void {
    if (this.dragThreshold < 0) return;
    const i = this.dragThreshold;
    const lo = i > 0 ? this.thresholds[i - 1] : this.payload.channels[0].histogram.min;
    const hi =
      i < this.thresholds.length - 1
        ? this.thresholds[i + 1]
        : this.payload.channels[0].histogram.max;
    let v = Math.max(lo, Math.min(hi, this.histValue(e)));
    if (this.payload.channels[0].dtype !== "float32") v = Math.round(v);
    this.thresholds[i] = v;
    this.drawHistogram();
    if (this.thresholdPreview) this.requestRender();
  }

  private onHistUp(e: PointerEvent): void {
    if (this.histogram.hasPointerCapture(e.pointerId))
      this.histogram.releasePointerCapture(e.pointerId);
    this.dragThreshold = -1;
  }

  private async applyThresholds(): Promise<void> {
    this.applyStatus.textContent = "sending...";
    this.applyStatus.dataset.state = "sending";
    try {
      await sendToKernel(this.node, {
        type: "thresholds",
        viewId: this.payload.viewId,
        channel: 0,
        thresholds: [...this.thresholds],
      });
      this.applyStatus.textContent = "applied in the kernel";
      this.applyStatus.dataset.state = "ok";
    } catch (error) {
      this.applyStatus.textContent = `not applied: ${(error as Error).message}`;
      this.applyStatus.dataset.state = "error";
    }
  }
}
