import type { Shape3 } from "../volume/types.js";
import type { BlockContext, BoundaryMode } from "../parallel/types.js";
import { getArena, type Arena } from "./arena.js";
import { tensorEigenvalues } from "./eigen3.js";
import {
  allocImage,
  extendBorder,
  imageData,
  separableBank,
  type AxisKernels,
  type Img,
} from "./imagePasses.js";
import type { KernelTable } from "./gaussianKernels.js";

/** What {@link gaussianFamilyBlock} computes. @internal */
export type GaussianFamilyKind =
  | "derivative"
  | "gradient"
  | "laplacian"
  | "gradientMagnitude"
  | "dog"
  | "hessian"
  | "hessianEigenvalues"
  | "structureTensor"
  | "structureTensorEigenvalues";

/** Parameters of {@link gaussianFamilyBlock}. @internal */
export interface GaussianFamilyParams {
  kind: GaussianFamilyKind;
  /** Kernels of the (inner) Gaussian: `kernels[axis][order]`, null where not filtered. */
  kernels: KernelTable;
  /** For `"derivative"`: orders `[oz, oy, ox]`. */
  order?: Shape3;
  /** Second kernel table: the high sigma of `"dog"`, the outer (integration) scale of the structure tensor. */
  kernels2?: KernelTable;
  /** Boundary mode and fill value of the job (for the structure tensor's second stage). */
  mode: BoundaryMode;
  cval: number;
}

/** Axes with a kernel (the filtered axes), in z, y, x order. @internal */
export function filteredAxes(kernels: KernelTable): number[] {
  return [0, 1, 2].filter((a) => kernels[a] !== null);
}

/** Derivative orders of the upper triangle of the Hessian over `axes`: (i, j) for i <= j. @internal */
export function hessianOrders(axes: readonly number[]): Shape3[] {
  const list: Shape3[] = [];
  for (let i = 0; i < axes.length; i++) {
    for (let j = i; j < axes.length; j++) {
      const o: Shape3 = [0, 0, 0];
      o[axes[i]!]! += 1;
      o[axes[j]!]! += 1;
      list.push(o);
    }
  }
  return list;
}

/** First-derivative orders over `axes`. @internal */
export function gradientOrders(axes: readonly number[]): Shape3[] {
  return axes.map((a) => {
    const o: Shape3 = [0, 0, 0];
    o[a] = 1;
    return o;
  });
}

/** New margin-0 image holding `f(i)` per voxel. */
function mapImage(arena: Arena, core: Shape3, f: (out: Float32Array) => void): Img {
  const img = allocImage(arena, core, [0, 0, 0]);
  f(imageData(arena, img));
  return img;
}

/** Eigenvalues (descending) of a symmetric tensor field given by its upper-triangle component images (margin 0). @internal */
export function eigenImages(arena: Arena, comps: readonly Img[], core: Shape3): Img[] {
  const n = core[0] * core[1] * core[2];
  const dim = comps.length === 6 ? 3 : comps.length === 3 ? 2 : 1;
  const outs = Array.from({ length: dim }, () => allocImage(arena, core, [0, 0, 0]));
  if (dim === 1) {
    imageData(arena, outs[0]!).set(imageData(arena, comps[0]!));
    return outs;
  }
  tensorEigenvalues(
    comps.map((c) => imageData(arena, c)),
    outs.map((o) => imageData(arena, o)),
    n,
  );
  return outs;
}

/** Outer products of gradient images `g` over the upper triangle (i <= j). @internal */
export function outerProducts(arena: Arena, g: readonly Img[]): Img[] {
  const n = g[0]!.shape[0] * g[0]!.shape[1] * g[0]!.shape[2];
  const out: Img[] = [];
  for (let i = 0; i < g.length; i++) {
    for (let j = i; j < g.length; j++) {
      const img = allocImage(
        arena,
        [
          g[0]!.shape[0] - 2 * g[0]!.margin[0],
          g[0]!.shape[1] - 2 * g[0]!.margin[1],
          g[0]!.shape[2] - 2 * g[0]!.margin[2],
        ],
        g[0]!.margin,
      );
      const d = imageData(arena, img);
      const a = imageData(arena, g[i]!);
      const b = imageData(arena, g[j]!);
      for (let k = 0; k < n; k++) d[k] = a[k]! * b[k]!;
      out.push(img);
    }
  }
  return out;
}

const NO_MARGIN: Shape3 = [0, 0, 0];

