// Label autosave that never loses strokes (no viewer code here; the viewer passes its store and
// two elements):
//   - saves are conditional: the file's version (contents API last_modified + hash) is checked
//     before writing and verified after; when another tab or the kernel changed the file, its
//     strokes are merged in (3-way merge against the last version both had, see
//     LabelStore.applyChanges) and the merged labels are written;
//   - unsaved strokes are kept in browser storage (compact RLE, keyed by server + file path +
//     tab) until the server confirms them, and offered back after a reload or crash;
//   - a beforeunload warning while strokes are unsaved;
//   - a failed save says why (HTTP status + the server's message), retries with capped
//     exponential backoff, and offers "save now".
import { base64ToBytes, bytesToBase64 } from "./base64.js";
import { LabelFileError, decodeLabelFile } from "./labelFile.js";
import type { LabelStore } from "./labelModel.js";
import { countDifferences, emptyRuns, runCounts, runsEqual } from "./labelRuns.js";
import type { Shape } from "./planes.js";
import type { ContentsVersion } from "./server.js";
import type { LabelClass } from "./viewerTypes.js";

/** The three contents API calls the saver needs (server.ts in the extension, fakes in tests). */
export interface LabelContentsApi {
  /** Version of the file (no content), undefined when it does not exist. */
  stat(path: string): Promise<ContentsVersion | undefined>;
  /** Text and version of the file, undefined when it does not exist. */
  read(path: string): Promise<(ContentsVersion & { text: string }) | undefined>;
  /** Write the file (unconditionally) and return the version the server reports. */
  write(path: string, text: string): Promise<ContentsVersion>;
}

/** Options of {@link retryDelay}. */
export interface BackoffOptions {
  /** Delay after the first failure, in ms. @default 1000 */
  initialMs?: number;
  /** Growth per further failure. @default 2 */
  factor?: number;
  /** Largest delay, in ms. @default 60000 */
  maxMs?: number;
}

/**
 * Delay before the next save attempt after `failures` consecutive failed ones:
 * initialMs * factor^(failures - 1), capped at maxMs (1, 2, 4, ... 32, 60, 60 s by default).
 */
export function retryDelay(failures: number, options: BackoffOptions = {}): number {
  const { initialMs = 1000, factor = 2, maxMs = 60_000 } = options;
  if (!Number.isInteger(failures) || failures < 1)
    throw new RangeError(`failures must be an integer >= 1, received ${failures}`);
  if (!(initialMs > 0) || !(factor >= 1) || !(maxMs >= initialMs))
    throw new RangeError(
      `backoff needs initialMs > 0, factor >= 1, maxMs >= initialMs, received ${initialMs}, ${factor}, ${maxMs}`,
    );
  return Math.min(maxMs, initialMs * factor ** Math.min(failures - 1, 64));
}

