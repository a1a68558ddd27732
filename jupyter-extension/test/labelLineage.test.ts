// The versions a label saver knows (labelLineage.ts): which version is the merge base of a file
// written elsewhere, the `ancestors` written, and that a merge keeps both sides' strokes.
import { describe, expect, it } from "vitest";
import { EMPTY_REVISION, LabelLineage, MAX_ANCESTORS, MAX_VERSIONS } from "../src/labelLineage.js";
import { LabelStore } from "../src/labelModel.js";
import { emptyRuns } from "../src/labelRuns.js";
import type { Shape } from "../src/planes.js";
import { encodeLabelRuns } from "../../kernel-lib/src/display/labels.js";
import { storeOf as paintedStore } from "./labelTestUtil.js";

const SHAPE: Shape = [1, 1, 6];
const runsOf = (...v: number[]): Uint8Array => encodeLabelRuns(Uint8Array.from(v));
const remote = (lastModified: string, hash?: string) => ({ lastModified, hash, text: "{}" });

const storeOf = (values: number[]): LabelStore => paintedStore(SHAPE, values);

describe("LabelLineage", () => {
  it("writes the empty revision first, each revision once, the newest 64 at most", () => {
    expect(MAX_ANCESTORS).toBe(64);
    const l = new LabelLineage(SHAPE);
    expect(l.ancestors()).toEqual([EMPTY_REVISION]);
    l.extend(["a", "b", "a", EMPTY_REVISION, "c"]);
    expect(l.ancestors()).toEqual([EMPTY_REVISION, "a", "b", "c"]);
    // 4 + 70 new = 74 revisions: the oldest 10 (empty, a, b, c, r0..r5) go
    l.extend(Array.from({ length: 70 }, (_, i) => `r${i}`));
    const written = l.ancestors();
    expect(written).toHaveLength(64);
    expect(written[0]).toBe("r6");
    expect(written[63]).toBe("r69");
  });

  it("knows a version by time, and by hash where both sides have one", () => {
    const l = new LabelLineage(SHAPE);
    expect(l.isKnown({ lastModified: "t1" })).toBe(false);
    l.adopt(remote("t1", "h1"), "rev1", [], runsOf(0, 0, 0, 0, 0, 0));
    expect(l.known?.revision).toBe("rev1");
    expect(l.isKnown({ lastModified: "t1", hash: "h1" })).toBe(true);
    expect(l.isKnown({ lastModified: "t1" })).toBe(true); // server without hashes
    expect(l.isKnown({ lastModified: "t1", hash: "h2" })).toBe(false); // rewritten in the same second
    expect(l.isKnown({ lastModified: "t2", hash: "h1" })).toBe(false);
  });

  it("names a file without a revision (the kernel's saveLabels) by its time", () => {
    const l = new LabelLineage(SHAPE);
    expect(l.adopt(remote("2026-01-01T00:00:00Z"), undefined, "not a list", emptyRuns(SHAPE))).toBe(
      "mtime:2026-01-01T00:00:00Z",
    );
    expect(l.ancestors()).toEqual([EMPTY_REVISION, "mtime:2026-01-01T00:00:00Z"]);
  });

  it("merge base: the version itself, else its newest known ancestor, else empty, else the last seen", () => {
    const l = new LabelLineage(SHAPE);
    const v1 = runsOf(1, 0, 0, 0, 0, 0);
    const v2 = runsOf(1, 2, 0, 0, 0, 0);
    const v3 = runsOf(1, 2, 3, 0, 0, 0);
    l.remember("v1", v1);
    l.remember("v2", v2);
    l.adopt(remote("t3"), "v3", ["v1", "v2"], v3);
    expect(l.baseFor("v2", [])).toBe(v2);
    expect(l.baseFor("x", ["v1", "v2"])).toBe(v2); // v2 was remembered after v1
    expect(l.baseFor("x", ["v1"])).toBe(v1);
    expect(l.baseFor("x", ["other", EMPTY_REVISION])).toEqual(emptyRuns(SHAPE));
    expect(l.baseFor("x", ["other"])).toBe(v3); // no shared history: the last version seen
  });

  it("remembers the newest 16 versions as merge bases", () => {
    expect(MAX_VERSIONS).toBe(16);
    const l = new LabelLineage(SHAPE);
    const first = runsOf(1, 0, 0, 0, 0, 0);
    l.remember("v0", first);
    for (let i = 1; i <= 15; i++) l.remember(`v${i}`, runsOf(0, 0, 0, 0, 0, i));
    expect(l.baseFor("v0", [])).toBe(first); // 16 kept
    l.remember("v16", runsOf(0, 0, 0, 0, 2, 0));
    expect(l.baseFor("v0", [EMPTY_REVISION])).toEqual(emptyRuns(SHAPE)); // v0 forgotten
  });

  it("a version written elsewhere: its strokes come in, this tab's stay and win where both painted", () => {
    // base (both had it):   1 0 0 0 0 0
    // this tab:             1 2 0 5 0 0   (painted x=1 and x=3)
    // other tab (remote):   1 0 3 4 0 6   (painted x=2, x=3, x=5)
    // expected merge:       1 2 3 5 0 6   (x=3 painted by both: this tab's 5 stays)
    const l = new LabelLineage(SHAPE);
    const base = runsOf(1, 0, 0, 0, 0, 0);
    l.adopt(remote("t1"), "base", [], base);
    const store = storeOf([1, 2, 0, 5, 0, 0]);
    const theirs = runsOf(1, 0, 3, 4, 0, 6);
    const applied = l.mergeInto(
      store,
      remote("t2"),
      { revision: "r2", ancestors: ["base"] },
      theirs,
    );
    expect(applied).toBe(2); // x=2 and x=5
    expect([0, 1, 2, 3, 4, 5].map((x) => store.get(0, 0, x))).toEqual([1, 2, 3, 5, 0, 6]);
    expect(l.known?.revision).toBe("r2");
    expect(l.isKnown({ lastModified: "t2" })).toBe(true);
    expect(l.ancestors()).toEqual([EMPTY_REVISION, "base", "r2"]);
  });

  it("two tabs that both started without a file: merged against the empty labelling, nothing lost", () => {
    const l = new LabelLineage(SHAPE);
    const store = storeOf([0, 2, 0, 0, 0, 0]);
    const theirs = runsOf(4, 0, 0, 0, 0, 0);
    const applied = l.mergeInto(
      store,
      remote("t1"),
      { revision: "r1", ancestors: [EMPTY_REVISION] },
      theirs,
    );
    expect(applied).toBe(1);
    expect([0, 1, 2, 3, 4, 5].map((x) => store.get(0, 0, x))).toEqual([4, 2, 0, 0, 0, 0]);
  });
});
