// @vitest-environment jsdom
// The label saver against an in-memory contents API: two tabs on one file (sequential and
// racing saves end with both tabs' strokes), the merge rule, failed saves with capped backoff
// and "save now", unsaved strokes kept in browser storage and offered back, beforeunload.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { base64ToBytes } from "../src/base64.js";
import { decodeLabelFile } from "../src/labelFile.js";
import { LabelStore } from "../src/labelModel.js";
import { runCounts } from "../src/labelRuns.js";
import type { Shape } from "../src/planes.js";
import {
  LabelSaver,
  retryDelay,
  type LabelContentsApi,
  type LocksLike,
} from "../src/labelSaver.js";
import { saveLabels } from "../../kernel-lib/src/display/labels.js";
import { memoryStorage } from "./labelTestUtil.js";

const SHAPE: Shape = [2, 4, 4];
const PATH = "nb/vol.labels.json";

/** A contents API over a Map, with a request log and a modification clock. */
class FakeServer {
  readonly files = new Map<string, { text: string; mtime: number }>();
  readonly log: string[] = [];
  private clock = 0;
  /** Error thrown for a request, when set. */
  fail: ((method: "GET" | "PUT", path: string) => Error | undefined) | undefined;

  put(path: string, text: string): string {
    this.files.set(path, { text, mtime: ++this.clock });
    return `t${this.clock}`;
  }

  api(hooks: { beforePut?: (path: string) => Promise<void> } = {}): LabelContentsApi {
    const version = (path: string) => {
      const f = this.files.get(path);
      return f && { lastModified: `t${f.mtime}` };
    };
    const check = (method: "GET" | "PUT", path: string) => {
      this.log.push(`${method} ${path}`);
      const e = this.fail?.(method, path);
      if (e) throw e;
    };
    return {
      stat: async (path) => {
        check("GET", path);
        return version(path);
      },
      read: async (path) => {
        check("GET", path);
        const v = version(path);
        return v && { ...v, text: this.files.get(path)!.text };
      },
      write: async (path, text) => {
        await hooks.beforePut?.(path);
        check("PUT", path);
        this.put(path, text);
        return version(path)!;
      },
    };
  }

  /** Labels in the file as a dense array. */
  labels(path = PATH): Uint8Array {
    const { runs } = decodeLabelFile(this.files.get(path)!.text, SHAPE, path);
    const s = new LabelStore(SHAPE);
    s.applyChanges(new LabelStore(SHAPE).encodeRuns(), runs, "overwrite");
    const out = new Uint8Array(32);
    for (let i = 0; i < 32; i++) out[i] = s.get(Math.floor(i / 16), Math.floor(i / 4) % 4, i % 4);
    return out;
  }

  counts(path = PATH): Record<string, number> {
    return runCounts(decodeLabelFile(this.files.get(path)!.text, SHAPE, path).runs, SHAPE);
  }
}

/** Web Locks stand-in: the names of open tabs' locks. */
class FakeLocks implements LocksLike {
  readonly held = new Set<string>();
  async request(name: string, callback: () => Promise<unknown>): Promise<unknown> {
    this.held.add(name);
    try {
      return await callback();
    } finally {
      this.held.delete(name);
    }
  }
  async query() {
    return { held: [...this.held].map((name) => ({ name })) };
  }
}

interface Tab {
  saver: LabelSaver;
  store: LabelStore;
  status: HTMLElement;
  banner: HTMLElement;
  win: EventTarget & { document: EventTarget & { visibilityState: string } };
}

const open: LabelSaver[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.dispose();
  vi.useRealTimers();
});

function tab(
  server: FakeServer,
  options: {
    api?: LabelContentsApi;
    storage?: Storage | null;
    locks?: LocksLike | null;
    autosaveMs?: number;
    settleMs?: number;
  } = {},
): Tab {
  const store = new LabelStore(SHAPE);
  const status = document.createElement("span");
  const banner = document.createElement("div");
  const doc = Object.assign(new EventTarget(), { visibilityState: "visible" });
  const win = Object.assign(new EventTarget(), { document: doc });
  const saver = new LabelSaver({
    path: PATH,
    store,
    classes: () => [{ id: 1, name: "a", color: "#ff0000" }],
    spacing: [1, 1, 1],
    api: options.api ?? server.api(),
    statusHost: status,
    bannerHost: banner,
    server: "srv/",
    storage: options.storage === undefined ? null : options.storage,
    locks: options.locks ?? null,
    win: win as unknown as Window,
    autosaveMs: options.autosaveMs ?? 5,
    settleMs: options.settleMs ?? 5,
  });
  open.push(saver);
  return { saver, store, status, banner, win };
}

