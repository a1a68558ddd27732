// Paper 2's U-Net figures: Fig. 3 (the architecture, read off a trained network's weights)
// and Figs. 2 / 4 (IQ slice, the three label images, the network's class probabilities on a
// labelled and an unlabelled slice).
import type { UNet } from "../../nn/unet.js";
import { imagesGrid } from "../../plot/grid.js";
import { baseLayout } from "../../plot/style.js";
import type { Figure, FigureOptions } from "../../plot/types.js";
import { checkInteger, checkOptions, checkPositiveInt, expectedError } from "../../util/checks.js";
import { checkSameShape, checkVolume } from "../../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../../volume/types.js";

/** One convolution of a U-Net as stored in its weights. */
export interface UNetLayer {
  /** "encoder", "bottom", "up" (the lift after upsampling), "decoder" or "head". */
  part: "encoder" | "bottom" | "up" | "decoder" | "head";
  /** Level (0 = full resolution). */
  level: number;
  /** Kernel edge (3, 2 or 1) and channels in / out, from the kernel's shape. */
  kernel: number;
  inChannels: number;
  outChannels: number;
  /** Trainable parameters (kernel and bias). */
  parameters: number;
}

/**
 * The layers of a {@link UNet} read from its variables (kernel, bias pairs in creation order:
 * the encoder's two convolutions per level, the bottom's two, per decoder level the lift and
 * two convolutions, the 1x1 head), checked against the options they imply.
 */
export function unetLayers(net: UNet): UNetLayer[] {
  const { depth, dims, upsampling } = net.options;
  const v = net.variables;
  const layers: UNetLayer[] = [];
  const expected = 2 * (2 * (depth + 1) + 3 * depth + 1);
  if (v.length !== expected)
    throw expectedError(
      "net.variables",
      `${expected} tensors for a depth-${depth} U-Net`,
      `${v.length}`,
    );
  let k = 0;
  const take = (part: UNetLayer["part"], level: number) => {
    const kernel = v[k++]!;
    const bias = v[k++]!;
    const s = kernel.shape;
    const transposed = part === "up" && upsampling === "transposed";
    const cin = transposed ? s[dims + 1]! : s[dims]!;
    const cout = transposed ? s[dims]! : s[dims + 1]!;
    layers.push({
      part,
      level,
      kernel: s[0]!,
      inChannels: cin,
      outChannels: cout,
      parameters: kernel.size + bias.size,
    });
  };
  for (let level = 0; level < depth; level++) {
    take("encoder", level);
    take("encoder", level);
  }
  take("bottom", depth);
  take("bottom", depth);
  for (let level = depth - 1; level >= 0; level--) {
    take("up", level);
    take("decoder", level);
    take("decoder", level);
  }
  take("head", 0);
  return layers;
}

/** Options of {@link paper2UNetArchitectureFigure}. */
export interface Paper2UNetArchitectureOptions extends FigureOptions {
  /** Input edge (voxels) written beside each level (halved per level). @default 64 */
  crop?: number;
  /** Class names written at the output. */
  classNames?: readonly string[];
}

/**
 * Fig. 3 of Paper 2 drawn from a network: one box per convolution block (channels written in
 * it, from the weights via {@link unetLayers}), levels top to bottom with the spatial size of
 * a `crop` input, arrows for max-pooling (down), upsampling + convolution (up) and the skip
 * concatenations (across), and the parameter count.
 */
