// The viewer's label painter: paint bar (tools, brush radius, fill tolerance, classes, undo /
// redo, label opacity, counts, save state), the class list and its palette, and the wiring of
// strokes and fills into the label store (labelModel.ts) and its autosave (labelSaver.ts).
import { ClassEditor, classButton, mergeClasses, readClasses } from "./classEditor.js";
import { el, field, slider } from "./dom.js";
import { defaultTolerance, fillAt } from "./floodFill.js";
import { LabelFileError } from "./labelFile.js";
import { LabelStore } from "./labelModel.js";
import { LabelSaver, type SaveState } from "./labelSaver.js";
import { parseColor, type RGB } from "./render.js";
import { readTextVersion, saveTextFile, serverId, serverPath, statFile } from "./server.js";
import type { Voxels } from "./volumeData.js";
import {
  DEFAULT_LABEL_CLASSES,
  sanitizeLabelFileName,
  type LabelClass,
  type ViewPlane,
  type VolumePayload,
} from "./viewerTypes.js";

export type Tool = "navigate" | "brush" | "eraser" | "fill";

/** Largest brush radius (voxels). */
export const MAX_RADIUS = 50;

/** What the painter needs from the viewer. */
export interface LabelEditorHooks {
  /** The viewer's node: data-tool, -brush-radius, -classes, -counts, -labels-file, -save-state, -last-fill. */
  node: HTMLElement;
  /** The image stage (its cursor follows the tool). */
  stage: HTMLElement;
  payload: VolumePayload;
  /** Folder of the notebook, server-relative; undefined = labels are not saved. */
  notebookDir: string | undefined;
  view: () => { plane: ViewPlane; slice: number };
  requestRender: () => void;
  /** Redraw the brush outline (the radius changed). */
  redraw: () => void;
  showMessage: (text: string, error?: boolean) => void;
  /** A save the viewer did not ask for (not a retrain's flush) was confirmed. */
  onSaved: () => void;
}

export class LabelEditor {
  /** The painter's classes (edited in place: the training panel and legend read this list). */
  readonly classes: LabelClass[];
  /** Class id -> colour, rebuilt after a class edit. */
  readonly palette: Map<number, RGB>;
  tool: Tool = "navigate";
  brushRadius = 3;
  activeClass = 1;
  opacity = 0.6;
  private storeValue: LabelStore | undefined;
  private fileName: string | undefined;
  private readOnly = false;
  /** Autosave of the painted labels (conditional saves, merge, browser copy; labelSaver.ts). */
  private saver: LabelSaver | undefined;
  /** A retrain is flushing the save: it sends the saved labels itself, no extra retrain. */
  private flushing = false;
  /** Intensity tolerance of a fill started on unlabelled pixels (channel units). */
  private fillTolerance: number;
  private stroke: { last: [number, number] } | undefined;
  private classEditor: ClassEditor | undefined;
  private readonly hooks: LabelEditorHooks;
  private readonly saveStatus = el("span", "tl-saveStatus");
  private readonly banner = el("div", "tl-labelBanner");
  private readonly countsBox = el("span", "tl-counts");
  private readonly classBox = el("span", "tl-classBox");
  private readonly sizeInput = el("input", "tl-brushSize");
  private readonly classButtons = new Map<number, HTMLButtonElement>();
  private readonly toolButtons = new Map<Tool, HTMLButtonElement>();

  constructor(hooks: LabelEditorHooks) {
    this.hooks = hooks;
    const p = hooks.payload;
    // a copy: the class editor renames and recolours in place
    const classes = p.labels?.classes?.length ? p.labels.classes : DEFAULT_LABEL_CLASSES;
    this.classes = classes.map((c) => ({ ...c }));
    this.palette = new Map(this.classes.map((c) => [c.id, parseColor(c.color)]));
    this.fillTolerance = defaultTolerance(p.channels[0].window);
  }

  /** The painted labels, undefined without a painter (or before {@link init}). */
  get store(): LabelStore | undefined {
    return this.storeValue;
  }

  /** Label file name next to the notebook (undefined before {@link init} or when unusable). */
  get file(): string | undefined {
    return this.fileName;
  }

  /** True when strokes and fills may change the labels. */
  get canPaint(): boolean {
    return this.storeValue !== undefined && !this.readOnly;
  }

  /** Colour of the brush outline, undefined when the tool is not a brush. */
  outlineColor(): string | undefined {
    if (this.tool === "eraser") return "#ffffff";
    if (this.tool !== "brush") return undefined;
    return this.classes.find((c) => c.id === this.activeClass)?.color ?? "#fff";
  }

