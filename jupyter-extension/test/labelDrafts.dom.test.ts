// @vitest-environment jsdom
// Browser copies of unsaved label strokes (labelDrafts.ts): what a draft holds, which stored
// texts are taken for drafts, the prompt for closed tabs' drafts, and a full storage.
import { describe, expect, it } from "vitest";
import { base64ToBytes, bytesToBase64 } from "../src/base64.js";
import { LabelDrafts, parseDraft, type LabelDraft } from "../src/labelDrafts.js";
import { LabelStore } from "../src/labelModel.js";
import { emptyRuns } from "../src/labelRuns.js";
import type { Shape } from "../src/planes.js";
import { encodeLabelRuns } from "../../kernel-lib/src/display/labels.js";
import { memoryStorage, storeOf as paintedStore } from "./labelTestUtil.js";

const SHAPE: Shape = [1, 2, 3];
const PATH = "nb/vol.labels.json";
const runsOf = (...v: number[]): Uint8Array => encodeLabelRuns(Uint8Array.from(v));

/** A store holding `values` (x fastest over the 2 x 3 plane). */
const storeOf = (values: number[]): LabelStore => paintedStore(SHAPE, values);

function drafts(
  store: LabelStore,
  storage: Storage | null,
  banner = document.createElement("div"),
) {
  const calls: string[] = [];
  const d = new LabelDrafts({
    path: PATH,
    name: "vol.labels.json",
    store,
    server: "srv/",
    storage,
    locks: null,
    bannerHost: banner,
    onRestore: () => calls.push("restore"),
    onDiscard: () => calls.push("discard"),
  });
  return { d, banner, calls };
}

function draftText(over: Partial<LabelDraft> = {}): string {
  return JSON.stringify({
    format: "tomolab-labels-draft",
    version: 1,
    path: PATH,
    shape: [...SHAPE],
    runs: bytesToBase64(runsOf(1, 0, 0, 0, 0, 0)),
    base: bytesToBase64(emptyRuns(SHAPE)),
    saved: "2026-01-01T00:00:00.000Z",
    changed: 1,
    ...over,
  });
}

describe("parseDraft", () => {
  it("takes a draft of this file and shape, and nothing else", () => {
    expect(parseDraft(draftText(), PATH, SHAPE)?.changed).toBe(1);
    expect(parseDraft(null, PATH, SHAPE)).toBeUndefined();
    expect(parseDraft("{not json", PATH, SHAPE)).toBeUndefined();
    expect(parseDraft(draftText(), "nb/other.labels.json", SHAPE)).toBeUndefined();
    expect(parseDraft(draftText({ shape: [1, 3, 2] }), PATH, SHAPE)).toBeUndefined();
    expect(parseDraft(draftText({ version: 2 as 1 }), PATH, SHAPE)).toBeUndefined();
    // runs covering 5 voxels of the 6
    expect(
      parseDraft(draftText({ runs: bytesToBase64(runsOf(1, 0, 0, 0, 0)) }), PATH, SHAPE),
    ).toBeUndefined();
  });
});

describe("LabelDrafts", () => {
  it("keeps the store's changes against the labels known to be in the file", () => {
    const storage = memoryStorage();
    const store = storeOf([1, 2, 0, 0, 3, 0]);
    const { d } = drafts(store, storage);
    expect(d.key).toMatch(/^tomolab-labels-draft\|srv\/\|nb\/vol\.labels\.json\|[0-9a-f]{24}$/);
    const safe = runsOf(1, 0, 0, 0, 0, 4); // the file: x=0 y=0 already 1, x=2 y=1 is 4 there
    d.write(safe);
    const kept = JSON.parse(storage.getItem(d.key)!) as LabelDraft;
    expect(kept.changed).toBe(3); // voxels 1 (0 -> 2), 4 (0 -> 3), 5 (4 -> 0)
    expect(base64ToBytes(kept.base)).toEqual(safe);
    expect(base64ToBytes(kept.runs)).toEqual(store.encodeRuns());
    expect(kept.shape).toEqual([1, 2, 3]);
    // once the file holds all of it, the copy goes
    d.write(store.encodeRuns());
    expect(storage.length).toBe(0);
    expect(d.problem).toBe("");
  });

  it("says so when the browser refuses the copy (full storage), and recovers", () => {
    const storage = memoryStorage();
    let full = true;
    const setItem = storage.setItem;
    storage.setItem = (k, v) => {
      if (full) throw new DOMException("quota", "QuotaExceededError");
      setItem(k, v);
    };
    const { d } = drafts(storeOf([5, 0, 0, 0, 0, 0]), storage);
    d.write(undefined);
    expect(d.problem).toBe("unsaved strokes not kept in this browser: QuotaExceededError");
    full = false;
    d.write(undefined);
    expect(d.problem).toBe("");
    expect(storage.length).toBe(1);
  });

  it("offers closed tabs' drafts oldest first, restores them into the store, storage kept until removed", async () => {
    const storage = memoryStorage();
    const prefix = `tomolab-labels-draft|srv/|${PATH}|`;
    storage.setItem(
      `${prefix}b`,
      draftText({
        runs: bytesToBase64(runsOf(0, 0, 0, 0, 0, 7)),
        saved: "2026-01-02T00:00:00.000Z",
        changed: 1,
      }),
    );
    storage.setItem(
      `${prefix}a`,
      draftText({ runs: bytesToBase64(runsOf(2, 2, 0, 0, 0, 0)), changed: 2 }),
    );
    storage.setItem(`${prefix}c`, draftText({ runs: bytesToBase64(emptyRuns(SHAPE)), changed: 0 })); // nothing left to restore
    storage.setItem(
      `tomolab-labels-draft|srv/|nb/other.labels.json|d`,
      draftText({ path: "nb/other.labels.json" }),
    );
    const store = new LabelStore(SHAPE);
    const { d, banner, calls } = drafts(store, storage);
    await d.find();
    expect(d.offeredCount).toBe(2);
    expect(storage.getItem(`${prefix}c`)).toBeNull();
    expect(banner.hidden).toBe(false);
    expect(banner.dataset.voxels).toBe("3");
    expect(banner.textContent).toMatch(/3 voxels changed.*never reached vol\.labels\.json/);
    banner.querySelector<HTMLButtonElement>(".tl-restoreDraft")!.click();
    banner.querySelector<HTMLButtonElement>(".tl-discardDraft")!.click();
    expect(calls).toEqual(["restore", "discard"]);
    const { applied, keys } = d.restore();
    expect(applied).toBe(3);
    expect(keys).toEqual([`${prefix}a`, `${prefix}b`]);
    expect([0, 1, 2, 3, 4, 5].map((i) => store.get(0, Math.floor(i / 3), i % 3))).toEqual([
      2, 2, 0, 0, 0, 7,
    ]);
    expect(banner.hidden).toBe(true);
    expect(d.offeredCount).toBe(0);
    expect(storage.length).toBe(3); // a, b and the other file's
    d.remove(keys);
    expect([...storage.map.keys()]).toEqual(["tomolab-labels-draft|srv/|nb/other.labels.json|d"]);
  });

  it("without storage: nothing is kept or offered", async () => {
    const { d } = drafts(storeOf([1, 0, 0, 0, 0, 0]), null);
    d.write(undefined);
    await d.find();
    expect(d.offeredCount).toBe(0);
    expect(d.problem).toBe("");
  });
});