/** The part of the Web Locks API (navigator.locks) the saver uses. */
export interface LocksLike {
  request(name: string, callback: () => Promise<unknown>): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

/** Unsaved strokes kept in browser storage under `tomolab-labels-draft|<server>|<path>|<tab>`. */
export interface LabelDraft {
  format: "tomolab-labels-draft";
  version: 1;
  /** Server path of the label file. */
  path: string;
  shape: [number, number, number];
  /** base64 rle-varint runs of the painted labels (as the label file's `data`). */
  runs: string;
  /** base64 runs of the file version the strokes started from. */
  base: string;
  /** ISO time the draft was written. */
  saved: string;
  /** Voxels that differ from the base. */
  changed: number;
}

export type SaveState = "saved" | "saving" | "dirty" | "error" | "readonly";

/** Options of {@link LabelSaver}. */
export interface LabelSaverOptions {
  /** Server-relative path of the label file, e.g. "nb/vol.labels.json". */
  path: string;
  /** The painted labels (the saver merges other tabs' strokes into it). */
  store: LabelStore;
  /** Classes written with the labels (read at each save). */
  classes: () => LabelClass[];
  spacing: [number, number, number];
  api: LabelContentsApi;
  /** Shows the state and the "save now" button (its children are replaced). */
  statusHost: HTMLElement;
  /** Shows the "restore unsaved strokes" prompt (hidden when there is none). */
  bannerHost: HTMLElement;
  /** Identifies the server in storage keys (its base URL). @default "" */
  server?: string;
  /** Where unsaved strokes are kept. @default window.localStorage (none when unavailable) */
  storage?: Storage | null;
  /** Tells which drafts belong to a tab still open. @default navigator.locks (without it every other tab's draft is offered) */
  locks?: LocksLike | null;
  /** Window whose unload / focus / online events the saver follows. @default window */
  win?: Window | null;
  /** Delay between the last edit and the save, in ms. @default 600 */
  autosaveMs?: number;
  /** Retry schedule of failed saves. @default retryDelay's defaults (1 s doubling to 60 s) */
  backoff?: BackoffOptions;
  /** Re-check of the file after a save (another tab's racing write), in ms. @default 2000 */
  settleMs?: number;
  /** Called on every state change (the viewer mirrors it in data-save-state). */
  onState?: (state: SaveState, text: string) => void;
  /** Called when the store changed from outside (merged strokes, restored draft). */
  onStoreChanged?: () => void;
  /** Called after each confirmed save. */
  onSaved?: () => void;
  /**
   * Called with the `classes` of each version of the file read (load, another tab's save
   * merged in), unless this tab has unsaved class edits: the viewer adopts names and colours
   * edited elsewhere. Class edits (a changed `classes()`) are saved like strokes.
   */
  onFileClasses?: (classes: unknown) => void;
}

/** The file as last read or confirmed written. */
interface Known {
  revision: string;
  version: ContentsVersion;
  runs: Uint8Array;
  text: string;
}

/** Most versions remembered as merge bases; most ancestors written in a file. */
const MAX_VERSIONS = 16;
const MAX_ANCESTORS = 64;
/** Check / write rounds of one save before it counts as failed (the file keeps changing). */
const MAX_ROUNDS = 4;
const DRAFT_PREFIX = "tomolab-labels-draft";
/**
 * Pseudo-revision of the empty labelling: every version holds its (no) changes, so it is in every
 * `ancestors` list the saver writes, and it is the merge base of two versions that share nothing
 * else (e.g. two tabs that both started without a file): then no painted voxel of either is lost.
 */
const EMPTY_REVISION = "empty";

/** A random revision id (hex), from crypto.getRandomValues (available outside secure contexts). */
export function newRevision(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function formatDelay(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** window.localStorage, or null where there is none or reading it throws (sandboxed frames). */
function defaultStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

function parseDraft(text: string | null, path: string, shape: Shape): LabelDraft | undefined {
  if (!text) return undefined;
  try {
    const d = JSON.parse(text) as Partial<LabelDraft>;
    if (d?.format !== "tomolab-labels-draft" || d.version !== 1 || d.path !== path)
      return undefined;
    if (!Array.isArray(d.shape) || d.shape.some((n, i) => n !== shape[i])) return undefined;
    if (typeof d.runs !== "string" || typeof d.base !== "string") return undefined;
    runCounts(base64ToBytes(d.runs), shape);
    runCounts(base64ToBytes(d.base), shape);
    return d as LabelDraft;
  } catch {
    return undefined;
  }
}

/**
 * Saves one label file. Create it after the store exists, call {@link load} once, then
 * {@link edited} after every change of the store, {@link dispose} when the viewer goes.
 */
export class LabelSaver {
  readonly path: string;
  private readonly o: LabelSaverOptions;
  private readonly store: LabelStore;
  private readonly shape: Shape;
  private readonly name: string;
  private readonly storage: Storage | null;
  private readonly locks: LocksLike | null;
  private readonly win: Window | null;
  private readonly draftKey: string;
  private readonly text: HTMLSpanElement;
  private readonly button: HTMLButtonElement;
  private known: Known | undefined;
  /** Versions whose content this saver knows: revision -> runs (merge bases), oldest first. */
  private readonly versions = new Map<string, Uint8Array>();
  /** Revisions whose changes the store holds (written as the next version's ancestors). */
  private lineage: string[] = [EMPTY_REVISION];
  /** store.version when the store last equalled the file. */
  private cleanVersion = -1;
  /**
   * Labels a check found in the file at least `settleMs` after they were written (or read):
   * the browser copy holds the store's changes against these, and goes when there are none.
   * A confirmed write is not enough: a write whose check came just before it may still land.
   */
  private safeRuns: Uint8Array | undefined;
  /** Revision whose text `.bak` holds (written once per version replaced). */
  private bakOf: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private busy: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private running = false;
  private failures = 0;
  private draftProblem = "";
  private lastFocusCheck = 0;
  private releaseLock: (() => void) | undefined;
  private offered: { key: string; draft: LabelDraft }[] = [];
  private loaded = false;
  /** JSON of `classes()` as last read or written: a different list is an edit to save. */
  private savedClasses: string | undefined;
  private disposed = false;
  state: SaveState = "saved";

  constructor(options: LabelSaverOptions) {
    this.o = options;
    this.path = options.path;
    this.store = options.store;
    this.shape = options.store.shape;
    this.name = options.path.split("/").pop() ?? options.path;
    this.storage = options.storage !== undefined ? options.storage : defaultStorage();
    this.locks =
      options.locks !== undefined
        ? options.locks
        : ((globalThis.navigator as { locks?: LocksLike } | undefined)?.locks ?? null);
    this.win = options.win !== undefined ? options.win : (globalThis.window ?? null);
    this.draftKey = `${this.draftPrefix()}${newRevision()}`;
    this.text = document.createElement("span");
    this.text.className = "tl-saveText";
    this.button = document.createElement("button");
    this.button.className = "tl-saveNow";
    this.button.textContent = "save now";
    this.button.title = "Save the labels now (also retries a failed save)";
    this.button.hidden = true;
    this.button.addEventListener("click", () => void this.runSave());
    options.statusHost.replaceChildren(this.text, this.button);
    options.bannerHost.hidden = true;
    this.onBeforeUnload = this.onBeforeUnload.bind(this);
    this.onPageHide = this.onPageHide.bind(this);
    this.onVisibility = this.onVisibility.bind(this);
    this.onFocus = this.onFocus.bind(this);
    this.onOnline = this.onOnline.bind(this);
  }

  /** True while the store holds strokes the server has not confirmed. */
  get hasUnsaved(): boolean {
    return (
      this.loaded &&
      (this.store.version !== this.cleanVersion || this.store.painting || this.classesEdited())
    );
  }

  /** True when the classes changed since the file was last read or written. */
  private classesEdited(): boolean {
    return (
      this.savedClasses !== undefined && JSON.stringify(this.o.classes()) !== this.savedClasses
    );
  }

  /** The classes of a version read: adopted unless this tab has unsaved class edits. */
  private fileClasses(classes: unknown): void {
    if (this.classesEdited()) return;
    if (classes !== undefined) this.o.onFileClasses?.(classes);
    this.savedClasses = JSON.stringify(this.o.classes());
  }

  /** Unsaved-strokes prompts currently offered (restore / discard). */
  get offeredDrafts(): number {
    return this.offered.length;
  }

  private draftPrefix(): string {
    return `${DRAFT_PREFIX}|${this.o.server ?? ""}|${this.path}|`;
  }

  private setState(state: SaveState, text: string): void {
    this.state = state;
    const full = this.draftProblem ? `${text} (${this.draftProblem})` : text;
    this.text.textContent = full;
    this.o.statusHost.dataset.state = state;
    this.button.hidden = state !== "error" && state !== "dirty";
    this.o.onState?.(state, full);
  }

  // ------------------------------------------------------------------ load

  /**
   * Reads the file (or its `.bak` when it is missing) into the store, then looks for unsaved
   * strokes of closed tabs in browser storage and offers them.
   * @returns a line for the status.
   * @throws LabelFileError when the file cannot be used (it is then never written), or the
   *   read's error.
   */
  async load(): Promise<string> {
    let remote = await this.o.api.read(this.path);
    let restored = false;
    if (remote === undefined) {
      remote = await this.o.api.read(`${this.path}.bak`);
      restored = remote !== undefined;
    }
    const empty = emptyRuns(this.shape);
    let message = `labels will be saved to ${this.name}`;
    if (remote) {
      const { file, runs } = decodeLabelFile(remote.text, this.shape, this.name);
      this.fileClasses(file.classes);
      // strokes painted while the file was read stay (they are the store's changes)
      this.store.applyChanges(empty, runs, "three-way");
      if (!restored) {
        this.adopt(remote, file.revision, file.ancestors, runs);
        this.safeRuns = runs;
      }
      message = `loaded ${this.name}${restored ? " (restored from .bak)" : ""}`;
    }
    if (!restored && runsEqual(this.store.encodeRuns(), this.known?.runs ?? empty))
      this.cleanVersion = this.store.version;
    this.savedClasses ??= JSON.stringify(this.o.classes());
    this.loaded = true;
    this.listen(true);
    this.holdLock();
    await this.findDrafts();
    if (this.hasUnsaved) this.edited();
    else this.setState("saved", message);
    return message;
  }

  private adopt(
    remote: ContentsVersion & { text: string },
    revision: string | undefined,
    ancestors: unknown,
    runs: Uint8Array,
  ): string {
    const rev = revision ?? `mtime:${remote.lastModified}`;
    const anc = Array.isArray(ancestors)
      ? ancestors.filter((a): a is string => typeof a === "string")
      : [];
    this.known = {
      revision: rev,
      version: { lastModified: remote.lastModified, hash: remote.hash },
      runs,
      text: remote.text,
    };
    this.remember(rev, runs);
    this.extendLineage([...anc, rev]);
    return rev;
  }

  private remember(revision: string, runs: Uint8Array): void {
    this.versions.delete(revision);
    this.versions.set(revision, runs);
    while (this.versions.size > MAX_VERSIONS)
      this.versions.delete(this.versions.keys().next().value as string);
  }

  private extendLineage(revisions: string[]): void {
    const seen = new Set(this.lineage);
    for (const r of revisions) {
      if (seen.has(r)) continue;
      seen.add(r);
      this.lineage.push(r);
    }
    if (this.lineage.length > MAX_ANCESTORS) this.lineage = this.lineage.slice(-MAX_ANCESTORS);
  }

  private isKnown(v: ContentsVersion): boolean {
    const k = this.known?.version;
    if (!k || v.lastModified !== k.lastModified) return false;
    return v.hash === undefined || k.hash === undefined || v.hash === k.hash;
  }

  /** The merge base for a remote version: itself when known, else the newest known ancestor. */
  private baseFor(revision: string, ancestors: string[]): Uint8Array {
    const same = this.versions.get(revision);
    if (same) return same;
    const entries = [...this.versions];
    for (let i = entries.length - 1; i >= 0; i--)
      if (ancestors.includes(entries[i][0])) return entries[i][1];
    if (ancestors.includes(EMPTY_REVISION)) return emptyRuns(this.shape);
    // no shared history recorded (e.g. written by the kernel's saveLabels): the last version seen
    return this.known?.runs ?? emptyRuns(this.shape);
  }

  /**
   * Merges a version of the file written elsewhere into the store (3-way against the newest
   * version both sides had; this tab's value wins where both changed a voxel).
   * @returns voxels of the store the merge changed.
   */
  private integrate(remote: ContentsVersion & { text: string }): number {
    const { file, runs } = decodeLabelFile(remote.text, this.shape, this.name);
    this.fileClasses(file.classes);
    const ancestors = Array.isArray(file.ancestors)
      ? file.ancestors.filter((a): a is string => typeof a === "string")
      : [];
    const revision = file.revision ?? `mtime:${remote.lastModified}`;
    const base = this.baseFor(revision, ancestors);
    const { applied } = this.store.applyChanges(base, runs, "three-way");
    this.adopt(remote, file.revision, ancestors, runs);
    if (runsEqual(this.store.encodeRuns(), runs)) {
      this.cleanVersion = this.store.version;
      this.safeRuns = runs; // the file holds everything the store has
    }
    if (applied > 0) this.o.onStoreChanged?.();
    return applied;
  }

  // ------------------------------------------------------------------ drafts

  private holdLock(): void {
    if (!this.locks) return;
    void this.locks
      .request(
        this.draftKey,
        () =>
          new Promise<void>((resolve) => {
            if (this.disposed && !this.running) resolve();
            else this.releaseLock = resolve;
          }),
      )
      .catch(() => undefined);
  }

  private async findDrafts(): Promise<void> {
    const storage = this.storage;
    if (!storage) return;
    const prefix = this.draftPrefix();
    const keys: string[] = [];
    try {
      for (let i = 0; i < storage.length; i++) {
        const k = storage.key(i);
        if (k && k.startsWith(prefix) && k !== this.draftKey) keys.push(k);
      }
    } catch {
      return; // storage not readable (privacy settings)
    }
    if (keys.length === 0) return;
    let held = new Set<string>();
    if (this.locks) {
      try {
        const q = await this.locks.query();
        held = new Set((q.held ?? []).map((l) => l.name ?? ""));
      } catch {
        // unknown: offer them all
      }
    }
    const drafts: { key: string; draft: LabelDraft }[] = [];
    for (const key of keys) {
      if (held.has(key)) continue; // a tab that is still open saves its own strokes
      const draft = parseDraft(storage.getItem(key), this.path, this.shape);
      if (!draft) continue;
      const pending = this.store.applyChanges(
        base64ToBytes(draft.base),
        base64ToBytes(draft.runs),
        "overwrite",
        true,
      ).applied;
      if (pending === 0)
        storage.removeItem(key); // saved after all
      else drafts.push({ key, draft });
    }
    drafts.sort((a, b) => a.draft.saved.localeCompare(b.draft.saved));
    this.offered = drafts;
    this.showBanner();
  }

  private showBanner(): void {
    const host = this.o.bannerHost;
    if (this.offered.length === 0) {
      host.hidden = true;
      host.replaceChildren();
      delete host.dataset.voxels;
      return;
    }
    const voxels = this.offered.reduce((n, d) => n + d.draft.changed, 0);
    const last = new Date(this.offered[this.offered.length - 1].draft.saved);
    const text = document.createElement("span");
    text.textContent =
      `Unsaved label strokes (${voxels} voxel${voxels === 1 ? "" : "s"} changed, last at ` +
      `${last.toLocaleString()}) were kept in this browser but never reached ${this.name}. ` +
      `Restore puts them back (their voxels win over the file) and saves them.`;
    const restore = document.createElement("button");
    restore.className = "tl-restoreDraft";
    restore.textContent = "restore";
    restore.addEventListener("click", () => this.restoreDrafts());
    const discard = document.createElement("button");
    discard.className = "tl-discardDraft";
    discard.textContent = "discard";
    discard.addEventListener("click", () => this.discardDrafts());
    host.replaceChildren(text, restore, discard);
    host.dataset.voxels = String(voxels);
    host.hidden = false;
  }

  /** Puts offered unsaved strokes back into the store (their voxels win) and saves them. */
  restoreDrafts(): number {
    let applied = 0;
    for (const { draft } of this.offered)
      applied += this.store.applyChanges(
        base64ToBytes(draft.base),
        base64ToBytes(draft.runs),
        "overwrite",
      ).applied;
    const keys = this.offered.map((d) => d.key);
    this.offered = [];
    this.showBanner();
    this.o.onStoreChanged?.();
    this.edited(); // writes this tab's draft first, so the strokes are never only in memory
    for (const k of keys) this.storage?.removeItem(k);
    return applied;
  }

  /** Drops offered unsaved strokes. */
  discardDrafts(): void {
    for (const { key } of this.offered) this.storage?.removeItem(key);
    this.offered = [];
    this.showBanner();
  }

  /**
   * Keeps the strokes not yet known to be safe in the file in browser storage (their changes
   * against `safeRuns`), or removes the copy when there are none.
   */
  private writeDraft(): void {
    const storage = this.storage;
    if (!storage || !this.loaded) return;
    try {
      const runs = this.store.encodeRuns();
      const base = this.safeRuns ?? emptyRuns(this.shape);
      if (runsEqual(runs, base)) {
        storage.removeItem(this.draftKey);
        this.draftProblem = "";
        return;
      }
      const draft: LabelDraft = {
        format: "tomolab-labels-draft",
        version: 1,
        path: this.path,
        shape: [...this.shape],
        runs: bytesToBase64(runs),
        base: bytesToBase64(base),
        saved: new Date().toISOString(),
        changed: countDifferences(base, runs, this.shape),
      };
      storage.setItem(this.draftKey, JSON.stringify(draft));
      this.draftProblem = "";
    } catch (error) {
      this.draftProblem = `unsaved strokes not kept in this browser: ${(error as Error).name ?? "error"}`;
    }
  }

  // ------------------------------------------------------------------ saving

  /** Call after every change of the store: keeps a copy in the browser, schedules the save. */
  edited(): void {
    if (!this.loaded || this.disposed) return;
    this.writeDraft();
    if (this.failures > 0) {
      // in backoff: the pending retry saves these strokes too; do not hammer the server sooner
      if (this.state !== "error") this.setState("dirty", "unsaved changes");
      return;
    }
    this.setState("dirty", "unsaved changes");
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runSave();
    }, this.o.autosaveMs ?? 600);
  }

  /** Saves now when something is unsaved or a save is due; resolves after that attempt. */
  async flush(): Promise<void> {
    if (this.timer !== undefined || this.hasUnsaved) await this.runSave();
    else await this.busy;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.busy.then(fn, fn);
    this.busy = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Starts a save (or joins the one queued behind a running one). */
  runSave(): Promise<void> {
    this.clearTimer();
    if (this.queued) return this.queued;
    const run = this.exclusive(async () => {
      this.queued = undefined;
      this.running = true;
      try {
        await this.saveAttempt();
      } finally {
        this.running = false;
      }
    });
    this.queued = run;
    return run;
  }

  private async saveAttempt(): Promise<void> {
    if (!this.loaded) return;
    this.setState("saving", "saving...");
    try {
      const merged = await this.saveRounds();
      this.failures = 0;
      this.writeDraft();
      const voxels = Object.values(this.store.counts()).reduce((a, b) => a + b, 0);
      const mergedText = merged
        ? `; merged ${merged} voxel${merged === 1 ? "" : "s"} changed in another tab or by the kernel`
        : "";
      this.setState(
        this.hasUnsaved ? "dirty" : "saved",
        `saved ${new Date().toLocaleTimeString()} (${voxels} voxels) to ${this.name}${mergedText}`,
      );
      this.o.onSaved?.();
      this.scheduleSettle();
      if (this.hasUnsaved && this.timer === undefined && !this.disposed) this.edited();
    } catch (error) {
      this.failures++;
      this.writeDraft();
      const why =
        error instanceof LabelFileError
          ? `${error.message}; the file on the server is not overwritten`
          : errorText(error);
      if (this.disposed) return;
      const delay = retryDelay(this.failures, this.o.backoff);
      this.o.statusHost.dataset.retryMs = String(delay);
      this.o.statusHost.dataset.failures = String(this.failures);
      this.setState(
        "error",
        `save failed: ${why}. Strokes are kept in this browser; retrying in ${formatDelay(delay)}`,
      );
      this.clearTimer();
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.runSave();
      }, delay);
    }
  }

