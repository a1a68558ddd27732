// @vitest-environment jsdom
// Autosave of the label painter against a fake contents API (server.ts mocked): previous
// version kept as .bak, failed saves retried without losing the file, corrupt files never
// overwritten, a lone .bak restored.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { VolumePayload } from "../src/viewerTypes.js";

const files = new Map<string, string>();
const stamps = new Map<string, string>();
const writes: string[] = [];
let failWrites = false;
let clock = 0;
vi.mock("../src/server.js", () => ({
  readFileRange: vi.fn(),
  sendToKernel: vi.fn(),
  serverId: () => "test-server/",
  serverPath: (dir: string, name: string) => (dir ? `${dir}/${name}` : name),
  statFile: vi.fn(async (path: string) =>
    files.has(path) ? { lastModified: stamps.get(path)! } : undefined,
  ),
  readTextVersion: vi.fn(async (path: string) =>
    files.has(path) ? { text: files.get(path)!, lastModified: stamps.get(path)! } : undefined,
  ),
  saveTextFile: vi.fn(async (path: string, content: string) => {
    if (failWrites) throw new Error("HTTP 500");
    writes.push(path);
    files.set(path, content);
    stamps.set(path, `t${++clock}`);
    return { lastModified: stamps.get(path)! };
  }),
}));

(globalThis as { DragEvent?: unknown }).DragEvent ??= class DragEvent extends MouseEvent {};
// no canvas in jsdom: drawing is skipped (jsdom would log "not implemented" for each call)
HTMLCanvasElement.prototype.getContext = (() => null) as never;
type ViewerModule = typeof import("../src/viewer.js");
let VolumeViewer: ViewerModule["VolumeViewer"];
let LabelStore: typeof import("../src/labelModel.js").LabelStore;
let DEFAULT_CLASSES: typeof import("../src/viewerTypes.js").DEFAULT_LABEL_CLASSES;
beforeAll(async () => {
  ({ VolumeViewer } = await import("../src/viewer.js"));
  ({ LabelStore } = await import("../src/labelModel.js"));
  ({ DEFAULT_LABEL_CLASSES: DEFAULT_CLASSES } = await import("../src/viewerTypes.js"));
});

