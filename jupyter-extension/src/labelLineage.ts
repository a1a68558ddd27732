// Which versions of a label file a saver knows, for conditional saves that never overwrite a
// newer file: the version last read or confirmed written (checked against the server's before
// each write), the content of recent versions (merge bases), and the revisions whose changes
// the store holds (written as the next version's `ancestors`). A version written elsewhere is
// merged 3-way against the newest version both sides had, so no painted voxel of either side
// is silently lost. No DOM here.
import type { LabelStore } from "./labelModel.js";
import { emptyRuns } from "./labelRuns.js";
import type { Shape } from "./planes.js";
import type { ContentsVersion } from "./server.js";

/** A version of the file as the contents API returns it. */
export type RemoteFile = ContentsVersion & { text: string };

/** The file as last read or confirmed written. */
export interface KnownVersion {
  revision: string;
  version: ContentsVersion;
  runs: Uint8Array;
  text: string;
}

/** Most versions remembered as merge bases; most ancestors written in a file. */
export const MAX_VERSIONS = 16;
export const MAX_ANCESTORS = 64;
/**
 * Pseudo-revision of the empty labelling: every version holds its (no) changes, so it is in every
 * `ancestors` list the saver writes, and it is the merge base of two versions that share nothing
 * else (e.g. two tabs that both started without a file): then no painted voxel of either is lost.
 */
export const EMPTY_REVISION = "empty";

/** A random revision id (hex), from crypto.getRandomValues (available outside secure contexts). */
export function newRevision(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The strings of a file's `ancestors` (none when it is not a list). */
function ancestorList(ancestors: unknown): string[] {
  return Array.isArray(ancestors)
    ? ancestors.filter((a): a is string => typeof a === "string")
    : [];
}

/** The history one saver knows of one label file (see the file comment). */
export class LabelLineage {
  /** The file as last read or confirmed written; undefined before the first. */
  known: KnownVersion | undefined;
  /** Versions whose content is known: revision -> runs (merge bases), oldest first. */
  private readonly versions = new Map<string, Uint8Array>();
  /** Revisions whose changes the store holds, oldest first. */
  private revisions: string[] = [EMPTY_REVISION];

  constructor(private readonly shape: Shape) {}

  /** The `ancestors` to write in the next version (the newest {@link MAX_ANCESTORS}). */
  ancestors(): string[] {
    return this.revisions.slice(-MAX_ANCESTORS);
  }

  /**
   * Takes a version read from the server as the known one (a file without a revision, e.g.
   * written by the kernel's saveLabels, is named by its modification time).
   * @returns its revision.
   */
  adopt(
    remote: RemoteFile,
    revision: string | undefined,
    ancestors: unknown,
    runs: Uint8Array,
  ): string {
    const rev = revision ?? `mtime:${remote.lastModified}`;
    this.known = {
      revision: rev,
      version: { lastModified: remote.lastModified, hash: remote.hash },
      runs,
      text: remote.text,
    };
    this.remember(rev, runs);
    this.extend([...ancestorList(ancestors), rev]);
    return rev;
  }

  /** Keeps a version's content as a merge base (the oldest beyond {@link MAX_VERSIONS} go). */
  remember(revision: string, runs: Uint8Array): void {
    this.versions.delete(revision);
    this.versions.set(revision, runs);
    while (this.versions.size > MAX_VERSIONS)
      this.versions.delete(this.versions.keys().next().value as string);
  }

  /** Records revisions whose changes the store now holds (each once, the newest {@link MAX_ANCESTORS} kept). */
  extend(revisions: string[]): void {
    const seen = new Set(this.revisions);
    for (const r of revisions) {
      if (seen.has(r)) continue;
      seen.add(r);
      this.revisions.push(r);
    }
    if (this.revisions.length > MAX_ANCESTORS)
      this.revisions = this.revisions.slice(-MAX_ANCESTORS);
  }

  /** True when `v` is the known version (same time; same hash where both have one). */
  isKnown(v: ContentsVersion): boolean {
    const k = this.known?.version;
    if (!k || v.lastModified !== k.lastModified) return false;
    return v.hash === undefined || k.hash === undefined || v.hash === k.hash;
  }

  /** The merge base for a remote version: itself when known, else the newest known ancestor. */
  baseFor(revision: string, ancestors: string[]): Uint8Array {
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
   * Merges a version of the file written elsewhere (`file` its parsed text, `runs` its labels)
   * into the store, 3-way against the newest version both sides had (the store's value wins
   * where both changed a voxel), and adopts it as the known version.
   * @returns voxels of the store the merge changed.
   */
  mergeInto(
    store: LabelStore,
    remote: RemoteFile,
    file: { revision?: string; ancestors?: unknown },
    runs: Uint8Array,
  ): number {
    const ancestors = ancestorList(file.ancestors);
    const revision = file.revision ?? `mtime:${remote.lastModified}`;
    const base = this.baseFor(revision, ancestors);
    const { applied } = store.applyChanges(base, runs, "three-way");
    this.adopt(remote, file.revision, ancestors, runs);
    return applied;
  }
}
