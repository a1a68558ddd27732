// The viewer's live-training panel (ilastik's training applet): feature picker grid, Train and
// live update, progress and status, prediction / uncertainty overlay controls, importances.
// The logic lives in training.ts; this file builds and updates the DOM.
import {
  FeaturePicker,
  TrainingController,
  formatDone,
  importanceShades,
  predictionAt,
  topImportances,
  type DecodedPrediction,
  type RetrainSender,
  type TrainingState,
} from "./training.js";
import type {
  FeatureImportance,
  LabelClass,
  TrainingPayload,
  TrainingSelection,
  ViewPlane,
} from "./viewerTypes.js";
import { checkbox, el, fieldAfter, slider } from "./dom.js";

/** What the panel needs from the viewer. */
export interface TrainingPanelHooks {
  viewId: string;
  classes: readonly LabelClass[];
  send: RetrainSender;
  /** Current plane / slice and label file (undefined when the labels cannot be saved). */
  view: () => { plane: ViewPlane; slice: number; labelsPath: string | undefined };
  /** Runs before each request (flushes a pending label save). */
  beforeSend?: () => Promise<void>;
  /** The overlays or the readout changed: redraw. */
  onChange: () => void;
  /** Live request debounce. @default 300 */
  debounceMs?: number;
}

/** Overlay planes to draw for the shown plane and slice. */
export interface TrainingOverlay {
  prediction?: Uint8Array;
  predictionOpacity: number;
  uncertainty?: Uint8Array;
  uncertaintyOpacity: number;
  width: number;
  height: number;
}

const GROUP_TITLES: Record<string, string> = {
  smooth: "Color / intensity",
  edge: "Edge",
  texture: "Texture",
};

/** "σ 0.3" column heading. */
function scaleText(s: number): string {
  return `σ ${s}`;
}

/**
 * The training panel. `element` is a collapsible `<details>`; state for tests and styling is
 * kept in data attributes: `data-state` (idle / waiting / running / done / error),
 * `data-prediction` (`plane:slice` of the last result) and `data-sent` (requests sent).
 */
export class TrainingPanel {
  readonly element = el("details", "tl-training");
  readonly picker: FeaturePicker;
  readonly controller: TrainingController;
  private readonly hooks: TrainingPanelHooks;
  private readonly options: TrainingPayload;
  private live = false;
  private showPrediction = true;
  private showUncertainty = false;
  private predictionOpacity = 0.5;
  private uncertaintyOpacity = 0.7;
  private readonly cellBoxes = new Map<string, HTMLInputElement>();
  private readonly inputBoxes = new Map<string, HTMLInputElement>();
  private readonly progress = el("progress", "tl-trainProgress");
  private readonly stageText = el("span", "tl-trainStage");
  private readonly status = el("div", "tl-trainStatus");
  private readonly staleNote = el("span", "tl-predictionNote");
  private readonly importanceList = el("ol", "tl-importances");
  private readonly trainButton = el("button", "tl-train", "Train");
  private readonly liveBox = checkbox("tl-liveUpdate", false);

  constructor(options: TrainingPayload, hooks: TrainingPanelHooks) {
    this.options = options;
    this.hooks = hooks;
    this.picker = new FeaturePicker(options);
    this.controller = new TrainingController({
      viewId: hooks.viewId,
      send: hooks.send,
      debounceMs: hooks.debounceMs,
      beforeSend: hooks.beforeSend,
      context: () => ({ ...hooks.view(), selection: this.picker.selection() }),
      onState: (s) => this.onState(s),
    });
    this.build();
    this.syncPicker();
    this.onState({ phase: "idle" });
  }

  /** Current selection of the picker. */
  selection(): TrainingSelection {
    return this.picker.selection();
  }

  // ---------------------------------------------------------------- DOM

