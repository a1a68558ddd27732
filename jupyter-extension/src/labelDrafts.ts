// Unsaved label strokes kept in browser storage until the server confirms them, so a reload, a
// crash or a lost connection never loses them: each tab writes its own draft (compact RLE of
// the store and of the version its strokes started from, keyed by server + file path + tab),
// holds a Web Lock named after it while open, and on load offers the drafts of tabs that are
// gone (restore: their voxels win over the file; discard).
import { base64ToBytes, bytesToBase64 } from "./base64.js";
import { newRevision } from "./labelLineage.js";
import type { LabelStore } from "./labelModel.js";
import { countDifferences, emptyRuns, runCounts, runsEqual } from "./labelRuns.js";
import type { Shape } from "./planes.js";

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

export const DRAFT_PREFIX = "tomolab-labels-draft";

/** Options of {@link LabelDrafts}. */
export interface LabelDraftsOptions {
  /** Server path of the label file. */
  path: string;
  /** File name shown in the prompt. */
  name: string;
  /** The painted labels (drafts are written from it and restored into it). */
  store: LabelStore;
  /** Identifies the server in storage keys. */
  server: string;
  /** Where drafts are kept. undefined: window.localStorage (none when unavailable). */
  storage: Storage | null | undefined;
  /** Tells which drafts belong to a tab still open. undefined: navigator.locks. */
  locks: LocksLike | null | undefined;
  /** Shows the "restore unsaved strokes" prompt (hidden when there is none). */
  bannerHost: HTMLElement;
  /** The prompt's "restore" button. */
  onRestore: () => void;
  /** The prompt's "discard" button. */
  onDiscard: () => void;
}

/** window.localStorage, or null where there is none or reading it throws (sandboxed frames). */
function defaultStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The draft in `text` when it is one of the file at `path` for `shape` with readable runs. */
export function parseDraft(
  text: string | null,
  path: string,
  shape: Shape,
): LabelDraft | undefined {
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

/** This tab's draft of one label file, and the drafts of closed tabs offered back. */
export class LabelDrafts {
  /** Storage key of this tab's draft (also the name of the lock it holds while open). */
  readonly key: string;
  /** Why the last draft could not be written ("" when it was). */
  problem = "";
  private readonly o: LabelDraftsOptions;
  private readonly shape: Shape;
  private readonly prefix: string;
  private readonly storage: Storage | null;
  private readonly locks: LocksLike | null;
  private releaseLock: (() => void) | undefined;
  private offered: { key: string; draft: LabelDraft }[] = [];

  constructor(options: LabelDraftsOptions) {
    this.o = options;
    this.shape = options.store.shape;
    this.storage = options.storage !== undefined ? options.storage : defaultStorage();
    this.locks =
      options.locks !== undefined
        ? options.locks
        : ((globalThis.navigator as { locks?: LocksLike } | undefined)?.locks ?? null);
    this.prefix = `${DRAFT_PREFIX}|${options.server}|${options.path}|`;
    this.key = `${this.prefix}${newRevision()}`;
  }

  /** Drafts of closed tabs currently offered (restore / discard). */
  get offeredCount(): number {
    return this.offered.length;
  }

  /**
   * Holds the lock named {@link key} (other tabs then leave this tab's draft alone) until
   * {@link release}, or not at all when `free()` is already true when it is granted.
   */
  holdLock(free: () => boolean): void {
    if (!this.locks) return;
    void this.locks
      .request(
        this.key,
        () =>
          new Promise<void>((resolve) => {
            if (free()) resolve();
            else this.releaseLock = resolve;
          }),
      )
      .catch(() => undefined);
  }

  /** Gives the lock of {@link holdLock} back. */
  release(): void {
    this.releaseLock?.();
    this.releaseLock = undefined;
  }

  /**
   * Looks for drafts of this file by tabs that are closed (no lock held) and offers those that
   * still change the store; drafts that change nothing (saved after all) are removed.
   */
  async find(): Promise<void> {
    const storage = this.storage;
    if (!storage) return;
    const keys: string[] = [];
    try {
      for (let i = 0; i < storage.length; i++) {
        const k = storage.key(i);
        if (k && k.startsWith(this.prefix) && k !== this.key) keys.push(k);
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
      const draft = parseDraft(storage.getItem(key), this.o.path, this.shape);
      if (!draft) continue;
      const pending = this.o.store.applyChanges(
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
      `${last.toLocaleString()}) were kept in this browser but never reached ${this.o.name}. ` +
      `Restore puts them back (their voxels win over the file) and saves them.`;
    const restore = document.createElement("button");
    restore.className = "tl-restoreDraft";
    restore.textContent = "restore";
    restore.addEventListener("click", () => this.o.onRestore());
    const discard = document.createElement("button");
    discard.className = "tl-discardDraft";
    discard.textContent = "discard";
    discard.addEventListener("click", () => this.o.onDiscard());
    host.replaceChildren(text, restore, discard);
    host.dataset.voxels = String(voxels);
    host.hidden = false;
  }

  /**
   * Puts the offered drafts' strokes into the store (their voxels win) and stops offering them;
   * their storage stays until {@link remove} (call it once the store's own draft holds them).
   * @returns voxels changed and the keys of the drafts restored.
   */
  restore(): { applied: number; keys: string[] } {
    let applied = 0;
    for (const { draft } of this.offered)
      applied += this.o.store.applyChanges(
        base64ToBytes(draft.base),
        base64ToBytes(draft.runs),
        "overwrite",
      ).applied;
    const keys = this.offered.map((d) => d.key);
    this.offered = [];
    this.showBanner();
    return { applied, keys };
  }

  /** Drops the offered drafts. */
  discard(): void {
    this.remove(this.offered.map((d) => d.key));
    this.offered = [];
    this.showBanner();
  }

  /** Removes drafts from storage. */
  remove(keys: string[]): void {
    for (const k of keys) this.storage?.removeItem(k);
  }

  /**
   * Keeps the store's changes against `safeRuns` (labels known to be in the file; none: the
   * empty labelling) as this tab's draft, or removes the draft when there are none.
   */
  write(safeRuns: Uint8Array | undefined): void {
    const storage = this.storage;
    if (!storage) return;
    try {
      const runs = this.o.store.encodeRuns();
      const base = safeRuns ?? emptyRuns(this.shape);
      if (runsEqual(runs, base)) {
        storage.removeItem(this.key);
        this.problem = "";
        return;
      }
      const draft: LabelDraft = {
        format: "tomolab-labels-draft",
        version: 1,
        path: this.o.path,
        shape: [...this.shape],
        runs: bytesToBase64(runs),
        base: bytesToBase64(base),
        saved: new Date().toISOString(),
        changed: countDifferences(base, runs, this.shape),
      };
      storage.setItem(this.key, JSON.stringify(draft));
      this.problem = "";
    } catch (error) {
      this.problem = `unsaved strokes not kept in this browser: ${(error as Error).name ?? "error"}`;
    }
  }
}