const payload: VolumePayload = {
  version: 1,
  viewId: "a",
  shape: [2, 4, 4],
  spacing: [1, 1, 1],
  unit: "nm",
  channels: [
    {
      name: "c",
      dtype: "uint8",
      source: { kind: "inline", base64: Buffer.alloc(32).toString("base64") },
      window: [0, 1],
      range: [0, 0],
      histogram: { min: 0, max: 1, counts: [32] },
    },
  ],
  channelMode: "side",
  overlays: [],
  initial: { plane: "xy", slice: 0 },
  labels: { path: "vol", classes: DEFAULT_CLASSES_LITERAL() },
};
function DEFAULT_CLASSES_LITERAL() {
  return [
    { id: 1, name: "void", color: "#3b82f6" },
    { id: 2, name: "CBD", color: "#f59e0b" },
  ];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the tests drive private painter state */
async function open(): Promise<any> {
  const v: any = new VolumeViewer(payload, { notebookDir: "nb" });
  await vi.waitFor(() => expect(v.node.dataset.saveState).toBeDefined());
  return v;
}

function paint(v: any, value: number, x: number): void {
  v.store.beginStroke(value);
  v.store.paintDisc("xy", 0, x, 0, 0);
  v.store.endStroke();
  v.afterEdit();
}

const countsIn = (name: string) => JSON.parse(files.get(name)!).counts;

describe("label autosave", () => {
  let viewer: any;
  beforeEach(() => {
    files.clear();
    stamps.clear();
    localStorage.clear();
    writes.length = 0;
    failWrites = false;
  });
  afterEach(() => {
    viewer?.dispose();
    viewer = undefined;
  });

  it("saves after painting and keeps the previous version as .bak", async () => {
    viewer = await open();
    expect(viewer.node.dataset.saveState).toBe("saved");
    paint(viewer, 1, 0);
    await vi.waitFor(() => expect(files.has("nb/vol.labels.json")).toBe(true), { timeout: 3000 });
    expect(countsIn("nb/vol.labels.json")).toEqual({ "1": 1 });
    expect(files.has("nb/vol.labels.json.bak")).toBe(false);
    await vi.waitFor(() => expect(viewer.node.dataset.saveState).toBe("saved"));
    paint(viewer, 2, 1);
    await vi.waitFor(() => expect(countsIn("nb/vol.labels.json")).toEqual({ "1": 1, "2": 1 }), {
      timeout: 3000,
    });
    expect(countsIn("nb/vol.labels.json.bak")).toEqual({ "1": 1 });
    // the .bak is written before the new file
    expect(writes.slice(-2)).toEqual(["nb/vol.labels.json.bak", "nb/vol.labels.json"]);
  });

  it("keeps the last good file when a save fails, and retries", async () => {
    viewer = await open();
    paint(viewer, 1, 0);
    await vi.waitFor(() => expect(files.has("nb/vol.labels.json")).toBe(true), { timeout: 3000 });
    await vi.waitFor(() => expect(viewer.node.dataset.saveState).toBe("saved"));
    failWrites = true;
    paint(viewer, 1, 1);
    await vi.waitFor(() => expect(viewer.node.dataset.saveState).toBe("error"), { timeout: 3000 });
    expect(viewer.node.querySelector(".tl-saveStatus").textContent).toMatch(
      /save failed: HTTP 500\. Strokes are kept in this browser; retrying in 1 s/,
    );
    expect(viewer.node.querySelector(".tl-saveNow").hidden).toBe(false);
    expect(writes.length).toBe(1);
    expect(countsIn("nb/vol.labels.json")).toEqual({ "1": 1 });
    failWrites = false;
    await vi.waitFor(() => expect(countsIn("nb/vol.labels.json")).toEqual({ "1": 2 }), {
      timeout: 4000,
    });
  });

  it("two viewers of one label file: the file ends with both viewers' strokes", async () => {
    viewer = await open();
    const other = await open();
    try {
      paint(viewer, 1, 0);
      await vi.waitFor(() => expect(viewer.node.dataset.saveState).toBe("saved"), {
        timeout: 3000,
      });
      await vi.waitFor(() => expect(files.has("nb/vol.labels.json")).toBe(true));
      paint(other, 2, 3);
      await vi.waitFor(() => expect(countsIn("nb/vol.labels.json")).toEqual({ "1": 1, "2": 1 }), {
        timeout: 3000,
      });
      // the second viewer shows the first one's stroke too
      expect(JSON.parse(other.node.dataset.counts)).toEqual({ "1": 1, "2": 1 });
    } finally {
      other.dispose();
    }
  });

  it("never overwrites a corrupt label file", async () => {
    files.set("nb/vol.labels.json", "{ truncated");
    stamps.set("nb/vol.labels.json", "t0");
    viewer = await open();
    await vi.waitFor(() => expect(viewer.node.dataset.saveState).toBe("readonly"));
    expect(viewer.node.querySelector(".tl-message").textContent).toMatch(
      /vol\.labels\.json is not valid JSON.*left untouched/,
    );
    viewer.store?.beginStroke(1);
    viewer.afterEdit();
    await new Promise((r) => setTimeout(r, 900));
    expect(writes).toEqual([]);
    expect(files.get("nb/vol.labels.json")).toBe("{ truncated");
  });

  it("restores from .bak when the label file is missing, and reloads saved labels", async () => {
    const s = new LabelStore([2, 4, 4]);
    s.beginStroke(2);
    s.paintDisc("xy", 1, 2, 2, 1);
    s.endStroke();
    files.set("nb/vol.labels.json.bak", JSON.stringify(s.toFile(DEFAULT_CLASSES, [1, 1, 1])));
    stamps.set("nb/vol.labels.json.bak", "t0");
    viewer = await open();
    expect(JSON.parse(viewer.node.dataset.counts)).toEqual({ "2": 5 });
    // written back to the main file
    await vi.waitFor(() => expect(countsIn("nb/vol.labels.json")).toEqual({ "2": 5 }), {
      timeout: 3000,
    });
    viewer.dispose();
    viewer = await open();
    expect(JSON.parse(viewer.node.dataset.counts)).toEqual({ "2": 5 });
  });
});