  private build(): void {
    const summary = el(
      "summary",
      "tl-trainingSummary",
      `Live training (random forest, ${this.options.trees} trees)`,
    );
    const body = el("div", "tl-trainingBody");
    const controls = el("div", "tl-trainingControls");
    this.trainButton.title = "Train the forest on the saved labels and predict this slice";
    this.trainButton.addEventListener("click", () => this.train());
    this.liveBox.title =
      "Retrain after each label save and re-predict when the slice or plane changes";
    this.liveBox.addEventListener("change", () => this.setLive(this.liveBox.checked));
    this.progress.max = 1;
    this.progress.value = 0;
    controls.append(
      this.trainButton,
      fieldAfter(this.liveBox, "live update"),
      this.progress,
      this.stageText,
    );
    body.append(controls, this.status, this.buildOverlayControls());
    const columns = el("div", "tl-trainingColumns");
    const pickerBox = el("div", "tl-pickerBox");
    pickerBox.append(this.buildInputs(), this.buildShortcuts(), this.buildGrid());
    const impBox = el("div", "tl-importanceBox");
    impBox.append(el("div", "tl-importanceTitle", "Feature importance"), this.importanceList);
    columns.append(pickerBox, impBox);
    body.appendChild(columns);
    this.element.append(summary, body);
    this.element.dataset.live = "false";
  }

  private buildOverlayControls(): HTMLElement {
    const box = el("div", "tl-trainingOverlays");
    const changed = () => this.hooks.onChange();
    const pred = checkbox("tl-showPrediction", this.showPrediction, (on) => {
      this.showPrediction = on;
      changed();
    });
    const predOp = slider("tl-predictionOpacity", this.predictionOpacity, (value) => {
      this.predictionOpacity = value;
      changed();
    });
    const unc = checkbox("tl-showUncertainty", this.showUncertainty, (on) => {
      this.showUncertainty = on;
      changed();
    });
    const uncOp = slider("tl-uncertaintyOpacity", this.uncertaintyOpacity, (value) => {
      this.uncertaintyOpacity = value;
      changed();
    });
    const ramp = el("span", "tl-uncertaintyRamp");
    ramp.title = "uncertainty 0 (transparent) to 1 (magenta)";
    box.append(
      fieldAfter(pred, "prediction"),
      predOp,
      fieldAfter(unc, "uncertainty"),
      ramp,
      uncOp,
      this.staleNote,
    );
    return box;
  }

  private buildInputs(): HTMLElement {
    const box = el("div", "tl-trainInputs");
    box.appendChild(el("span", "tl-pickerLabel", "inputs"));
    for (const name of this.options.inputs) {
      const b = checkbox("tl-trainInput", false);
      b.dataset.input = name;
      b.addEventListener("change", () => {
        this.picker.setInput(name, b.checked);
        this.selectionChanged();
      });
      this.inputBoxes.set(name, b);
      box.appendChild(fieldAfter(b, name));
    }
    return box;
  }

  private buildShortcuts(): HTMLElement {
    const box = el("div", "tl-pickerShortcuts");
    const all = el("button", "tl-pickAll", "all");
    all.title = "Tick every feature at every scale";
    all.addEventListener("click", () => {
      this.picker.setAll(true);
      this.selectionChanged();
    });
    const none = el("button", "tl-pickNone", "none");
    none.title = "Untick every feature";
    none.addEventListener("click", () => {
      this.picker.setAll(false);
      this.selectionChanged();
    });
    box.append(
      all,
      none,
      el("span", "tl-pickerHint", "click a filter or σ heading to toggle its row or column"),
    );
    return box;
  }

