// The viewer's conventions without a DOM: wheel and keys, units, phase palette, legends, class
// list rules, export sizes.
import { describe, expect, it } from "vitest";
import {
  classNameProblem,
  mergeClasses,
  newClassColor,
  nextClassId,
  readClasses,
} from "../src/classEditor.js";
import { exportFileName, exportSize } from "../src/exportView.js";
import { DEFAULT_LABEL_CLASSES as DEFAULT_CLASSES } from "../src/viewerTypes.js";
import {
  overlayClasses,
  phaseLegend,
  phasePalette,
  rgbToCss,
  viridis,
  viewLegend,
} from "../src/legend.js";
import { blendThresholds, formatLength, isUncalibrated, parseColor } from "../src/render.js";
import { isViewerKey, wheelAction, wheelStep } from "../src/viewerInput.js";
import type { OverlayPayload } from "../src/viewerTypes.js";

const none = { ctrlKey: false, metaKey: false, shiftKey: false, altKey: false };

describe("wheel convention", () => {
  it("plain wheel scrolls the page unless 'wheel: slices' is on and the viewer is focused", () => {
    expect(wheelAction(none, { focused: false, wheelSlices: false })).toBe("page");
    expect(wheelAction(none, { focused: true, wheelSlices: false })).toBe("page");
    expect(wheelAction(none, { focused: false, wheelSlices: true })).toBe("page");
    expect(wheelAction(none, { focused: true, wheelSlices: true })).toBe("slice");
  });

  it("Shift / Alt change the slice, Ctrl / Cmd zoom (also over Shift)", () => {
    const st = { focused: false, wheelSlices: false };
    expect(wheelAction({ ...none, shiftKey: true }, st)).toBe("slice");
    expect(wheelAction({ ...none, altKey: true }, st)).toBe("slice");
    expect(wheelAction({ ...none, ctrlKey: true }, st)).toBe("zoom");
    expect(wheelAction({ ...none, metaKey: true, shiftKey: true }, st)).toBe("zoom");
  });

  it("steps by one slice, Shift's horizontal deltaX counting as deltaY", () => {
    expect(wheelStep({ deltaX: 0, deltaY: 120 })).toBe(1);
    expect(wheelStep({ deltaX: 0, deltaY: -3 })).toBe(-1);
    expect(wheelStep({ deltaX: 100, deltaY: 0 })).toBe(1);
    expect(wheelStep({ deltaX: -100, deltaY: 0 })).toBe(-1);
    expect(wheelStep({ deltaX: 0, deltaY: 0 })).toBe(0);
  });
});

describe("viewer keys", () => {
  const k = (key: string, mods: Partial<KeyboardEvent> = {}) =>
    isViewerKey({ key, ctrlKey: false, metaKey: false, altKey: false, ...mods });
  it("keeps printable keys and slice navigation from JupyterLab, not its modifier shortcuts", () => {
    for (const key of ["2", "b", "a", "d", "m", "A", "[", "?", "ArrowUp", "PageDown", "Home"])
      expect(k(key), key).toBe(true);
    for (const key of ["Enter", "Escape", "Tab", "F5"]) expect(k(key), key).toBe(false);
    expect(k("s", { ctrlKey: true })).toBe(false);
    expect(k("z", { metaKey: true })).toBe(false);
    expect(k("b", { altKey: true })).toBe(false);
  });
});

describe("units", () => {
  it("labels uncalibrated lengths in px, calibrated ones in nm / µm", () => {
    expect(isUncalibrated("pixel")).toBe(true);
    expect(isUncalibrated("voxels")).toBe(true);
    expect(isUncalibrated("px")).toBe(true);
    expect(isUncalibrated("nm")).toBe(false);
    expect(isUncalibrated("µm")).toBe(false);
    expect(formatLength(50, "pixel")).toBe("50 px");
    expect(formatLength(50, "nm")).toBe("50 nm");
    expect(formatLength(2000, "nm")).toBe("2 µm");
    expect(formatLength(0.5, "mm")).toBe("0.5 mm");
  });
});

describe("threshold phase palette", () => {
  it("is viridis, dark to light, and none of the painter's class colours", () => {
    expect(rgbToCss(viridis(0))).toBe("#440154");
    expect(rgbToCss(viridis(0.5))).toBe("#21918c");
    expect(rgbToCss(viridis(1))).toBe("#fde725");
    expect(phasePalette(3).map(rgbToCss)).toEqual(["#440154", "#21918c", "#fde725"]);
    const four = phasePalette(4).map(rgbToCss);
    expect(four[0]).toBe("#440154");
    expect(four[3]).toBe("#fde725");
    const classColors = new Set(DEFAULT_CLASSES.map((c) => c.color));
    for (const n of [2, 3, 4])
      for (const c of phasePalette(n)) expect(classColors.has(rgbToCss(c))).toBe(false);
  });

  it("colours a preview pixel by its phase (blend 0.55 over grey, by hand)", () => {
    // thresholds 80 / 170: value 200 is phase 2 (viridis 1 = #fde725) over grey 100
    const out = new Uint8ClampedArray([100, 100, 100, 255, 100, 100, 100, 255]);
    blendThresholds(Uint8Array.from([200, 10]), [80, 170], phasePalette(3), 0.55, out);
    const mix = (a: number, b: number) => Math.round(a * 0.45 + b * 0.55);
    expect([...out.slice(0, 3)]).toEqual([mix(100, 253), mix(100, 231), mix(100, 37)]);
    expect([...out.slice(4, 7)]).toEqual([mix(100, 68), mix(100, 1), mix(100, 84)]);
    // not the NMC class colour (what the preview used to show for the brightest phase)
    const nmc = parseColor(DEFAULT_CLASSES[2].color);
    expect([...out.slice(0, 3)]).not.toEqual(nmc.map((c) => mix(100, c)));
  });

  it("legend says each phase's range", () => {
    expect(phaseLegend([80, 170]).map((e) => e.label)).toEqual(["< 80", "80 – 170", "≥ 170"]);
    expect(phaseLegend([0.25]).map((e) => e.color)).toEqual(["#440154", "#fde725"]);
  });
});