/** Paint one voxel (z, y, x) with `value`, as the viewer does (one stroke, then edited()). */
function paint(t: Tab, value: number, z: number, y: number, x: number): void {
  t.store.beginStroke(value);
  t.store.paintDisc("xy", z, x, y, 0);
  t.store.endStroke();
  t.saver.edited();
}

const at = (z: number, y: number, x: number) => (z * 4 + y) * 4 + x;

describe("two tabs on one label file", () => {
  it("sequential saves: each tab's strokes end up in the file, and in the other tab", async () => {
    const server = new FakeServer();
    const a = tab(server);
    const b = tab(server);
    await a.saver.load();
    await b.saver.load();
    paint(a, 1, 0, 0, 0);
    await a.saver.flush();
    paint(b, 2, 1, 3, 3);
    await b.saver.flush(); // b's save sees a's version, merges it, writes both
    expect(server.labels()[at(0, 0, 0)]).toBe(1);
    expect(server.labels()[at(1, 3, 3)]).toBe(2);
    expect(b.status.textContent).toMatch(/merged 1 voxel changed in another tab/);
    // a picks b's stroke up when its page gets the focus again
    a.win.dispatchEvent(new Event("focus"));
    await vi.waitFor(() => expect(a.store.get(1, 3, 3)).toBe(2));
    expect(a.saver.hasUnsaved).toBe(false);
    // the previous version is kept as .bak
    expect(server.counts(`${PATH}.bak`)).toEqual({ "1": 1 });
  });

  it("a write landing between a tab's check and its write is healed by the re-check after the save", async () => {
    const server = new FakeServer();
    const tabs: { b?: Tab } = {};
    let raced = false;
    // tab a: right before its PUT of the labels, tab b runs a whole save (check, write, verify)
    const a = tab(server, {
      autosaveMs: 60_000,
      api: server.api({
        beforePut: async (path) => {
          if (raced || path !== PATH) return;
          raced = true;
          await tabs.b!.saver.flush();
        },
      }),
    });
    tabs.b = tab(server, { autosaveMs: 60_000 });
    const b = tabs.b;
    await a.saver.load();
    await b.saver.load();
    paint(b, 2, 1, 1, 1);
    paint(a, 1, 0, 0, 0);
    await a.saver.flush();
    // a overwrote b's version without seeing it: the file lost b's stroke for now ...
    expect(raced).toBe(true);
    expect(server.labels()[at(1, 1, 1)]).toBe(0);
    // ... b's re-check after its save finds a's version, which does not descend from b's: b
    // merges against the last version both had (the empty labelling), keeps its stroke, takes
    // a's, and is dirty again; its (next) save writes both
    await vi.waitFor(() => expect(b.store.get(0, 0, 0)).toBe(1));
    expect(b.store.get(1, 1, 1)).toBe(2);
    expect(b.saver.hasUnsaved).toBe(true);
    await b.saver.flush();
    expect(server.labels()[at(1, 1, 1)]).toBe(2);
    expect(server.labels()[at(0, 0, 0)]).toBe(1);
    expect(b.saver.state).toBe("saved");
    a.win.dispatchEvent(new Event("focus"));
    await vi.waitFor(() => expect(a.store.get(1, 1, 1)).toBe(2));
  });

  it("a write between a tab's write and its verification is merged before its save ends", async () => {
    const server = new FakeServer();
    const a = tab(server, { autosaveMs: 60_000 });
    const api = server.api();
    let wrote = false;
    let raced = false;
    // b: right after its PUT of the labels (before its verifying GET), tab a saves
    const b = tab(server, {
      autosaveMs: 60_000,
      api: {
        ...api,
        write: async (p, text) => {
          const v = await api.write(p, text);
          wrote ||= p === PATH;
          return v;
        },
        stat: async (p) => {
          if (wrote && !raced) {
            raced = true;
            await a.saver.flush();
          }
          return api.stat(p);
        },
      },
    });
    await a.saver.load();
    await b.saver.load();
    paint(a, 1, 0, 0, 0);
    paint(b, 2, 1, 0, 0);
    await b.saver.flush();
    expect(raced).toBe(true);
    const file = server.labels();
    expect([file[at(0, 0, 0)], file[at(1, 0, 0)]]).toEqual([1, 2]);
    // b saw its verification fail, read a's version (which holds b's) and merged it
    expect(b.store.get(0, 0, 0)).toBe(1);
    expect(b.saver.hasUnsaved).toBe(false);
    expect(b.saver.state).toBe("saved");
  });

  it("merge rule: this tab's value wins where both tabs painted a voxel, erasures are kept", async () => {
    const server = new FakeServer();
    const a = tab(server);
    const b = tab(server);
    await a.saver.load();
    paint(a, 1, 0, 0, 0);
    paint(a, 1, 0, 0, 1);
    await a.saver.flush();
    await b.saver.load(); // b starts from a's version
    paint(a, 2, 0, 3, 3); // a: same voxel as b below, other class
    paint(a, 0, 0, 0, 1); // a: erases one of its voxels
    await a.saver.flush();
    paint(b, 3, 0, 3, 3);
    await b.saver.flush();
    const file = server.labels();
    expect(file[at(0, 3, 3)]).toBe(3); // painted by both: b (the tab merging) wins
    expect(file[at(0, 0, 1)]).toBe(0); // a's erasure survives b's save
    expect(file[at(0, 0, 0)]).toBe(1);
  });

  it("files written by the kernel (no revision) are merged against the version last seen", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "tl-saver-"));
    const server = new FakeServer();
    const a = tab(server);
    await a.saver.load();
    paint(a, 1, 0, 0, 0);
    await a.saver.flush();
    // the kernel writes a file with saveLabels (no revision / ancestors)
    const data = server.labels();
    data[at(1, 2, 2)] = 2;
    const file = path.join(dir, "k.labels.json");
    saveLabels({ data, shape: SHAPE, spacing: [1, 1, 1] }, file);
    server.put(PATH, await readFile(file, "utf8"));
    await rm(dir, { recursive: true, force: true });
    paint(a, 3, 1, 0, 0);
    await a.saver.flush();
    expect(server.counts()).toEqual({ "1": 1, "2": 1, "3": 1 });
  });

  it("never overwrites a file that became unreadable on the server", async () => {
    const server = new FakeServer();
    const a = tab(server);
    await a.saver.load();
    paint(a, 1, 0, 0, 0);
    await a.saver.flush();
    server.put(PATH, "{ half written");
    paint(a, 1, 0, 0, 1);
    await a.saver.flush();
    expect(server.files.get(PATH)!.text).toBe("{ half written");
    expect(a.saver.state).toBe("error");
    expect(a.status.textContent).toMatch(/not valid JSON.*not overwritten.*kept in this browser/);
  });
});