  /** Paint bar, class editor and "restore unsaved strokes" banner, in page order. */
  build(): HTMLElement[] {
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
    const editor = new ClassEditor(this.classes, {
      counts: () => this.storeValue?.counts() ?? {},
      canSave: () => this.saver !== undefined,
      onChange: () => this.classesChanged(true),
    });
    this.classEditor = editor;
    const edit = el("button", "tl-editClasses", "classes…");
    edit.title = "Add, rename and recolour classes (saved with the labels)";
    edit.addEventListener("click", () => {
      editor.element.hidden = !editor.element.hidden;
      editor.refresh();
    });
    this.renderClassButtons();
    bar.append(
      field("radius", size),
      field("tolerance ±", this.toleranceInput()),
      this.classBox,
      edit,
    );
    const undo = el("button", "tl-undo", "undo");
    undo.title = "Undo (Ctrl+Z)";
    undo.addEventListener("click", () => this.undo());
    const redo = el("button", "tl-redo", "redo");
    redo.title = "Redo (Ctrl+Shift+Z)";
    redo.addEventListener("click", () => this.redo());
    const op = slider("tl-opacity", this.opacity, (value) => {
      this.opacity = value;
      this.hooks.requestRender();
    });
    bar.append(undo, redo, field("labels", op), this.countsBox, this.saveStatus);
    this.setTool("navigate");
    this.setClass(this.classes[0]?.id ?? 1);
    return [bar, editor.element, this.banner];
  }

  private toleranceInput(): HTMLInputElement {
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
    return tol;
  }

  setTool(tool: Tool): void {
    this.tool = tool;
    for (const [t, b] of this.toolButtons) b.classList.toggle("tl-mod-active", t === tool);
    this.hooks.node.dataset.tool = tool;
    this.hooks.stage.style.cursor = tool === "navigate" ? "grab" : "crosshair";
  }

  setClass(id: number): void {
    this.activeClass = id;
    for (const [c, b] of this.classButtons) b.classList.toggle("tl-mod-active", c === id);
  }

  /** Brush radius in voxels, clamped to [0, MAX_RADIUS]; the radius box follows. */
  setBrushRadius(radius: number): void {
    this.brushRadius = Math.max(0, Math.min(MAX_RADIUS, Math.round(radius)));
    this.sizeInput.value = String(this.brushRadius);
    this.hooks.node.dataset.brushRadius = String(this.brushRadius);
    this.hooks.redraw();
  }

  /**
   * The painter's keys: Ctrl+Z undo, Ctrl+Shift+Z / Ctrl+Y redo, N B E F tools, 1 - 9 classes,
   * [ ] brush radius. @returns true when the key did something.
   */
  handleKey(e: KeyboardEvent): boolean {
    const key = e.key;
    if (e.ctrlKey || e.metaKey || e.altKey) {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return false;
      const k = key.toLowerCase();
      if (k === "z" && e.shiftKey) this.redo();
      else if (k === "z") this.undo();
      else if (k === "y") this.redo();
      else return false;
      return true;
    }
    const painter = this.storeValue !== undefined;
    const byKey = /^[1-9]$/.test(key) ? this.classes[Number(key) - 1] : undefined;
    if (key === "n") this.setTool("navigate");
    else if (key === "b" && painter) this.setTool("brush");
    else if (key === "e" && painter) this.setTool("eraser");
    else if (key === "f" && painter) this.setTool("fill");
    else if (byKey) this.setClass(byKey.id);
    else if (key === "[" || key === "]")
      this.setBrushRadius(this.brushRadius + (key === "]" ? 1 : -1));
    else return false;
    return true;
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
    this.hooks.node.dataset.classes = JSON.stringify(this.classes);
    this.hooks.requestRender();
    if (save) this.saver?.edited();
  }

  /** Classes of the label file: names and colours edited in a viewer replace the kernel's. */
  private adoptFileClasses(value: unknown): void {
    const fromFile = readClasses(value);
    if (!fromFile) {
      this.hooks.showMessage(
        "the label file's class list is not usable (ids 1-255, names, #rrggbb colours): the kernel's classes are shown",
      );
      return;
    }
    const kernel = this.hooks.payload.labels?.classes ?? DEFAULT_LABEL_CLASSES;
    this.classes.splice(0, this.classes.length, ...mergeClasses(fromFile, kernel));
    this.classesChanged(false);
    this.classEditor?.refresh();
  }

  // ---------------------------------------------------------------- file and autosave

