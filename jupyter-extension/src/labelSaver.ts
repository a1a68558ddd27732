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
// The parts: labelLineage.ts (versions known, merge bases), labelDrafts.ts (browser copies),
// saveStatus.ts (status line, backoff), pageEvents.ts (unload / focus / online); here the
// load / save / check rounds that tie them together.
import { LabelDrafts, type LocksLike } from "./labelDrafts.js";
import { LabelFileError, decodeLabelFile } from "./labelFile.js";
import { LabelLineage, newRevision, type RemoteFile } from "./labelLineage.js";
import type { LabelStore } from "./labelModel.js";
import { emptyRuns, runsEqual } from "./labelRuns.js";
import { followPage } from "./pageEvents.js";
import type { Shape } from "./planes.js";
import {
  SaveStatus,
  errorText,
  formatDelay,
  retryDelay,
  type BackoffOptions,
  type SaveState,
} from "./saveStatus.js";
import type { ContentsVersion } from "./server.js";
import type { LabelClass } from "./viewerTypes.js";

export { retryDelay, type BackoffOptions, type SaveState } from "./saveStatus.js";
export type { LabelDraft, LocksLike } from "./labelDrafts.js";
export { newRevision } from "./labelLineage.js";

/** The three contents API calls the saver needs (server.ts in the extension, fakes in tests). */
export interface LabelContentsApi {
  /** Version of the file (no content), undefined when it does not exist. */
  stat(path: string): Promise<ContentsVersion | undefined>;
  /** Text and version of the file, undefined when it does not exist. */
  read(path: string): Promise<(ContentsVersion & { text: string }) | undefined>;
  /** Write the file (unconditionally) and return the version the server reports. */
  write(path: string, text: string): Promise<ContentsVersion>;
}

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

/** Check / write rounds of one save before it counts as failed (the file keeps changing). */
const MAX_ROUNDS = 4;
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
  private readonly win: Window | null;
  private readonly status: SaveStatus;
  /** The versions of the file this saver knows (merge bases, `ancestors` to write). */
  private readonly lineage: LabelLineage;
  /** This tab's unsaved strokes in browser storage, and closed tabs' offered back. */
  private readonly drafts: LabelDrafts;
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
  /** Stops following the page's events (set by {@link load}). */
  private unfollow: (() => void) | undefined;
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
    this.lineage = new LabelLineage(this.shape);
    this.drafts = new LabelDrafts({
      path: options.path,
      name: this.name,
      store: options.store,
      server: options.server ?? "",
      storage: options.storage,
      locks: options.locks,
      bannerHost: options.bannerHost,
      onRestore: () => this.restoreDrafts(),
      onDiscard: () => this.discardDrafts(),
    });
    this.win = options.win !== undefined ? options.win : (globalThis.window ?? null);
    this.status = new SaveStatus(options.statusHost, () => void this.runSave());
    options.bannerHost.hidden = true;
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
    return this.drafts.offeredCount;
  }

  private setState(state: SaveState, text: string): void {
    this.state = state;
    const full = this.status.show(state, text, this.drafts.problem);
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
        this.lineage.adopt(remote, file.revision, file.ancestors, runs);
        this.safeRuns = runs;
      }
      message = `loaded ${this.name}${restored ? " (restored from .bak)" : ""}`;
    }
    if (!restored && runsEqual(this.store.encodeRuns(), this.lineage.known?.runs ?? empty))
      this.cleanVersion = this.store.version;
    this.savedClasses ??= JSON.stringify(this.o.classes());
    this.loaded = true;
    this.unfollow = followPage(this.win, {
      unsaved: () => this.hasUnsaved,
      keep: () => this.writeDraft(),
      back: () => void this.checkRemote(),
      online: () => {
        if (this.failures > 0) void this.runSave();
      },
    });
    this.drafts.holdLock(() => this.disposed && !this.running);
    await this.drafts.find();
    if (this.hasUnsaved) this.edited();
    else this.setState("saved", message);
    return message;
  }

  /**
   * Merges a version of the file written elsewhere into the store (3-way against the newest
   * version both sides had; this tab's value wins where both changed a voxel).
   * @returns voxels of the store the merge changed.
   */
  private integrate(remote: RemoteFile): number {
    const { file, runs } = decodeLabelFile(remote.text, this.shape, this.name);
    this.fileClasses(file.classes);
    const applied = this.lineage.mergeInto(this.store, remote, file, runs);
    if (runsEqual(this.store.encodeRuns(), runs)) {
      this.cleanVersion = this.store.version;
      this.safeRuns = runs; // the file holds everything the store has
    }
    if (applied > 0) this.o.onStoreChanged?.();
    return applied;
  }

  // ------------------------------------------------------------------ drafts

  /** Puts offered unsaved strokes back into the store (their voxels win) and saves them. */
  restoreDrafts(): number {
    const { applied, keys } = this.drafts.restore();
    this.o.onStoreChanged?.();
    this.edited(); // writes this tab's draft first, so the strokes are never only in memory
    this.drafts.remove(keys);
    return applied;
  }

  /** Drops offered unsaved strokes. */
  discardDrafts(): void {
    this.drafts.discard();
  }

  /**
   * Keeps the strokes not yet known to be safe in the file in browser storage (their changes
   * against `safeRuns`), or removes the copy when there are none.
   */
  private writeDraft(): void {
    if (this.loaded) this.drafts.write(this.safeRuns);
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
    this.saveIn(this.o.autosaveMs ?? 600);
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

  /** Starts a save in `ms` (instead of one already due). */
  private saveIn(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runSave();
    }, ms);
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
      this.status.retrying(delay, this.failures);
      this.setState(
        "error",
        `save failed: ${why}. Strokes are kept in this browser; retrying in ${formatDelay(delay)}`,
      );
      this.saveIn(delay);
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
      const known = this.lineage.known;
      if (known && this.bakOf !== known.revision) {
        await api.write(`${this.path}.bak`, known.text);
        this.bakOf = known.revision;
      }
      const now = await api.stat(this.path);
      if (now && !this.lineage.isKnown(now)) {
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
          ancestors: this.lineage.ancestors(),
        }),
      );
      this.lineage.remember(revision, runs);
      const written = await api.write(this.path, text);
      this.lineage.extend([revision]);
      const check = await api.stat(this.path);
      if (check && check.lastModified === written.lastModified) {
        this.lineage.known = { revision, version: check, runs, text };
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
        if (this.lineage.isKnown(now)) {
          // still the version last written or read: the store's saved strokes are safe
          const known = this.lineage.known;
          if (known && !this.hasUnsaved) {
            this.safeRuns = known.runs;
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

  /** Stops listening; unsaved strokes are saved one last time (and stay in browser storage until confirmed). */
  dispose(): void {
    if (this.disposed) return;
    this.unfollow?.();
    this.unfollow = undefined;
    if (this.settleTimer !== undefined) clearTimeout(this.settleTimer);
    const unsaved = this.hasUnsaved;
    if (unsaved) this.writeDraft();
    const last = unsaved ? this.runSave() : this.busy;
    this.disposed = true;
    void last.finally(() => {
      this.clearTimer();
      this.drafts.release();
    });
  }
}