describe("legends of label overlays", () => {
  const overlay = (o: Partial<OverlayPayload>): OverlayPayload => ({
    name: "prediction",
    kind: "labels",
    dtype: "uint8",
    source: { kind: "inline", base64: "" },
    opacity: 0.5,
    ...o,
  });

  it("uses the overlay's classes, else the painter's; a palette object recolours", () => {
    const own = [
      { id: 1, name: "pore", color: "#000000" },
      { id: 4, name: "binder", color: "#ffffff" },
    ];
    expect(overlayClasses(overlay({ classes: own }), DEFAULT_CLASSES)).toEqual(own);
    expect(overlayClasses(overlay({}), DEFAULT_CLASSES).map((c) => c.name)).toEqual([
      "void",
      "CBD",
      "NMC",
    ]);
    expect(
      overlayClasses(overlay({ palette: { "3": "#ff0000", "1": "#00ff00" } }), DEFAULT_CLASSES),
    ).toEqual([
      { id: 1, name: "void", color: "#00ff00" },
      { id: 3, name: "NMC", color: "#ff0000" },
    ]);
  });

  it("lists phases, shown label overlays and the prediction", () => {
    const groups = viewLegend({
      thresholds: [42],
      overlays: [overlay({ name: "phases" }), overlay({ name: "P", kind: "probability" })],
      classes: DEFAULT_CLASSES,
      prediction: true,
    });
    expect(groups.map((g) => g.title)).toEqual(["threshold phases", "phases", "prediction"]);
    expect(groups[1].entries).toEqual(
      DEFAULT_CLASSES.map((c) => ({ color: c.color, label: c.name })),
    );
    expect(viewLegend({ overlays: [], classes: DEFAULT_CLASSES, prediction: false })).toEqual([]);
  });
});

describe("class list rules", () => {
  it("gives new classes the next free id and an unused colour", () => {
    expect(nextClassId(DEFAULT_CLASSES)).toBe(4);
    expect(nextClassId([{ id: 2, name: "a", color: "#000000" }])).toBe(1);
    const all = Array.from({ length: 255 }, (_, i) => ({
      id: i + 1,
      name: `c${i}`,
      color: "#000000",
    }));
    expect(() => nextClassId(all)).toThrow(/fewer than 255 classes.*received 255/);
    expect(newClassColor(DEFAULT_CLASSES)).toBe("#ef4444");
    expect(newClassColor([...DEFAULT_CLASSES, { id: 4, name: "x", color: "#EF4444" }])).toBe(
      "#a855f7",
    );
  });

  it("checks names: non-empty, short, unique (case-insensitive)", () => {
    expect(classNameProblem("pore", DEFAULT_CLASSES, 1)).toBeUndefined();
    expect(classNameProblem("void", DEFAULT_CLASSES, 1)).toBeUndefined(); // its own name
    expect(classNameProblem("  ", DEFAULT_CLASSES, 1)).toMatch(/needs a name/);
    expect(classNameProblem("cbd", DEFAULT_CLASSES, 1)).toMatch(/class 2 is already called "CBD"/);
    expect(classNameProblem("x".repeat(41), DEFAULT_CLASSES, 1)).toMatch(/at most 40.*received 41/);
  });

  it("reads a file's classes only when they are a usable list, and merges them first", () => {
    const file = [
      { id: 2, name: "binder", color: "#112233" },
      { id: 7, name: "crack", color: "#445566" },
    ];
    expect(readClasses(file)).toEqual(file);
    expect(readClasses([])).toBeUndefined();
    expect(readClasses("x")).toBeUndefined();
    expect(readClasses([{ id: 0, name: "a", color: "#000000" }])).toBeUndefined();
    expect(readClasses([{ id: 1, name: "a", color: "red" }])).toBeUndefined();
    expect(readClasses([file[0], { ...file[0], name: "again" }])).toBeUndefined(); // duplicate id
    expect(mergeClasses(file, DEFAULT_CLASSES).map((c) => `${c.id} ${c.name}`)).toEqual([
      "2 binder",
      "7 crack",
      "1 void",
      "3 NMC",
    ]);
  });
});

describe("view export", () => {
  const g = (width: number, height: number) => ({
    geometry: { width, height, offset: [0, 0] as [number, number], scale: 1, aspect: 1 },
  });
  it("is the canvases side by side times the scale", () => {
    expect(exportSize([g(560, 480)], 3)).toEqual([1680, 1440]);
    expect(exportSize([g(500, 480), g(500, 480)], 2)).toEqual([2 * 1004, 960]);
    expect(() => exportSize([g(10, 10)], 0)).toThrow(/integer in \[1, 8\], received 0/);
  });

  it("names files after the title, plane, slice and scale", () => {
    expect(exportFileName("ui volume", "xy", 256, 2)).toBe("ui-volume-xy-z256-2x.png");
    expect(exportFileName(undefined, "yz", 3, 1)).toBe("view-yz-x3-1x.png");
  });
});
