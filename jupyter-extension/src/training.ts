// Live training, the logic without DOM: feature picker state, importances, decoding the
// kernel's results into overlay planes, and the request controller (debounce, one request in
// flight, newer requests replace queued ones). The panel (trainingPanel.ts) draws it.
import { base64ToBytes } from "./base64.js";
import type {
  FeatureImportance,
  LabelClass,
  TrainingPayload,
  TrainingResult,
  TrainingSelection,
  ViewerMessage,
  ViewPlane,
} from "./viewerTypes.js";

export type RetrainMessage = Extract<ViewerMessage, { type: "retrain" }>;
export type DoneResult = Extract<TrainingResult, { status: "done" }>;

/** Picker key of a filter at a scale, as in `FeatureImportance.key`. */
export function cellKey(filterId: string, scale: number): string {
  return `${filterId}@${scale}`;
}

/**
 * State of the feature picker (ilastik's feature selection dialog): ticked input signals,
 * ticked filter cells (`${filterId}@${scale}`, only where the filter allows the scale) and
 * ticked tailored z features. Converts to and from the kernel's {@link TrainingSelection}.
 */
export class FeaturePicker {
  readonly options: TrainingPayload;
  private readonly inputs = new Set<string>();
  private readonly cells = new Set<string>();
  private readonly tailored = new Set<string>();

  constructor(options: TrainingPayload, selection: TrainingSelection = options.selection) {
    this.options = options;
    this.setSelection(selection);
  }

  /** Replace the state by a selection; entries the options do not offer are dropped. */
  setSelection(selection: TrainingSelection): void {
    this.inputs.clear();
    this.cells.clear();
    this.tailored.clear();
    for (const name of selection.inputs ?? [])
      if (this.options.inputs.includes(name)) this.inputs.add(name);
    for (const f of this.options.filters)
      for (const s of selection.filters?.[f.id] ?? [])
        if (f.scales.includes(s)) this.cells.add(cellKey(f.id, s));
    for (const id of selection.tailored ?? [])
      if (this.options.tailored.some((t) => t.id === id)) this.tailored.add(id);
  }

  /** The selection the kernel trains with (options' order; filters with no scale left out). */
  selection(): TrainingSelection {
    const filters: Record<string, number[]> = {};
    for (const f of this.options.filters) {
      const scales = this.options.scales.filter(
        (s) => f.scales.includes(s) && this.cells.has(cellKey(f.id, s)),
      );
      if (scales.length) filters[f.id] = scales;
    }
    return {
      inputs: this.options.inputs.filter((n) => this.inputs.has(n)),
      filters,
      tailored: this.options.tailored.filter((t) => this.tailored.has(t.id)).map((t) => t.id),
    };
  }

  /** True when the filter accepts the scale (a checkbox exists in that cell). */
  allows(filterId: string, scale: number): boolean {
    return this.options.filters.some((f) => f.id === filterId && f.scales.includes(scale));
  }

  hasCell(filterId: string, scale: number): boolean {
    return this.cells.has(cellKey(filterId, scale));
  }

  hasInput(name: string): boolean {
    return this.inputs.has(name);
  }

  hasTailored(id: string): boolean {
    return this.tailored.has(id);
  }

  /** Tick or untick one cell (ignored where the filter does not allow the scale). */
  setCell(filterId: string, scale: number, on: boolean): void {
    if (!this.allows(filterId, scale)) return;
    if (on) this.cells.add(cellKey(filterId, scale));
    else this.cells.delete(cellKey(filterId, scale));
  }

  setInput(name: string, on: boolean): void {
    if (!this.options.inputs.includes(name)) return;
    if (on) this.inputs.add(name);
    else this.inputs.delete(name);
  }

  setTailored(id: string, on: boolean): void {
    if (!this.options.tailored.some((t) => t.id === id)) return;
    if (on) this.tailored.add(id);
    else this.tailored.delete(id);
  }

  /** Tick (or untick) every allowed scale of a filter. */
  setRow(filterId: string, on: boolean): void {
    const f = this.options.filters.find((x) => x.id === filterId);
    for (const s of f?.scales ?? []) this.setCell(filterId, s, on);
  }

