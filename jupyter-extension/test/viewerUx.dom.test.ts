// @vitest-environment jsdom
// What a napari / ilastik user trips over in the viewer (jsdom): keys with focus and with the
// pointer over the viewer, the wheel convention, [ / ] and the radius box, class edits saved
// with the labels, legends of prediction-only views, units of uncalibrated volumes.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { LabelClass, VolumePayload } from "../src/viewerTypes.js";

const files = new Map<string, string>();
let clock = 0;
vi.mock("../src/server.js", () => ({
  readFileRange: vi.fn(),
  sendToKernel: vi.fn(),
  sendRetrain: vi.fn(),
  serverId: () => "test-server/",
  serverPath: (dir: string, name: string) => (dir ? `${dir}/${name}` : name),
  statFile: vi.fn(async (path: string) =>
    files.has(path) ? { lastModified: `t${clock}` } : undefined,
  ),
  readTextVersion: vi.fn(async (path: string) =>
    files.has(path) ? { text: files.get(path)!, lastModified: `t${clock}` } : undefined,
  ),
  saveTextFile: vi.fn(async (path: string, content: string) => {
    files.set(path, content);
    return { lastModified: `t${++clock}` };
  }),
}));

(globalThis as { DragEvent?: unknown }).DragEvent ??= class DragEvent extends MouseEvent {};
HTMLCanvasElement.prototype.getContext = (() => null) as never;
type ViewerModule = typeof import("../src/viewer.js");
let VolumeViewer: ViewerModule["VolumeViewer"];
let Widget: typeof import("@lumino/widgets").Widget;
beforeAll(async () => {
  ({ VolumeViewer } = await import("../src/viewer.js"));
  ({ Widget } = await import("@lumino/widgets"));
});

const CLASSES: LabelClass[] = [
  { id: 1, name: "void", color: "#3b82f6" },
  { id: 2, name: "CBD", color: "#f59e0b" },
];