  private buildGrid(): HTMLElement {
    const o = this.options;
    const table = el("table", "tl-picker");
    const head = el("tr");
    head.appendChild(el("th", "tl-pickerCorner", "feature"));
    for (const s of o.scales) {
      const th = el("th", "tl-pickerScale");
      const b = el("button", "tl-pickColumn", scaleText(s));
      b.dataset.scale = String(s);
      b.title = `Toggle σ = ${s} for every filter`;
      b.addEventListener("click", () => {
        this.picker.setColumn(s, !this.picker.columnFull(s));
        this.selectionChanged();
      });
      th.appendChild(b);
      head.appendChild(th);
    }
    const thead = el("thead");
    thead.appendChild(head);
    const tbody = el("tbody");
    const groups = [...new Set(o.filters.map((f) => f.group))];
    for (const g of groups) {
      tbody.appendChild(this.groupRow(GROUP_TITLES[g] ?? g));
      for (const f of o.filters.filter((x) => x.group === g)) {
        const tr = el("tr", "tl-pickerRow");
        tr.dataset.filter = f.id;
        const th = el("th", "tl-pickerFilter");
        const b = el("button", "tl-pickRow", f.title);
        b.title = `Toggle every scale of ${f.title}`;
        b.addEventListener("click", () => {
          this.picker.setRow(f.id, !this.picker.rowFull(f.id));
          this.selectionChanged();
        });
        th.appendChild(b);
        tr.appendChild(th);
        for (const s of o.scales) {
          const td = el("td", "tl-pickerCell");
          if (f.scales.includes(s)) {
            const key = `${f.id}@${s}`;
            const box = checkbox("tl-pick", false);
            box.dataset.key = key;
            box.title = `${f.title}, σ = ${s}`;
            box.addEventListener("change", () => {
              this.picker.setCell(f.id, s, box.checked);
              this.selectionChanged();
            });
            this.cellBoxes.set(key, box);
            td.dataset.key = key;
            td.appendChild(box);
          } else td.classList.add("tl-mod-disabled");
          tr.appendChild(td);
        }
        tbody.appendChild(tr);
      }
    }
    if (o.tailored.length > 0) {
      tbody.appendChild(this.groupRow("Milling direction (z)"));
      for (const t of o.tailored) {
        const tr = el("tr", "tl-pickerRow tl-pickerTailored");
        tr.dataset.tailored = t.id;
        tr.appendChild(el("th", "tl-pickerFilter", t.title));
        const td = el("td", "tl-pickerCell");
        td.colSpan = Math.max(1, o.scales.length);
        td.dataset.key = t.id;
        const box = checkbox("tl-pick", false);
        box.dataset.key = t.id;
        box.title = `${t.title} (${t.params.join(", ")})`;
        box.addEventListener("change", () => {
          this.picker.setTailored(t.id, box.checked);
          this.selectionChanged();
        });
        this.cellBoxes.set(t.id, box);
        td.append(box, el("span", "tl-pickerParams", ` params ${t.params.join(", ")}`));
        tr.appendChild(td);
        tbody.appendChild(tr);
      }
    }
    table.append(thead, tbody);
    return table;
  }

  private groupRow(title: string): HTMLTableRowElement {
    const tr = el("tr", "tl-pickerGroup");
    const th = el("th", undefined, title);
    th.colSpan = this.options.scales.length + 1;
    tr.appendChild(th);
    return tr;
  }

  /** Checkboxes from the picker state. */
  private syncPicker(): void {
    for (const [name, box] of this.inputBoxes) box.checked = this.picker.hasInput(name);
    for (const f of this.options.filters)
      for (const s of f.scales) {
        const box = this.cellBoxes.get(`${f.id}@${s}`);
        if (box) box.checked = this.picker.hasCell(f.id, s);
      }
    for (const t of this.options.tailored) {
      const box = this.cellBoxes.get(t.id);
      if (box) box.checked = this.picker.hasTailored(t.id);
    }
    const problem = this.picker.problem();
    this.trainButton.disabled = problem !== undefined;
    this.trainButton.title =
      problem ?? "Train the forest on the saved labels and predict this slice";
    this.element.dataset.selection = JSON.stringify(this.picker.selection());
  }

  private selectionChanged(): void {
    this.syncPicker();
    this.controller.invalidate();
    if (this.live && !this.picker.problem()) this.controller.request();
  }

  // ---------------------------------------------------------------- actions

  /** Train now (the Train button). */
  train(): void {
    const problem = this.picker.problem();
    if (problem) {
      this.setStatus(problem, "error");
      return;
    }
    this.controller.invalidate();
    this.controller.request({ immediate: true });
  }

  setLive(on: boolean): void {
    this.live = on;
    this.liveBox.checked = on;
    this.element.dataset.live = String(on);
    if (on && !this.picker.problem()) this.controller.request({ viewOnly: true });
  }

  /** The painter saved the labels: retrain in live mode. */
  labelsSaved(): void {
    this.controller.invalidate();
    if (this.live && !this.picker.problem()) this.controller.request();
  }

  /** The viewer moved to another slice or plane: re-predict in live mode, else mark stale. */
  viewChanged(): void {
    this.syncNote();
    if (this.live && !this.picker.problem()) this.controller.request({ viewOnly: true });
  }

  dispose(): void {
    this.controller.dispose();
  }

  // ---------------------------------------------------------------- results

  private setStatus(text: string, state: "ok" | "error" | "info"): void {
    this.status.textContent = text;
    this.status.dataset.state = state;
  }