  /** Tick (or untick) a scale in every filter that allows it. */
  setColumn(scale: number, on: boolean): void {
    for (const f of this.options.filters) this.setCell(f.id, scale, on);
  }

  /** All filter cells and tailored features (inputs are left as they are). */
  setAll(on: boolean): void {
    for (const f of this.options.filters) this.setRow(f.id, on);
    for (const t of this.options.tailored) this.setTailored(t.id, on);
  }

  /** True when every allowed cell of the row is ticked. */
  rowFull(filterId: string): boolean {
    const f = this.options.filters.find((x) => x.id === filterId);
    return !!f && f.scales.every((s) => this.hasCell(filterId, s));
  }

  /** True when every filter allowing the scale has it ticked (and at least one does). */
  columnFull(scale: number): boolean {
    const fs = this.options.filters.filter((f) => f.scales.includes(scale));
    return fs.length > 0 && fs.every((f) => this.hasCell(f.id, scale));
  }

  /** Why the selection cannot be trained on, or undefined when it can. */
  problem(): string | undefined {
    if (this.inputs.size === 0) return "tick at least one input signal";
    if (this.cells.size === 0 && this.tailored.size === 0) return "tick at least one feature";
    return undefined;
  }
}

/** Same selection (order-insensitive)? */
export function sameSelection(a: TrainingSelection, b: TrainingSelection): boolean {
  const norm = (s: TrainingSelection) =>
    JSON.stringify({
      inputs: [...s.inputs].sort(),
      filters: Object.keys(s.filters)
        .filter((k) => s.filters[k].length > 0)
        .sort()
        .map((k) => [k, [...s.filters[k]].sort((x, y) => x - y)]),
      tailored: [...s.tailored].sort(),
    });
  return norm(a) === norm(b);
}

/** The `n` most important picker keys, largest first. */
export function topImportances(importances: FeatureImportance[], n = 12): FeatureImportance[] {
  return [...importances]
    .filter((f) => Number.isFinite(f.importance))
    .sort((a, b) => b.importance - a.importance)
    .slice(0, n);
}

/** Shade per picker key in [0, 1]: importance / largest importance (0 when none is > 0). */
export function importanceShades(importances: FeatureImportance[]): Map<string, number> {
  let top = 0;
  for (const f of importances) if (f.importance > top) top = f.importance;
  const shades = new Map<string, number>();
  for (const f of importances)
    shades.set(f.key, top > 0 && f.importance > 0 ? Math.min(1, f.importance / top) : 0);
  return shades;
}

/** A "done" result decoded into planes (u fastest, `width` x `height`). */
export interface DecodedPrediction {
  requestId: string;
  plane: ViewPlane;
  slice: number;
  width: number;
  height: number;
  classes: number[];
  /** Predicted class id per pixel. */
  prediction: Uint8Array;
  /** Probability x 255 per class (in the order of `classes`). */
  probabilities: Uint8Array[];
  /** Uncertainty x 255 per pixel. */
  uncertainty: Uint8Array;
  /** Fraction of pixels with a predicted class (id > 0). */
  coverage: number;
  result: DoneResult;
}

/** Decode a "done" result; throws when the arrays do not match width x height. */
export function decodeResult(result: DoneResult): DecodedPrediction {
  const { width, height } = result;
  const n = width * height;
  if (!(Number.isInteger(width) && Number.isInteger(height) && n > 0))
    throw new RangeError(`training result: bad plane size ${width} x ${height}`);
  const prediction = base64ToBytes(result.prediction);
  const uncertainty = base64ToBytes(result.uncertainty);
  const all = base64ToBytes(result.probabilities);
  const k = result.classes.length;
  if (prediction.length !== n)
    throw new RangeError(
      `training result: prediction has ${prediction.length} bytes, expected ${width} x ${height} = ${n}`,
    );
  if (uncertainty.length !== n)
    throw new RangeError(
      `training result: uncertainty has ${uncertainty.length} bytes, expected ${n}`,
    );
  if (all.length !== k * n)
    throw new RangeError(
      `training result: probabilities have ${all.length} bytes, expected ${k} classes x ${n}`,
    );
  const probabilities = result.classes.map((_, c) => all.subarray(c * n, (c + 1) * n));
  let covered = 0;
  for (let i = 0; i < n; i++) if (prediction[i] !== 0) covered++;
  return {
    requestId: result.requestId,
    plane: result.plane,
    slice: result.slice,
    width,
    height,
    classes: result.classes.slice(),
    prediction,
    probabilities,
    uncertainty,
    coverage: covered / n,
    result,
  };
}

