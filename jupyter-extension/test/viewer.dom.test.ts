// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { VolumePayload } from "../src/viewerTypes.js";

// jsdom has no DragEvent, which @lumino/dragdrop (a @lumino/widgets dependency) subclasses
// when it loads: define it before importing the widget modules.
(globalThis as { DragEvent?: unknown }).DragEvent ??= class DragEvent extends MouseEvent {};
// no canvas in jsdom: drawing is skipped (jsdom would log "not implemented" for each call)
HTMLCanvasElement.prototype.getContext = (() => null) as never;
type ViewerModule = typeof import("../src/viewer.js");
let VolumeViewer: ViewerModule["VolumeViewer"];
let Widget: typeof import("@lumino/widgets").Widget;
beforeAll(async () => {
  ({ VolumeViewer } = await import("../src/viewer.js"));
  ({ Widget } = await import("@lumino/widgets"));
});

function payload(): VolumePayload {
  const data = new Uint8Array(4 * 6 * 8).map((_, i) => i % 256);
  return {
    version: 1,
    viewId: "v1",
    title: "dom test",
    shape: [4, 6, 8],
    spacing: [10, 5, 5],
    unit: "nm",
    channels: [
      {
        name: "SE2",
        dtype: "uint8",
        source: { kind: "inline", base64: Buffer.from(data).toString("base64") },
        window: [0, 191],
        range: [0, 191],
        histogram: { min: 0, max: 192, counts: new Array(192).fill(1) },
      },
    ],
    channelMode: "side",
    overlays: [],
    initial: { plane: "xy", slice: 2 },
    labels: {
      path: "../escape/dom test",
      classes: [
        { id: 1, name: "void", color: "#0000ff" },
        { id: 2, name: "CBD", color: "#ffaa00" },
      ],
    },
    thresholds: [60, 120],
  };
}