/**
 * Block kernel of the Gaussian derivative family for `mapBlocks` (run as
 * `{ module: "filters/gaussianFamilyBlock.js", name: "gaussianFamilyBlock" }`):
 * reads input 0 padded by the job's halo into this thread's WebAssembly
 * arena, runs the shared separable passes ({@link separableBank}) and writes
 * the requested outputs. Component orders: Hessian / structure tensor
 * `[zz, zy, zx, yy, yx, xx]` over the filtered axes (`[yy, yx, xx]` in 2D);
 * eigenvalues largest first; gradient `[z, y, x]`.
 * @internal
 */
export function gaussianFamilyBlock(ctx: BlockContext<GaussianFamilyParams>): void {
  const p = ctx.params;
  const arena = getArena();
  arena.reset();
  try {
    const core = ctx.shape;
    const src = allocImage(arena, core, ctx.halo);
    ctx.inputs[0]!.readInto(imageData(arena, src));
    const kernels = p.kernels as unknown as AxisKernels;
    const axes = filteredAxes(p.kernels);
    let outs: Img[];
    switch (p.kind) {
      case "derivative":
        outs = separableBank(arena, src, kernels, [p.order!], NO_MARGIN);
        break;
      case "gradient":
        outs = separableBank(arena, src, kernels, gradientOrders(axes), NO_MARGIN);
        break;
      case "laplacian": {
        const second = separableBank(
          arena,
          src,
          kernels,
          axes.map((a) => {
            const o: Shape3 = [0, 0, 0];
            o[a] = 2;
            return o;
          }),
          NO_MARGIN,
        );
        outs = [
          mapImage(arena, core, (d) => {
            const parts = second.map((s) => imageData(arena, s));
            d.set(parts[0]!);
            for (let k = 1; k < parts.length; k++) {
              const s = parts[k]!;
              for (let i = 0; i < d.length; i++) d[i] = d[i]! + s[i]!;
            }
          }),
        ];
        break;
      }
      case "gradientMagnitude": {
        const g = separableBank(arena, src, kernels, gradientOrders(axes), NO_MARGIN);
        outs = [
          mapImage(arena, core, (d) => {
            const parts = g.map((s) => imageData(arena, s));
            d.fill(0);
            for (const s of parts) for (let i = 0; i < d.length; i++) d[i] = d[i]! + s[i]! * s[i]!;
            for (let i = 0; i < d.length; i++) d[i] = Math.sqrt(d[i]!);
          }),
        ];
        break;
      }
      case "dog": {
        const [g1] = separableBank(arena, src, kernels, [[0, 0, 0]], NO_MARGIN);
        const [g2] = separableBank(
          arena,
          src,
          p.kernels2 as unknown as AxisKernels,
          [[0, 0, 0]],
          NO_MARGIN,
        );
        outs = [
          mapImage(arena, core, (d) => {
            const a = imageData(arena, g1!);
            const b = imageData(arena, g2!);
            for (let i = 0; i < d.length; i++) d[i] = a[i]! - b[i]!;
          }),
        ];
        break;
      }
      case "hessian":
      case "hessianEigenvalues": {
        const h = separableBank(arena, src, kernels, hessianOrders(axes), NO_MARGIN);
        outs = p.kind === "hessian" ? h : eigenImages(arena, h, core);
        break;
      }
      case "structureTensor":
      case "structureTensorEigenvalues": {
        const outer = p.kernels2!;
        const margin = outer.map((k) => (k === null ? 0 : (k[0]!.length - 1) / 2)) as Shape3;
        const g = separableBank(arena, src, kernels, gradientOrders(axes), margin);
        const products = outerProducts(arena, g);
        for (const img of g) arena.free(img.ptr);
        const tensor: Img[] = [];
        for (const t of products) {
          // Second stage: smooth the products as a whole-volume filter would,
          // with the products themselves extended by the boundary mode.
          extendBorder(arena, t, ctx.origin, ctx.volumeShape, p.mode, p.cval);
          tensor.push(
            separableBank(arena, t, outer as unknown as AxisKernels, [[0, 0, 0]], NO_MARGIN)[0]!,
          );
          arena.free(t.ptr);
        }
        outs = p.kind === "structureTensor" ? tensor : eigenImages(arena, tensor, core);
        break;
      }
    }
    outs.forEach((img, c) => ctx.outputs[c]!.write(imageData(arena, img)));
  } finally {
    arena.reset();
  }
}