  /** Opens the label file `requested` next to the notebook (created on the first save). */
  async init(requested: string): Promise<void> {
    const { payload, notebookDir, node } = this.hooks;
    let name: string;
    try {
      name = sanitizeLabelFileName(requested);
    } catch (error) {
      // the kernel applies the same rule, so only a hand-made payload gets here
      this.readOnly = true;
      this.setSaveState("readonly", "painting disabled");
      this.hooks.showMessage(`${(error as Error).message}: the labels cannot be saved`, true);
      return;
    }
    this.fileName = name;
    node.dataset.labelsFile = name;
    const store = new LabelStore(payload.shape);
    this.storeValue = store;
    if (notebookDir === undefined) {
      this.setSaveState("readonly", "labels are not saved: the notebook's folder is unknown");
      this.readOnly = false;
      this.updateCounts();
      return;
    }
    const saver = new LabelSaver({
      path: serverPath(notebookDir, name),
      store,
      classes: () => this.classes,
      spacing: payload.spacing,
      api: { stat: statFile, read: readTextVersion, write: saveTextFile },
      statusHost: this.saveStatus,
      bannerHost: this.banner,
      server: serverId(),
      onState: (state) => (node.dataset.saveState = state),
      onStoreChanged: () => {
        this.updateCounts();
        this.hooks.requestRender();
      },
      onSaved: () => {
        if (!this.flushing) this.hooks.onSaved();
      },
      onFileClasses: (classes) => this.adoptFileClasses(classes),
    });
    this.saver = saver;
    try {
      await saver.load();
    } catch (error) {
      saver.dispose();
      this.saver = undefined;
      this.readOnly = true;
      const why =
        error instanceof LabelFileError
          ? error.message
          : `cannot read ${name}: ${(error as Error).message}`;
      this.setSaveState("readonly", "painting disabled");
      this.hooks.showMessage(
        `${why}. The file is left untouched; move or fix it and re-run the cell.`,
        true,
      );
    }
    this.updateCounts();
    this.hooks.requestRender();
  }

  /** Save state shown without a saver (unusable name, unknown folder, unreadable file). */
  private setSaveState(state: SaveState, text: string): void {
    this.saveStatus.textContent = text;
    this.saveStatus.dataset.state = state;
    this.hooks.node.dataset.saveState = state;
  }

  /** Save now when a save is pending or running (before a retrain reads the label file). */
  async flushForRetrain(): Promise<void> {
    this.flushing = true;
    try {
      await this.saver?.flush();
    } finally {
      this.flushing = false;
    }
  }

  /** Save what is pending (the viewer leaves the page). */
  flush(): void {
    void this.saver?.flush();
  }

  dispose(): void {
    this.saver?.dispose();
  }

  private updateCounts(): void {
    if (!this.storeValue) return;
    const counts = this.storeValue.counts();
    this.countsBox.textContent = this.classes
      .map((c) => `${c.name} ${counts[String(c.id)] ?? 0}`)
      .join(" · ");
    this.hooks.node.dataset.counts = JSON.stringify(counts);
  }

  /** After a change of the store (stroke, fill, undo): counts, drawing, autosave. */
  afterEdit(): void {
    this.updateCounts();
    this.hooks.requestRender();
    this.saver?.edited();
  }

  // ---------------------------------------------------------------- edits

  undo(): void {
    if (this.storeValue?.undo()) this.afterEdit();
  }

  redo(): void {
    if (this.storeValue?.redo()) this.afterEdit();
  }

  /** A brush or eraser stroke starts at plane pixel `p` (one undo step until {@link endStroke}). */
  startStroke(p: [number, number]): void {
    const store = this.storeValue;
    if (!store) return;
    const { plane, slice } = this.hooks.view();
    store.beginStroke(this.tool === "eraser" ? 0 : this.activeClass);
    store.paintDisc(plane, slice, p[0], p[1], this.brushRadius);
    this.stroke = { last: p };
    this.hooks.requestRender();
  }

  /** The stroke goes on to plane pixel `p`. @returns false when no stroke is under way. */
  continueStroke(p: [number, number]): boolean {
    const store = this.storeValue;
    if (!this.stroke || !store) return false;
    const { plane, slice } = this.hooks.view();
    const [u0, v0] = this.stroke.last;
    store.paintLine(plane, slice, u0, v0, p[0], p[1], this.brushRadius);
    this.stroke.last = p;
    this.hooks.requestRender();
    return true;
  }

  endStroke(): void {
    if (!this.stroke || !this.storeValue) return;
    this.stroke = undefined;
    this.storeValue.endStroke();
    this.afterEdit();
  }

  /**
   * Fill at plane pixel `p` (one undo step): the 4-connected region of the clicked label on this
   * slice; from an unlabelled pixel only the pixels within ± the tolerance of its intensity in
   * `values` (the clicked channel's plane, read only when the tolerance bounds the fill).
   */
  async fill(p: [number, number], values: () => Promise<Voxels>): Promise<void> {
    const store = this.storeValue;
    if (!store) return;
    const { plane, slice } = this.hooks.view();
    const bounded = Number.isFinite(this.fillTolerance);
    const plan = bounded ? await values() : undefined;
    const now = this.hooks.view();
    if (store !== this.storeValue || plane !== now.plane || slice !== now.slice) return;
    const changed = fillAt(store, plane, slice, p[0], p[1], this.activeClass, {
      values: plan,
      tolerance: this.fillTolerance,
    });
    this.hooks.node.dataset.lastFill = String(changed);
    if (changed > 0) this.afterEdit();
  }
}