function payload(over: Partial<VolumePayload> = {}): VolumePayload {
  const data = new Uint8Array(4 * 6 * 8).map((_, i) => i % 200);
  return {
    version: 1,
    viewId: "ux",
    title: "ux",
    shape: [4, 6, 8],
    spacing: [10, 5, 5],
    unit: "nm",
    channels: [
      {
        name: "SE2",
        dtype: "uint8",
        source: { kind: "inline", base64: Buffer.from(data).toString("base64") },
        window: [0, 199],
        range: [0, 199],
        histogram: { min: 0, max: 200, counts: new Array(200).fill(1) },
      },
    ],
    channelMode: "side",
    overlays: [],
    initial: { plane: "xy", slice: 1 },
    labels: { path: "ux", classes: CLASSES.map((c) => ({ ...c })) },
    ...over,
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the tests read private viewer state */
let viewer: any;
function open(p = payload(), notebookDir: string | undefined = undefined): any {
  viewer = new VolumeViewer(p, { notebookDir });
  Widget.attach(viewer, document.body);
  return viewer;
}
afterEach(() => {
  viewer?.dispose();
  viewer = undefined;
  document.body.replaceChildren();
});
beforeEach(() => {
  files.clear();
  clock = 0;
});

const keydown = (target: EventTarget, key: string, init: KeyboardEventInit = {}) => {
  const e = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(e);
  return e;
};

/** Keys that reached the document's bubbling listeners (where JupyterLab's shortcuts listen). */
function documentKeys(): string[] {
  const seen: string[] = [];
  document.addEventListener("keydown", (e) => seen.push(e.key));
  return seen;
}

describe("keys", () => {
  it("with the focus in the viewer, no key of 2 / b / a / d d reaches the document", () => {
    const v = open();
    const seen = documentKeys();
    v.node.focus();
    for (const k of ["2", "b", "a", "d", "d", "m", "ArrowDown"]) keydown(v.node, k);
    expect(seen).toEqual([]);
    expect(v.node.dataset.tool).toBe("brush");
    expect(v.node.dataset.slice).toBe("0");
    // Shift+Enter (run the cell) and Ctrl+S (save) are JupyterLab's
    keydown(v.node, "Enter", { shiftKey: true });
    keydown(v.node, "s", { ctrlKey: true });
    expect(seen).toEqual(["Enter", "s"]);
  });

  it("shows who has the keys: focus ring, badge, Esc gives them back", async () => {
    const v = open();
    const notebook = document.createElement("div");
    notebook.className = "jp-Notebook";
    notebook.tabIndex = -1;
    document.body.append(notebook);
    notebook.append(v.node);
    v.node.focus();
    await vi.waitFor(() => expect(v.node.dataset.keys).toBe("focus"));
    expect(v.node.classList.contains("tl-mod-keys")).toBe(true);
    expect(v.node.querySelector(".tl-keysBadge").textContent).toMatch(/keys: viewer.*Esc/);
    keydown(v.node, "Escape");
    expect(document.activeElement).toBe(notebook);
    await vi.waitFor(() => expect(v.node.dataset.keys).toBe(""));
    expect(v.node.classList.contains("tl-mod-keys")).toBe(false);
  });

  it("with the pointer over the viewer, its keys act there and stop before the notebook", () => {
    const v = open();
    const outside = document.createElement("div");
    outside.tabIndex = -1;
    document.body.append(outside);
    outside.focus(); // e.g. the notebook in command mode
    const seen = documentKeys();
    keydown(outside, "b"); // pointer elsewhere: the notebook's
    expect(seen).toEqual(["b"]);
    expect(v.node.dataset.tool).toBe("navigate");
    v.node.dispatchEvent(new Event("pointerenter"));
    expect(v.node.dataset.keys).toBe("hover");
    for (const k of ["b", "2", "a", "d", "d"]) keydown(outside, k);
    expect(seen).toEqual(["b"]);
    expect(v.node.dataset.tool).toBe("brush");
    expect(v.node.querySelector(".tl-class.tl-mod-active").textContent).toBe("CBD");
    keydown(outside, "Enter", { shiftKey: true }); // still runs the cell
    expect(seen).toEqual(["b", "Enter"]);
    // a text field keeps its keys
    const text = document.createElement("textarea");
    document.body.append(text);
    text.focus();
    keydown(text, "e");
    expect(v.node.dataset.tool).toBe("brush");
    expect(seen).toEqual(["b", "Enter", "e"]);
    v.node.dispatchEvent(new Event("pointerleave"));
    outside.focus();
    keydown(outside, "a");
    expect(seen).toEqual(["b", "Enter", "e", "a"]);
    expect(v.node.dataset.keys).toBe("");
  });

  it("typing in the viewer's own fields types, and does not reach the notebook", () => {
    const v = open();
    const seen = documentKeys();
    const size = v.node.querySelector("input.tl-brushSize") as HTMLInputElement;
    size.focus();
    const e = keydown(size, "7");
    expect(e.defaultPrevented).toBe(false); // the character goes into the box
    expect(v.node.querySelector(".tl-class.tl-mod-active").textContent).toBe("void"); // not class 7
    expect(seen).toEqual([]);
  });

  it("[ / ] change the brush radius and the radius box follows", () => {
    const v = open();
    const size = v.node.querySelector("input.tl-brushSize") as HTMLInputElement;
    expect(size.value).toBe("3");
    keydown(v.node, "]");
    keydown(v.node, "]");
    expect(size.value).toBe("5");
    for (let i = 0; i < 8; i++) keydown(v.node, "[");
    expect(size.value).toBe("0");
    size.value = "12";
    size.dispatchEvent(new Event("change"));
    keydown(v.node, "]");
    expect(size.value).toBe("13");
    expect(v.node.dataset.brushRadius).toBe("13");
  });
});

describe("wheel", () => {
  const wheel = (v: any, init: WheelEventInit) => {
    const e = new WheelEvent("wheel", { deltaY: 100, bubbles: true, cancelable: true, ...init });
    v.node.querySelector("canvas.tl-canvas").dispatchEvent(e);
    return e;
  };

  it("plain wheel scrolls the notebook (not prevented), Shift / Alt + wheel change the slice", () => {
    const v = open();
    const plain = wheel(v, {});
    expect(plain.defaultPrevented).toBe(false);
    expect(v.node.dataset.slice).toBe("1");
    expect(v.node.querySelector(".tl-wheelHint").classList.contains("tl-mod-visible")).toBe(true);
    expect(wheel(v, { shiftKey: true }).defaultPrevented).toBe(true);
    expect(v.node.dataset.slice).toBe("2");
    wheel(v, { shiftKey: true, deltaY: 0, deltaX: -50 }); // Shift turned into a horizontal scroll
    expect(v.node.dataset.slice).toBe("1");
    wheel(v, { altKey: true });
    expect(v.node.dataset.slice).toBe("2");
    const zoom = wheel(v, { ctrlKey: true, deltaY: -100 });
    expect(zoom.defaultPrevented).toBe(true);
    expect(v.node.dataset.slice).toBe("2");
  });

  it("with 'wheel: slices' ticked, the plain wheel changes the slice while the viewer is focused", () => {
    const v = open();
    const box = v.node.querySelector("input.tl-wheelSlices") as HTMLInputElement;
    box.checked = true;
    box.dispatchEvent(new Event("change"));
    expect(wheel(v, {}).defaultPrevented).toBe(false); // not focused yet
    v.node.focus();
    expect(wheel(v, {}).defaultPrevented).toBe(true);
    expect(v.node.dataset.slice).toBe("2");
  });

  it("the help lists the conventions", () => {
    const v = open();
    const help = v.node.querySelector(".tl-help") as HTMLElement;
    expect(help.hidden).toBe(true);
    keydown(v.node, "?");
    expect(help.hidden).toBe(false);
    expect(help.textContent).toMatch(/Shift \/ Alt \+ wheel/);
    expect(help.textContent).toMatch(/scrolls the notebook/);
  });
});

describe("classes", () => {
  it("adds, renames and recolours classes; they are saved with the labels", async () => {
    const v = open(payload(), "nb");
    await vi.waitFor(() => expect(v.node.dataset.saveState).toBe("saved"));
    v.node.querySelector("button.tl-editClasses").click();
    const editor = v.node.querySelector(".tl-classEditor") as HTMLElement;
    expect(editor.hidden).toBe(false);
    editor.querySelector<HTMLButtonElement>("button.tl-addClass")!.click();
    const row = editor.querySelector('.tl-classRow[data-class-id="3"]')!;
    const name = row.querySelector("input.tl-className") as HTMLInputElement;
    name.value = "binder";
    name.dispatchEvent(new Event("change"));
    const color = editor.querySelector(
      '.tl-classRow[data-class-id="1"] input.tl-classColor',
    ) as HTMLInputElement;
    color.value = "#123456";
    color.dispatchEvent(new Event("input"));
    // a duplicate name is refused
    const second = editor.querySelector(
      '.tl-classRow[data-class-id="2"] input.tl-className',
    ) as HTMLInputElement;
    second.value = "Binder";
    second.dispatchEvent(new Event("change"));
    expect(second.value).toBe("CBD");
    expect(editor.querySelector(".tl-classProblem")!.textContent).toMatch(
      /already called "binder"/,
    );
    const buttons = [...v.node.querySelectorAll(".tl-class")].map((b: Element) => b.textContent);
    expect(buttons).toEqual(["void", "CBD", "binder"]);
    keydown(v.node, "3");
    expect(v.node.querySelector(".tl-class.tl-mod-active").textContent).toBe("binder");
    await vi.waitFor(
      () => {
        const saved = JSON.parse(files.get("nb/ux.labels.json") ?? "{}");
        expect(saved.classes).toEqual([
          { id: 1, name: "void", color: "#123456" },
          { id: 2, name: "CBD", color: "#f59e0b" },
          { id: 3, name: "binder", color: "#ef4444" },
        ]);
      },
      { timeout: 3000 },
    );
    await vi.waitFor(() => expect(v.node.dataset.saveState).toBe("saved"));
    // a second view of the same file shows the edited classes (names and colours from the file)
    viewer.dispose();
    const again = open(payload(), "nb");
    await vi.waitFor(() =>
      expect(
        [...again.node.querySelectorAll(".tl-class")].map((b: Element) => b.textContent),
      ).toEqual(["void", "CBD", "binder"]),
    );
    expect(
      again.node.querySelector('.tl-class[data-class-id="1"] .tl-swatch').style.background,
    ).toMatch(/rgb\(18, 52, 86\)|#123456/);
  });

  it("Enter applies a name; recolouring keeps the row (an open colour picker stays open)", () => {
    const v = open();
    v.node.querySelector("button.tl-editClasses").click();
    const row = (id: number) => v.node.querySelector(`.tl-classRow[data-class-id="${id}"]`);
    const name = row(2).querySelector("input.tl-className") as HTMLInputElement;
    name.focus();
    name.value = "binder";
    keydown(name, "Enter");
    expect(v.node.querySelector('.tl-class[data-class-id="2"]').textContent).toBe("binder");
    const color = row(1).querySelector("input.tl-classColor") as HTMLInputElement;
    color.value = "#00ff00";
    color.dispatchEvent(new Event("input"));
    expect(row(1).querySelector("input.tl-classColor")).toBe(color); // not rebuilt
    expect(JSON.parse(v.node.dataset.classes)[0].color).toBe("#00ff00");
    // a name being typed when a class is added is kept (applied before the rows are rebuilt)
    const third = row(1).querySelector("input.tl-className") as HTMLInputElement;
    third.focus();
    third.value = "pore";
    v.node.querySelector("button.tl-addClass").click();
    expect((row(1).querySelector("input.tl-className") as HTMLInputElement).value).toBe("pore");
    expect([...v.node.querySelectorAll(".tl-class")].map((b: Element) => b.textContent)).toEqual([
      "pore",
      "binder",
      "class 3",
    ]);
  });

  it("a painted class cannot be removed, an unpainted one can", () => {
    const v = open();
    v.store.beginStroke(2);
    v.store.paintDisc("xy", 1, 2, 2, 0);
    v.store.endStroke();
    v.node.querySelector("button.tl-editClasses").click();
    const removeOf = (id: number) =>
      v.node.querySelector(
        `.tl-classRow[data-class-id="${id}"] button.tl-removeClass`,
      ) as HTMLButtonElement;
    expect(removeOf(2).disabled).toBe(true);
    expect(removeOf(1).disabled).toBe(false);
    removeOf(1).click();
    expect([...v.node.querySelectorAll(".tl-class")].map((b: Element) => b.textContent)).toEqual([
      "CBD",
    ]);
  });
});

describe("legend and units", () => {
  it("a prediction-only view (no painter) shows a legend of the overlay's classes", async () => {
    const labels = Buffer.from(new Uint8Array(4 * 6 * 8).fill(2)).toString("base64");
    const v = open(
      payload({
        labels: undefined,
        overlays: [
          {
            name: "segmentation",
            kind: "labels",
            dtype: "uint8",
            source: { kind: "inline", base64: labels },
            opacity: 0.5,
            classes: [
              { id: 1, name: "pore", color: "#000000" },
              { id: 2, name: "particle", color: "#ff00ff" },
            ],
          },
        ],
      }),
    );
    const legend = v.node.querySelector(".tl-legend") as HTMLElement;
    await vi.waitFor(() => expect(legend.hidden).toBe(false));
    expect(legend.textContent).toContain("segmentation");
    expect(
      [...legend.querySelectorAll(".tl-legendItem")].map((e: Element) => e.textContent),
    ).toEqual(["pore", "particle"]);
    // switched off: no legend
    const box = v.node.querySelector(
      ".tl-toolbar input[type=checkbox]:not(.tl-wheelSlices)",
    ) as HTMLInputElement;
    box.checked = false;
    box.dispatchEvent(new Event("change"));
    await vi.waitFor(() => expect(legend.hidden).toBe(true));
  });

  it("the threshold preview's legend shows the phase palette", async () => {
    const v = open(payload({ thresholds: [60, 120] }));
    const preview = v.node.querySelector("input.tl-thresholdPreview") as HTMLInputElement;
    preview.checked = true;
    preview.dispatchEvent(new Event("change"));
    const legend = v.node.querySelector(".tl-legend") as HTMLElement;
    await vi.waitFor(() => expect(legend.hidden).toBe(false));
    const items = [...legend.querySelectorAll(".tl-legendItem")] as HTMLElement[];
    expect(items.map((e) => e.dataset.color)).toEqual(["#440154", "#21918c", "#fde725"]);
  });

  it("an uncalibrated volume reads out in voxels, not nm", () => {
    const v = open(payload({ unit: "pixel", spacing: [1, 1, 1] }));
    v.updateReadout([2, 3]);
    const text = v.node.querySelector(".tl-readout").textContent;
    expect(text).toMatch(/^z 1 {2}y 3 {2}x 2 {2}\(voxels, no calibration\)/);
    expect(text).not.toMatch(/nm/);
    const nm = open(payload());
    nm.updateReadout([2, 3]);
    expect(nm.node.querySelector(".tl-readout").textContent).toMatch(/\(10, 15, 10 nm\)/);
  });
});