  private onState(s: TrainingState): void {
    this.element.dataset.state = s.phase;
    this.element.dataset.sent = String(this.controller.sent);
    const queued = "queued" in s && s.queued ? " (another request queued)" : "";
    if (s.phase === "running") {
      this.progress.value = s.fraction;
      this.stageText.textContent = `${s.stage} ${Math.round(s.fraction * 100)}%${queued}`;
      this.element.dataset.stage = s.stage;
    } else if (s.phase === "done") {
      this.progress.value = 1;
      this.stageText.textContent = queued;
      this.setStatus(formatDone(s.prediction.result, this.hooks.classes), "ok");
      this.setImportances(s.prediction.result.importances);
      this.element.dataset.prediction = `${s.prediction.plane}:${s.prediction.slice}`;
      this.element.dataset.coverage = s.prediction.coverage.toFixed(4);
      this.element.dataset.reused = String(s.prediction.result.reused);
      this.syncNote();
      this.hooks.onChange();
    } else if (s.phase === "error") {
      this.progress.value = 0;
      this.stageText.textContent = queued;
      this.setStatus(`training failed: ${s.message}`, "error");
    } else if (s.phase === "waiting") {
      this.stageText.textContent = "waiting for the running request";
    } else {
      this.progress.value = 0;
      this.stageText.textContent = "";
      this.setStatus("paint two classes or more, tick features, then Train", "info");
    }
  }

  /** Importance list (top features) and the shading of the picker cells. */
  setImportances(importances: FeatureImportance[]): void {
    const top = topImportances(importances, 12);
    const max = top[0]?.importance ?? 0;
    this.importanceList.replaceChildren(
      ...top.map((f) => {
        const li = el("li", "tl-importance");
        li.dataset.key = f.key;
        const bar = el("span", "tl-importanceBar");
        bar.style.width = `${max > 0 ? (100 * f.importance) / max : 0}%`;
        const track = el("span", "tl-importanceTrack");
        track.appendChild(bar);
        li.append(
          el("span", "tl-importanceLabel", f.label),
          track,
          el("span", "tl-importanceValue", f.importance.toFixed(3)),
        );
        return li;
      }),
    );
    const shades = importanceShades(importances);
    for (const td of this.element.querySelectorAll<HTMLElement>("td.tl-pickerCell[data-key]")) {
      const shade = shades.get(td.dataset.key ?? "");
      if (shade === undefined) {
        td.style.background = "";
        delete td.dataset.importance;
        td.title = "";
      } else {
        td.style.background = `rgba(25, 118, 210, ${(0.05 + 0.6 * shade).toFixed(3)})`;
        td.dataset.importance = shade.toFixed(3);
        const imp = importances.find((f) => f.key === td.dataset.key)?.importance ?? 0;
        td.title = `importance ${imp.toFixed(3)}`;
      }
    }
  }

  /** The note telling whether the shown slice has a prediction. */
  private syncNote(): void {
    const p = this.controller.prediction;
    const v = this.hooks.view();
    if (!p) {
      this.staleNote.textContent = "";
      this.element.dataset.predictionShown = "none";
    } else if (p.plane === v.plane && p.slice === v.slice) {
      this.staleNote.textContent = "";
      this.element.dataset.predictionShown = "current";
    } else {
      this.staleNote.textContent = `predicted: ${p.plane} ${p.slice} (not this slice${this.live ? ", updating" : ": Train or live update"})`;
      this.element.dataset.predictionShown = "stale";
    }
  }

  /** Prediction for the shown plane and slice, or undefined (none, hidden, or stale). */
  private current(plane: ViewPlane, slice: number): DecodedPrediction | undefined {
    const p = this.controller.prediction;
    return p && p.plane === plane && p.slice === slice ? p : undefined;
  }

  /** Overlay planes to blend for this plane and slice, or undefined when nothing is shown. */
  overlay(plane: ViewPlane, slice: number): TrainingOverlay | undefined {
    const p = this.current(plane, slice);
    if (!p || (!this.showPrediction && !this.showUncertainty)) return undefined;
    return {
      prediction: this.showPrediction ? p.prediction : undefined,
      predictionOpacity: this.predictionOpacity,
      uncertainty: this.showUncertainty ? p.uncertainty : undefined,
      uncertaintyOpacity: this.uncertaintyOpacity,
      width: p.width,
      height: p.height,
    };
  }

  /** Readout text at plane pixel (u, v), "" without a current prediction. */
  readout(plane: ViewPlane, slice: number, u: number, v: number): string {
    const p = this.current(plane, slice);
    return p ? predictionAt(p, u, v, this.hooks.classes) : "";
  }
}