export function paper2UNetArchitectureFigure(
  net: UNet,
  options: Paper2UNetArchitectureOptions = {},
): Figure {
  checkOptions(options, "options", ["crop", "classNames", "title", "width", "height", "fontSize"]);
  const crop = checkPositiveInt(options.crop ?? 64, "options.crop");
  const layers = unetLayers(net);
  const { depth, dims } = net.options;
  const layout = baseLayout({
    title:
      options.title ??
      `Fig. 3: the ${dims}D U-Net (${net.parameterCount.toLocaleString("en")} parameters)`,
    width: options.width ?? 1000,
    height: options.height ?? 120 * (depth + 1) + 120,
    ...(options.fontSize ? { fontSize: options.fontSize } : {}),
  });
  const shapes: Record<string, unknown>[] = [];
  const notes: Record<string, unknown>[] = [];
  const span = 2 * depth + 2;
  const X = (col: number) => col;
  const Y = (level: number) => -level;
  const box = (col: number, level: number, text: string, color: string) => {
    shapes.push({
      type: "rect",
      x0: X(col) - 0.42,
      x1: X(col) + 0.42,
      y0: Y(level) - 0.25,
      y1: Y(level) + 0.25,
      line: { color: "#333", width: 1 },
      fillcolor: color,
    });
    notes.push({ x: X(col), y: Y(level), text, showarrow: false, font: { size: 12 } });
  };
  const arrow = (x0: number, y0: number, x1: number, y1: number, text: string, color: string) => {
    notes.push({
      x: x1,
      y: y1,
      ax: x0,
      ay: y0,
      xref: "x",
      yref: "y",
      axref: "x",
      ayref: "y",
      text: "",
      showarrow: true,
      arrowhead: 2,
      arrowsize: 1,
      arrowwidth: 1.5,
      arrowcolor: color,
    });
    // The label at the arrow's middle (plotly would write it at the tail, over the box).
    if (text)
      notes.push({
        x: (x0 + x1) / 2,
        y: (y0 + y1) / 2,
        text,
        showarrow: false,
        yshift: 10,
        font: { size: 11, color },
      });
  };
  const block = (part: UNetLayer["part"], level: number) =>
    layers.filter((l) => l.part === part && l.level === level);
  const conv = `${Array(dims).fill(3).join("x")} conv + ReLU`;
  for (let level = 0; level <= depth; level++) {
    const size = `${Math.max(1, Math.round(crop / 2 ** level))}^${dims}`;
    const part = level === depth ? "bottom" : "encoder";
    const enc = block(part, level);
    const col = level === depth ? depth : level;
    box(col, level, `${enc[0]!.inChannels}→${enc.map((l) => l.outChannels).join("→")}`, "#cfe2f3");
    notes.push({
      x: -0.9,
      y: Y(level),
      text: size,
      showarrow: false,
      font: { size: 11, color: "#666" },
    });
    if (level < depth) {
      const dec = block("decoder", level);
      const up = block("up", level)[0]!;
      const dcol = span - 2 - level;
      box(
        dcol,
        level,
        `${dec[0]!.inChannels}→${dec.map((l) => l.outChannels).join("→")}`,
        "#d9ead3",
      );
      arrow(
        col,
        Y(level) - 0.25,
        level + 1 === depth ? depth : col + 1,
        Y(level + 1) + 0.25,
        "",
        "#c00",
      );
      const from = level + 1 === depth ? depth : span - 2 - (level + 1);
      arrow(
        from,
        Y(level + 1) + 0.25,
        dcol,
        Y(level) - 0.25,
        `up ${up.inChannels}→${up.outChannels}`,
        "#080",
      );
      arrow(col + 0.42, Y(level), dcol - 0.42, Y(level), "skip (concatenate)", "#888");
    }
  }
  const head = block("head", 0)[0]!;
  const names = options.classNames ? ` (${options.classNames.join(", ")})` : "";
  box(span - 1, 0, `1x1: ${head.inChannels}→${head.outChannels}`, "#fce5cd");
  arrow(span - 2 + 0.42, 0, span - 1 - 0.42, 0, "", "#333");
  notes.push({
    x: span - 1,
    y: 0.45,
    text: `softmax${names}`,
    showarrow: false,
    font: { size: 11 },
  });
  notes.push({
    x: depth,
    y: 0.6,
    text: `blocks: two ${conv}; red: 2x max-pool; green: x2 ${net.options.upsampling === "upsample" ? "nearest upsampling + conv" : "transposed conv"}`,
    showarrow: false,
    font: { size: 11, color: "#444" },
  });
  layout.shapes = shapes;
  layout.annotations = notes;
  layout.xaxis = { visible: false, range: [-1.3, span + 0.2] };
  layout.yaxis = { visible: false, range: [-depth - 0.6, 0.9] };
  layout.showlegend = false;
  return { data: [{ type: "scatter", x: [], y: [], mode: "markers" }], layout };
}

