// One unseen ISBI 2012 slice: the TEM image, its hand labels, and each method's boundary
// map and segments.
import { imagesGrid, type ImagePanel } from "../plot/grid.js";
import type { Figure } from "../plot/types.js";
import { checkInteger, checkOptions, expectedError } from "../util/checks.js";
import type { Volume } from "../volume/types.js";
import type { Isbi2012 } from "./data.js";
import type { IsbiResult } from "./pipeline.js";

/**
 * The `k`-th scored slice of an ISBI run: the TEM image and the hand labels, then per method
 * P(membrane) and its watershed segments over the image (cycled colours).
 * @param data - `loadIsbi2012()`.
 * @param runs - `{ name, result }` per method (`isbiForest`, `isbiUNet`), scored on the same slices.
 * @param k - Index into the runs' scored slices. @default 0
 */
export function isbiSliceFigure(
  data: Isbi2012,
  runs: readonly { name: string; result: IsbiResult }[],
  k = 0,
  options: { title?: string; width?: number; height?: number } = {},
): Figure {
  checkOptions(options, "options", ["title", "width", "height"]);
  if (!Array.isArray(runs) || runs.length === 0)
    throw expectedError("runs", "at least one { name, result } of isbiForest / isbiUNet", runs);
  const test = runs[0]!.result.test;
  checkInteger(k, "k", 0, test.length - 1);
  runs.forEach((r, i) => {
    if (r.result.test.join() !== test.join())
      throw new RangeError(`runs[${i}] was scored on other slices than runs[0]`);
  });
  const [, ny, nx] = data.image.shape;
  const plane = ny * nx;
  const z = data.slices.indexOf(test[k]!) >= 0 ? data.slices.indexOf(test[k]!) : test[k]!;
  const one = <T extends Float32Array | Uint8Array | Int32Array>(src: T, offset: number) =>
    ({
      data: src.slice(offset, offset + plane) as T,
      shape: [1, ny, nx],
      spacing: [...data.image.spacing],
    }) as Volume<T>;
  const image = one(data.image.data, z * plane);
  const panels: ImagePanel[] = [
    { image, title: `TEM, z = ${test[k]}` },
    { image: one(data.labels.data, z * plane), title: "hand labels" },
    ...runs.flatMap(({ name, result }) => [
      { image: one(result.boundary.data, k * plane), title: `${name}: P(membrane)` },
      { image, labels: one(result.segments.data, k * plane), title: `${name}: segments` },
    ]),
  ];
  return imagesGrid(panels, {
    columns: panels.length > 4 ? 3 : 2,
    shareRange: false,
    labelKind: "instances",
    labelOpacity: 0.45,
    title: options.title ?? "ISBI 2012, an unseen slice",
    width: options.width ?? 1200,
    height: options.height ?? (panels.length > 4 ? 820 : 620),
  });
}