/** Readout of the prediction at plane pixel (u, v): class, its probability, uncertainty. */
export function predictionAt(
  p: DecodedPrediction,
  u: number,
  v: number,
  classes: readonly LabelClass[],
): string {
  if (u < 0 || v < 0 || u >= p.width || v >= p.height) return "";
  const i = v * p.width + u;
  const id = p.prediction[i];
  const k = p.classes.indexOf(id);
  const name = classes.find((c) => c.id === id)?.name ?? String(id);
  const prob = k >= 0 ? ` ${(p.probabilities[k][i] / 255).toFixed(2)}` : "";
  return `predicted ${id ? name : "-"}${prob}  uncertainty ${(p.uncertainty[i] / 255).toFixed(2)}`;
}

function ms(t: number): string {
  return t >= 1000 ? `${(t / 1000).toFixed(1)} s` : `${Math.round(t)} ms`;
}

/** Status line of a "done" result: samples per class, channels, oob error, timings, reused. */
export function formatDone(result: DoneResult, classes: readonly LabelClass[]): string {
  const samples = Object.entries(result.samples)
    .map(([id, n]) => `${classes.find((c) => String(c.id) === id)?.name ?? id} ${n}`)
    .join(" · ");
  const parts = [
    `samples ${samples || "none"}`,
    `${result.channels} channels`,
    ...(result.oobError !== undefined ? [`oob error ${(result.oobError * 100).toFixed(1)}%`] : []),
    Object.entries(result.timings)
      .map(([stage, t]) => `${stage} ${ms(t)}`)
      .join(", "),
  ];
  if (result.reused) parts.push("reused forest (re-predicted only)");
  return parts.filter((p) => p).join(" | ");
}

/** What the controller is doing, for the panel. */
export type TrainingState =
  | { phase: "idle" }
  | { phase: "waiting" }
  | { phase: "running"; requestId: string; stage: string; fraction: number; queued: boolean }
  | { phase: "done"; prediction: DecodedPrediction; queued: boolean }
  | { phase: "error"; message: string; queued: boolean };

/** Sends a retrain message, calling `onResult` for each result; settles with the request. */
export type RetrainSender = (
  message: RetrainMessage,
  onResult: (result: TrainingResult) => void,
) => Promise<void>;

/** What a request is built from at the moment it is sent. */
export interface TrainingRequestContext {
  plane: ViewPlane;
  slice: number;
  /** Label file (relative to the notebook folder); undefined when labels cannot be saved. */
  labelsPath: string | undefined;
  selection: TrainingSelection;
}

export interface TrainingControllerOptions {
  viewId: string;
  send: RetrainSender;
  /** The current view, labels and selection (read when a request is sent). */
  context: () => TrainingRequestContext;
  /** Called on every state change. */
  onState: (state: TrainingState) => void;
  /** Waits before a live request is sent. @default 300 */
  debounceMs?: number;
  /** Called before a request is sent (e.g. flush a pending label save). */
  beforeSend?: () => Promise<void>;
}

/**
 * Sends "retrain" requests: at most one in flight; requests made while one runs collapse into
 * one queued request, sent when it finishes with the view as it is then (newer requests replace
 * queued ones). Live requests wait `debounceMs` after the last call. A view-only request (slice
 * or plane change) is skipped when the last result already shows that plane and slice and
 * neither labels nor selection changed since.
 */
export class TrainingController {
  private readonly opts: TrainingControllerOptions;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: string | undefined;
  private queued = false;
  /** Every request folded into the queued one was view-only. */
  private queuedViewOnly = false;
  private counter = 0;
  /** Bumped when labels or the selection change: a request for the same view is then needed. */
  private generation = 0;
  private resultGeneration = -1;
  private last: DecodedPrediction | undefined;
  private state: TrainingState = { phase: "idle" };
  private disposed = false;
  /** Number of requests sent (for tests and the UI test). */
  sent = 0;