/** Options of {@link paper2UNetSlicesFigure}. */
export interface Paper2UNetSlicesOptions extends FigureOptions {
  /** A labelled (trained-on) slice. */
  labelled: number;
  /** A slice never labelled. */
  unlabelled: number;
  /** Class names of the probabilities (and label codes 1..K). @default boundary, interior, background */
  classNames?: readonly string[];
}

function slice2d<T extends Volume>(v: T, z: number): Volume {
  const [, ny, nx] = v.shape;
  const plane = ny * nx;
  const Ctor = v.data.constructor as new (a: ArrayLike<number>) => Volume["data"];
  return {
    data: new Ctor(v.data.subarray(z * plane, (z + 1) * plane)),
    shape: [1, ny, nx] as Shape3,
    spacing: [...v.spacing] as Spacing3,
  };
}

/**
 * Figs. 2 and 4 of Paper 2: the IQ of a labelled slice, its three label images (one mask per
 * target code), and the network's class probabilities on that slice and on an unlabelled one.
 * @param iq - The image the network saw.
 * @param targets - Target codes 1..K (read on the labelled slice).
 * @param probabilities - One probability volume per class (e.g. a {@link predictUNet} result).
 */
export function paper2UNetSlicesFigure(
  iq: Volume,
  targets: Volume,
  probabilities: readonly Volume[],
  options: Paper2UNetSlicesOptions,
): Figure {
  checkVolume(iq, "iq");
  checkVolume(targets, "targets");
  checkSameShape(targets, "targets", iq, "iq");
  probabilities.forEach((p, k) => {
    checkVolume(p, `probabilities[${k}]`);
    checkSameShape(p, `probabilities[${k}]`, iq, "iq");
  });
  checkOptions(options, "options", [
    "labelled",
    "unlabelled",
    "classNames",
    "title",
    "width",
    "height",
    "fontSize",
  ]);
  const nz = iq.shape[0];
  const zl = checkInteger(options.labelled, "options.labelled", 0, nz - 1);
  const zu = checkInteger(options.unlabelled, "options.unlabelled", 0, nz - 1);
  const names = options.classNames ?? ["boundary", "interior", "background"];
  if (names.length !== probabilities.length)
    throw expectedError(
      "options.classNames",
      `${probabilities.length} names (one per probability volume)`,
      names.length,
    );
  const t = slice2d(targets, zl);
  const masks = names.map((_, k) => {
    const d = new Float32Array(t.data.length);
    for (let i = 0; i < d.length; i++) d[i] = t.data[i] === k + 1 ? 1 : 0;
    return { ...t, data: d };
  });
  // Rows: the labelled slice and its label images; the prediction there; on the unlabelled slice.
  const row = names.length + 1;
  const ordered = [
    { image: slice2d(iq, zl), title: `IQ, labelled z = ${zl}` },
    ...masks.map((m, k) => ({ image: m as Volume, title: `label: ${names[k]}` })),
    { image: slice2d(iq, zl), title: `IQ, z = ${zl} (labelled)` },
    ...probabilities.map((p, k) => ({ image: slice2d(p, zl), title: `P(${names[k]}), z = ${zl}` })),
    { image: slice2d(iq, zu), title: `IQ, z = ${zu} (unlabelled)` },
    ...probabilities.map((p, k) => ({ image: slice2d(p, zu), title: `P(${names[k]}), z = ${zu}` })),
  ];
  return imagesGrid(ordered, {
    columns: row,
    shareRange: false,
    title: options.title ?? "Figs. 2 and 4: labels and U-Net predictions",
    width: options.width ?? 260 * row,
    height: options.height ?? 800,
  });
}