describe("failed saves", () => {
  it("retryDelay: doubling from 1 s, capped at 60 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => retryDelay(n))).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
    ]);
    expect(retryDelay(3, { initialMs: 500, factor: 3, maxMs: 10_000 })).toBe(4500);
    expect(() => retryDelay(0)).toThrow(/failures must be an integer >= 1, received 0/);
    expect(() => retryDelay(1, { maxMs: 10 })).toThrow(/maxMs >= initialMs/);
  });

  it("a 403 is shown with the server's reason and retried on the capped schedule, not hammered", async () => {
    vi.useFakeTimers();
    const server = new FakeServer();
    const a = tab(server, { autosaveMs: 600 });
    await a.saver.load();
    server.fail = (method, path) =>
      method === "PUT"
        ? Object.assign(
            new Error(`saving ${path}: HTTP 403 Forbidden (Permission denied: ${path})`),
            { status: 403 },
          )
        : undefined;
    paint(a, 1, 0, 0, 0);
    const puts = () => server.log.filter((l) => l.startsWith("PUT")).length;
    await vi.advanceTimersByTimeAsync(600);
    expect(puts()).toBe(1);
    expect(a.saver.state).toBe("error");
    expect(a.status.textContent).toMatch(
      /save failed: saving nb\/vol\.labels\.json: HTTP 403 Forbidden \(Permission denied: nb\/vol\.labels\.json\)\. Strokes are kept in this browser; retrying in 1 s/,
    );
    expect(a.status.querySelector<HTMLButtonElement>(".tl-saveNow")!.hidden).toBe(false);
    // strokes painted while failing do not bring the next attempt forward
    paint(a, 1, 0, 0, 1);
    // attempts 1 s, 2 s, 4 s, 8 s, 16 s, 32 s, 60 s, 60 s after the previous ones
    await vi.advanceTimersByTimeAsync(120_000);
    expect(puts()).toBe(1 + 6); // at 1.6, 3.6, 7.6, 15.6, 31.6, 63.6 s; the next at 123.6 s
    expect(a.status.dataset.retryMs).toBe("60000");
    expect(server.log.length).toBe(2 + 2 * puts()); // load: 2 GETs (file, .bak); 1 GET per attempt
    // "save now" tries at once; once writable, the strokes are saved and the schedule resets
    server.fail = undefined;
    const putsBefore = puts();
    a.status.querySelector<HTMLButtonElement>(".tl-saveNow")!.click();
    await a.saver.flush(); // joins the save the click started
    expect(puts()).toBe(putsBefore + 1);
    expect(a.saver.state).toBe("saved");
    expect(server.counts()).toEqual({ "1": 2 });
    const before = server.log.length;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.log.length - before).toBe(1); // only the one re-check after the save
  });

  it("an unreachable server: error shown, strokes kept, saved when it is back ('online')", async () => {
    const server = new FakeServer();
    const storage = memoryStorage();
    const a = tab(server, { storage, settleMs: 60_000 });
    await a.saver.load();
    server.fail = (_m, path) =>
      Object.assign(new Error(`checking ${path}: server unreachable (Failed to fetch)`), {
        status: 0,
      });
    paint(a, 2, 1, 1, 1);
    await vi.waitFor(() => expect(a.saver.state).toBe("error"));
    expect(a.status.textContent).toMatch(/server unreachable \(Failed to fetch\)/);
    expect(storage.length).toBe(1); // the unsaved stroke is in browser storage
    server.fail = undefined;
    a.win.dispatchEvent(new Event("online"));
    await vi.waitFor(() => expect(a.saver.state).toBe("saved"));
    expect(server.counts()).toEqual({ "2": 1 });
    expect(storage.length).toBe(1); // written, but a racing write could still replace it ...
    a.win.dispatchEvent(new Event("focus")); // ... until a later check finds it in the file
    await vi.waitFor(() => expect(storage.length).toBe(0));
  });
});