  constructor(options: TrainingControllerOptions) {
    this.opts = options;
  }

  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** The last prediction received (any plane / slice). */
  get prediction(): DecodedPrediction | undefined {
    return this.last;
  }

  get current(): TrainingState {
    return this.state;
  }

  /** Labels were saved or the selection changed: the next request must retrain. */
  invalidate(): void {
    this.generation++;
  }

  /**
   * Ask for a prediction of the current view. `immediate` skips the debounce (Train button);
   * `viewOnly` requests are skipped when the last result is still valid for the view.
   */
  request(options: { immediate?: boolean; viewOnly?: boolean } = {}): void {
    if (this.disposed) return;
    if (options.viewOnly && this.upToDate()) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const fire = () => {
      this.timer = undefined;
      if (this.inFlight !== undefined) {
        this.queuedViewOnly = (this.queued ? this.queuedViewOnly : true) && !!options.viewOnly;
        this.queued = true;
        this.emit(this.withQueued(true));
      } else void this.dispatch();
    };
    if (options.immediate) fire();
    else this.timer = setTimeout(fire, this.opts.debounceMs ?? 300);
  }

  /** True when the last result shows the current plane and slice and nothing changed since. */
  upToDate(): boolean {
    if (!this.last || this.resultGeneration !== this.generation) return false;
    const ctx = this.opts.context();
    return this.last.plane === ctx.plane && this.last.slice === ctx.slice;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queued = false;
  }

  private emit(state: TrainingState): void {
    this.state = state;
    if (!this.disposed) this.opts.onState(state);
  }

  private withQueued(queued: boolean): TrainingState {
    const s = this.state;
    if (s.phase === "running" || s.phase === "done" || s.phase === "error") return { ...s, queued };
    return { phase: "waiting" };
  }

  private async dispatch(): Promise<void> {
    const requestId = `${this.opts.viewId}:${++this.counter}`;
    this.inFlight = requestId;
    this.queued = false;
    const generation = this.generation;
    let answered = false;
    this.emit({ phase: "running", requestId, stage: "sending", fraction: 0, queued: false });
    try {
      await this.opts.beforeSend?.();
      const ctx = this.opts.context();
      if (ctx.labelsPath === undefined)
        throw new Error(
          "the labels are not saved to a file yet (the notebook's folder is unknown)",
        );
      const message: RetrainMessage = {
        type: "retrain",
        viewId: this.opts.viewId,
        requestId,
        labelsPath: ctx.labelsPath,
        plane: ctx.plane,
        slice: ctx.slice,
        selection: ctx.selection,
      };
      this.sent++;
      await this.opts.send(message, (result) => {
        if (result.requestId !== requestId || this.disposed) return;
        if (result.status === "progress") {
          this.emit({
            phase: "running",
            requestId,
            stage: result.stage,
            fraction: Math.max(0, Math.min(1, result.fraction)),
            queued: this.queued,
          });
        } else if (result.status === "error") {
          answered = true;
          this.emit({ phase: "error", message: result.message, queued: this.queued });
        } else {
          answered = true;
          try {
            this.last = decodeResult(result);
            this.resultGeneration = generation;
            this.emit({ phase: "done", prediction: this.last, queued: this.queued });
          } catch (error) {
            this.emit({ phase: "error", message: (error as Error).message, queued: this.queued });
          }
        }
      });
      if (!answered)
        this.emit({
          phase: "error",
          message: "the kernel finished the request without a training result",
          queued: this.queued,
        });
    } catch (error) {
      if (!answered || this.state.phase !== "error")
        this.emit({ phase: "error", message: (error as Error).message, queued: this.queued });
    } finally {
      this.inFlight = undefined;
      if (this.queued && this.queuedViewOnly && this.upToDate()) {
        // the answer already shows the view the queued request was for
        this.queued = false;
        this.emit(this.withQueued(false));
      } else if (this.queued && !this.disposed) void this.dispatch();
    }
  }
}