  /**
   * Check, write, verify. Per round: write `.bak` (the version last seen, once per version);
   * GET the version; when it is not the one last seen, read and merge it and start the round
   * again; else write the labels and GET the version again. When that is not the one the write
   * returned, another write came in between: the next round merges it. Between the check and
   * the write there is one request: a write by another tab landing in that window is replaced
   * by this one, and that tab's check after its save (settleMs) finds and re-merges it.
   * @returns voxels merged in from other versions.
   */
  private async saveRounds(): Promise<number> {
    const api = this.o.api;
    let merged = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const known = this.known;
      if (known && this.bakOf !== known.revision) {
        await api.write(`${this.path}.bak`, known.text);
        this.bakOf = known.revision;
      }
      const now = await api.stat(this.path);
      if (now && !this.isKnown(now)) {
        const remote = await api.read(this.path);
        if (remote) {
          merged += this.integrate(remote);
          continue; // .bak of the version just read, and check again
        }
      }
      const version = this.store.version;
      const runs = this.store.encodeRuns();
      if (now && known && runsEqual(runs, known.runs) && !this.classesEdited()) {
        this.cleanVersion = version;
        return merged;
      }
      const revision = newRevision();
      const classes = JSON.stringify(this.o.classes());
      const text = JSON.stringify(
        this.store.toFile(this.o.classes(), this.o.spacing, new Date(), {
          revision,
          ancestors: this.lineage.slice(-MAX_ANCESTORS),
        }),
      );
      this.remember(revision, runs);
      const written = await api.write(this.path, text);
      this.extendLineage([revision]);
      const check = await api.stat(this.path);
      if (check && check.lastModified === written.lastModified) {
        this.known = { revision, version: check, runs, text };
        this.savedClasses = classes;
        if (this.store.version === version) this.cleanVersion = version;
        return merged;
      }
    }
    throw new Error(
      `${this.name} kept changing while saving (another tab or the kernel writing it at the same time)`,
    );
  }

  private scheduleSettle(): void {
    const ms = this.o.settleMs ?? 2000;
    if (this.settleTimer !== undefined) clearTimeout(this.settleTimer);
    if (this.disposed) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      void this.checkRemote();
    }, ms);
  }

  /**
   * Looks whether the file changed elsewhere (another tab, the kernel) and merges it in; called
   * after each save (a write racing with ours), and when the page regains focus.
   */
  checkRemote(): Promise<void> {
    if (!this.loaded || this.disposed || this.failures > 0 || this.queued || this.running)
      return Promise.resolve();
    return this.exclusive(async () => {
      try {
        const now = await this.o.api.stat(this.path);
        if (!now) return;
        if (this.isKnown(now)) {
          // still the version last written or read: the store's saved strokes are safe
          if (this.known && !this.hasUnsaved) {
            this.safeRuns = this.known.runs;
            this.writeDraft();
          }
          return;
        }
        const remote = await this.o.api.read(this.path);
        if (!remote) return;
        const merged = this.integrate(remote);
        if (this.hasUnsaved) this.edited();
        else if (merged > 0)
          this.setState(
            "saved",
            `updated from ${this.name}: ${merged} voxel${merged === 1 ? "" : "s"} changed in another tab or by the kernel`,
          );
      } catch {
        // the next save reports what is wrong
      }
    });
  }

  // ------------------------------------------------------------------ page events

  private listen(on: boolean): void {
    const w = this.win;
    if (!w) return;
    const m = on ? "addEventListener" : "removeEventListener";
    w[m]("beforeunload", this.onBeforeUnload);
    w[m]("pagehide", this.onPageHide);
    w[m]("focus", this.onFocus);
    w[m]("online", this.onOnline);
    w.document[m]("visibilitychange", this.onVisibility);
  }

  private onBeforeUnload(e: BeforeUnloadEvent): void {
    if (!this.hasUnsaved) return;
    this.writeDraft();
    e.preventDefault();
    e.returnValue = "Label strokes are not saved yet.";
  }

  private onPageHide(): void {
    if (this.hasUnsaved) this.writeDraft();
  }

  private onVisibility(): void {
    if (this.win?.document.visibilityState === "hidden") this.onPageHide();
    else this.onFocus();
  }

  private onFocus(): void {
    if (Date.now() - this.lastFocusCheck < 1000) return; // focus and visibilitychange come in pairs
    this.lastFocusCheck = Date.now();
    void this.checkRemote();
  }

  private onOnline(): void {
    if (this.failures > 0) void this.runSave();
  }

  /** Stops listening; unsaved strokes are saved one last time (and stay in browser storage until confirmed). */
  dispose(): void {
    if (this.disposed) return;
    this.listen(false);
    if (this.settleTimer !== undefined) clearTimeout(this.settleTimer);
    const unsaved = this.hasUnsaved;
    if (unsaved) this.writeDraft();
    const last = unsaved ? this.runSave() : this.busy;
    this.disposed = true;
    void last.finally(() => {
      this.clearTimer();
      this.releaseLock?.();
      this.releaseLock = undefined;
    });
  }
}