describe("unsaved strokes in browser storage", () => {
  it("a closed tab's strokes are offered after a reload, restored and saved", async () => {
    const server = new FakeServer();
    const storage = memoryStorage();
    const locks = new FakeLocks();
    const first = tab(server, { storage, locks, autosaveMs: 60_000 });
    await first.saver.load();
    paint(first, 1, 0, 1, 1);
    paint(first, 2, 1, 2, 2);
    expect(storage.length).toBe(1);
    // the page goes away before the autosave: nothing reached the server
    expect(server.files.has(PATH)).toBe(false);
    locks.held.clear(); // the page's locks go with it
    const second = tab(server, { storage, locks });
    await second.saver.load();
    expect(second.banner.hidden).toBe(false);
    expect(second.banner.dataset.voxels).toBe("2");
    expect(second.banner.textContent).toMatch(/2 voxels changed.*never reached vol\.labels\.json/);
    second.banner.querySelector<HTMLButtonElement>(".tl-restoreDraft")!.click();
    expect(second.banner.hidden).toBe(true);
    expect(second.store.counts()).toEqual({ "1": 1, "2": 1 });
    await second.saver.flush();
    expect(server.counts()).toEqual({ "1": 1, "2": 1 });
    await vi.waitFor(() => expect(storage.length).toBe(0));
  });

  it("restored strokes win over the file; other tabs' strokes in the file stay", async () => {
    const server = new FakeServer();
    const storage = memoryStorage();
    const locks = new FakeLocks();
    const first = tab(server, { storage, locks, autosaveMs: 60_000 });
    await first.saver.load();
    paint(first, 1, 0, 0, 0);
    locks.held.clear();
    // meanwhile another tab saved strokes, one of them on the same voxel
    const other = tab(server, { storage: null });
    await other.saver.load();
    paint(other, 3, 0, 0, 0);
    paint(other, 3, 1, 1, 1);
    await other.saver.flush();
    const second = tab(server, { storage, locks });
    await second.saver.load();
    expect(second.saver.offeredDrafts).toBe(1);
    expect(second.saver.restoreDrafts()).toBe(1);
    await second.saver.flush();
    expect(server.counts()).toEqual({ "1": 1, "3": 1 });
  });

  it("a draft of a tab still open is not offered; one already saved is dropped; discard drops", async () => {
    const server = new FakeServer();
    const storage = memoryStorage();
    const locks = new FakeLocks();
    const keys = () => [...Array(storage.length).keys()].map((i) => storage.key(i)!);
    const busy = tab(server, { storage, locks, autosaveMs: 60_000 });
    await busy.saver.load();
    paint(busy, 1, 0, 0, 0);
    const [busyKey] = keys();
    const other = tab(server, { storage, locks });
    await other.saver.load();
    expect(other.saver.offeredDrafts).toBe(0); // busy's tab is open: it saves its own strokes
    await busy.saver.flush();
    await vi.waitFor(() => expect(storage.getItem(busyKey)).toBeNull());
    paint(busy, 1, 0, 0, 1); // a new unsaved stroke, then the tab goes away
    locks.held.clear();
    const third = tab(server, { storage, locks });
    await third.saver.load();
    expect(third.saver.offeredDrafts).toBe(1);
    third.banner.querySelector<HTMLButtonElement>(".tl-discardDraft")!.click();
    expect(third.saver.offeredDrafts).toBe(0);
    expect(third.banner.hidden).toBe(true);
    expect(storage.getItem(busyKey)).toBeNull();
    // a draft whose strokes reached the file (saved just before the tab closed) is dropped
    const fourth = tab(server, { storage, locks, autosaveMs: 60_000 });
    await fourth.saver.load();
    paint(fourth, 2, 1, 0, 0);
    const [fourthKey] = keys().filter((k) => k !== busyKey);
    const draft = storage.getItem(fourthKey)!;
    await fourth.saver.flush();
    storage.setItem(fourthKey, draft); // as if the page closed between the save and the cleanup
    locks.held.clear();
    const fifth = tab(server, { storage, locks });
    await fifth.saver.load();
    expect(fifth.saver.offeredDrafts).toBe(0);
    expect(storage.getItem(fourthKey)).toBeNull();
  });

  it("beforeunload is cancelled (the browser warns) only while strokes are unsaved", async () => {
    const server = new FakeServer();
    const storage = memoryStorage();
    const a = tab(server, { storage, autosaveMs: 60_000, settleMs: 60_000 });
    await a.saver.load();
    const unload = () => {
      const e = new Event("beforeunload", { cancelable: true });
      a.win.dispatchEvent(e);
      return e.defaultPrevented;
    };
    expect(unload()).toBe(false);
    paint(a, 1, 0, 0, 0);
    expect(unload()).toBe(true);
    await a.saver.flush();
    expect(unload()).toBe(false);
    // a stroke still being painted (pointer down) counts, and goes into the browser copy
    a.store.beginStroke(2);
    a.store.paintDisc("xy", 1, 3, 3, 0);
    expect(unload()).toBe(true);
    const [key] = [...Array(storage.length).keys()].map((i) => storage.key(i)!);
    expect(runCounts(base64ToBytes(JSON.parse(storage.getItem(key)!).runs), SHAPE)).toEqual({
      "1": 1,
      "2": 1,
    });
  });
});