describe("VolumeViewer (jsdom)", () => {
  let viewer: InstanceType<ViewerModule["VolumeViewer"]> | undefined;
  afterEach(() => {
    viewer?.dispose();
    viewer = undefined;
  });

  it("builds the toolbar, palette and tuner from the payload", async () => {
    viewer = new VolumeViewer(payload(), { notebookDir: undefined });
    Widget.attach(viewer, document.body);
    const node = viewer.node;
    expect(node.querySelector(".tl-title")?.textContent).toBe("dom test");
    expect([...node.querySelectorAll(".tl-class")].map((b) => b.textContent)).toEqual([
      "void",
      "CBD",
    ]);
    expect(node.querySelector<HTMLInputElement>("input.tl-slice")?.max).toBe("3");
    expect(node.dataset.slice).toBe("2");
    expect(JSON.parse(node.dataset.thresholds!)).toEqual([60, 120]);
    await new Promise((r) => setTimeout(r, 0));
    // the label file name is sanitised into the notebook folder
    expect(node.dataset.labelsFile).toBe("dom-test.labels.json");
    expect(node.dataset.saveState).toBe("readonly"); // no notebook folder: nothing is saved
  });

  it("shows the shared rule's message for a label file name with nothing usable in it", async () => {
    const p = payload();
    p.labels!.path = "../..";
    viewer = new VolumeViewer(p, { notebookDir: "nb" });
    Widget.attach(viewer, document.body);
    await new Promise((r) => setTimeout(r, 0));
    const node = viewer.node;
    expect(node.dataset.saveState).toBe("readonly");
    expect(node.dataset.labelsFile).toBeUndefined();
    const message = node.querySelector(".tl-message")!;
    expect(message.textContent).toMatch(/label file name "\.\.\/\.\." has no usable characters/);
    expect(message.classList.contains("tl-mod-error")).toBe(true);
  });

  it("changes slices, tools and classes from the keyboard", () => {
    viewer = new VolumeViewer(payload(), { notebookDir: undefined });
    Widget.attach(viewer, document.body);
    const node = viewer.node;
    const key = (k: string, init: KeyboardEventInit = {}) =>
      node.dispatchEvent(
        new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...init }),
      );
    key("ArrowUp");
    expect(node.dataset.slice).toBe("3");
    key("ArrowUp"); // clamped at the last slice
    expect(node.dataset.slice).toBe("3");
    key("Home");
    expect(node.dataset.slice).toBe("0");
    key("b");
    expect(node.dataset.tool).toBe("brush");
    key("2");
    expect(node.querySelector(".tl-class.tl-mod-active")?.textContent).toBe("CBD");
    key("f");
    expect(node.dataset.tool).toBe("fill");
    // shortcuts handled here do not reach JupyterLab
    const seen: string[] = [];
    document.body.addEventListener("keydown", (e) => seen.push(e.key));
    key("e");
    expect(seen).toEqual([]);
    // (run-the-cell and save still do: viewerUx.dom.test.ts)
  });

  it("shows the training panel only with training options and labels", () => {
    const training = {
      inputs: ["SE2"],
      scales: [0.3, 1],
      filters: [
        { id: "GaussianSmoothing", title: "Gaussian Smoothing", group: "smooth", scales: [0.3, 1] },
      ],
      tailored: [],
      selection: { inputs: ["SE2"], filters: { GaussianSmoothing: [1] }, tailored: [] },
      trees: 8,
    };
    viewer = new VolumeViewer({ ...payload(), training }, { notebookDir: undefined });
    Widget.attach(viewer, document.body);
    const panel = viewer.node.querySelector<HTMLElement>("details.tl-training");
    expect(panel?.querySelector("summary")?.textContent).toContain("8 trees");
    expect(panel?.querySelectorAll("input.tl-pick").length).toBe(2);
    expect(panel?.querySelector(".tl-pickerGroup")?.textContent).toBe("Color / intensity");
    viewer.dispose();
    viewer = new VolumeViewer(
      { ...payload(), training, labels: undefined },
      { notebookDir: undefined },
    );
    expect(viewer.node.querySelector(".tl-training")).toBeNull();
  });

  it("tuner: slice histogram of channel 0 in the volume histogram's bins", async () => {
    viewer = new VolumeViewer(payload(), { notebookDir: undefined });
    Widget.attach(viewer, document.body);
    const hist = viewer.node.querySelector<HTMLCanvasElement>("canvas.tl-histogram")!;
    expect(hist.dataset.source).toBe("volume");
    const source = viewer.node.querySelector<HTMLSelectElement>("select.tl-histSource")!;
    source.value = "slice";
    source.dispatchEvent(new Event("change"));
    await new Promise((r) => setTimeout(r, 50)); // one animation frame: render reads the plane
    expect(hist.dataset.source).toBe("slice");
    expect(hist.dataset.slice).toBe("xy:2");
    viewer.setSlice(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(hist.dataset.slice).toBe("xy:3");
  });

  it("marks xz planes of big arrays as coarse, then refines them to full resolution", async () => {
    // 4 x 6 x 8 uint8 in a cache file with a factor-2 level; full-load limit below its size
    const full = new Uint8Array(4 * 6 * 8).map((_, i) => (i * 37) % 251);
    const level = new Uint8Array(2 * 3 * 4).fill(7);
    const files = new Map([
      ["tomolab-cache/00000000000000000001.uint8.raw", full],
      ["tomolab-cache/00000000000000000002.uint8.raw", level],
    ]);
    const reads: string[] = [];
    const reader = async (p: string, start: number, end: number) => {
      reads.push(`${p}:${start}-${end}`);
      return files.get(p)!.slice(start, end).buffer;
    };
    const base = payload();
    // no painter: its label file read (no server here) would race with the message checked below
    delete base.labels;
    base.channels[0].source = {
      kind: "file",
      path: "tomolab-cache/00000000000000000001.uint8.raw",
      bytes: full.byteLength,
      levels: [
        {
          factor: 2,
          path: "tomolab-cache/00000000000000000002.uint8.raw",
          bytes: level.byteLength,
          shape: [2, 3, 4],
        },
      ],
    };
    viewer = new VolumeViewer(base, {
      notebookDir: "",
      reader,
      arrayOptions: { fullLoadLimit: 100 },
    });
    Widget.attach(viewer, document.body);
    viewer.setPlane("xz");
    const message = viewer.node.querySelector(".tl-message")!;
    await new Promise((r) => setTimeout(r, 30));
    // the first render drew the level; xz rows are then read at full resolution
    expect(reads.some((r) => r.startsWith("tomolab-cache/00000000000000000002.uint8.raw"))).toBe(
      true,
    );
    for (let i = 0; i < 20 && viewer.node.dataset.coarse !== "1"; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(viewer.node.dataset.coarse).toBe("1");
    expect(message.textContent).toBe("");
    // one row of nx bytes per z for the refined xz plane at y = 3
    const rowReads = reads.filter((r) => r.startsWith("tomolab-cache/00000000000000000001"));
    expect(rowReads).toContain(
      `tomolab-cache/00000000000000000001.uint8.raw:${(0 * 6 + 3) * 8}-${(0 * 6 + 3) * 8 + 8}`,
    );
    viewer.setPlane("yz");
    await new Promise((r) => setTimeout(r, 30));
    expect(viewer.node.dataset.coarse).toBe("2");
    expect(message.textContent).toMatch(/coarse preview \(1\/2 resolution\); yz stays coarse/);
  });

  it("switches planes with the right depth", () => {
    viewer = new VolumeViewer(payload(), { notebookDir: undefined });
    Widget.attach(viewer, document.body);
    viewer.setPlane("yz");
    expect(viewer.node.dataset.plane).toBe("yz");
    expect(viewer.node.querySelector<HTMLInputElement>("input.tl-slice")?.max).toBe("7");
    expect(viewer.node.dataset.slice).toBe("4");
  });
});
