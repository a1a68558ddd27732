import type { FeatureChannel, FeatureGroup } from "../features/spec.js";
import { checkOneOf } from "../util/checks.js";
import { categoricalColor } from "./style.js";

/** Per-class importances of a forest's feature channels (e.g. permutation importance). */
export interface ClassImportances {
  /** The feature channels (name, group smooth/edge/texture/milling, input, filter, scale). */
  channels: readonly FeatureChannel[];
  /** Per class id: one importance per channel. */
  perClass: Record<number, ArrayLike<number>>;
}

/** Options of {@link importanceGroups}. */
export interface ImportanceGroupsOptions {
  /** Group channels by filter group (smooth / edge / texture / milling) or by input signal. @default "group" */
  by?: "group" | "input";
  /** Class names by id, for the box names. @default { 1: "void", 2: "CBD", 3: "NMC" } */
  classNames?: Record<number, string>;
}

/** One box of {@link importanceGroups}: the importances of one class and one group of channels. */
export interface ImportanceGroup {
  /** `"<class>: <group>"`. */
  name: string;
  values: Float64Array;
  class: number;
  group: string;
  color: string;
}

const GROUP_ORDER: readonly FeatureGroup[] = ["smooth", "edge", "texture", "milling"];

/**
 * Per-class importances split into groups of channels, ready for `boxFigure`:
 * one box per class and filter group (or input signal), named
 * `"<class>: <group>"`, holding that group's channel importances, coloured
 * by group (the same colour for a group in every class). Filter groups come
 * in the order smooth, edge, texture, milling; inputs in channel order.
 * @see Osenberg et al., Fig. 3
 */
export function importanceGroups(
  importance: ClassImportances,
  options: ImportanceGroupsOptions = {},
): ImportanceGroup[] {
  const by = checkOneOf(options.by ?? "group", "by", ["group", "input"]);
  const names = options.classNames ?? { 1: "void", 2: "CBD", 3: "NMC" };
  const keyOf = (c: FeatureChannel): string => (by === "group" ? c.group : c.input);
  const order: string[] = [];
  for (const c of importance.channels) if (!order.includes(keyOf(c))) order.push(keyOf(c));
  if (by === "group")
    order.sort(
      (a, b) => GROUP_ORDER.indexOf(a as FeatureGroup) - GROUP_ORDER.indexOf(b as FeatureGroup),
    );
  const out: ImportanceGroup[] = [];
  for (const cls of Object.keys(importance.perClass).map(Number)) {
    const v = importance.perClass[cls]!;
    if (v.length !== importance.channels.length)
      throw new RangeError(
        `importances of class ${cls} must have one value per channel (${importance.channels.length}), received ${v.length}`,
      );
    for (const [gi, g] of order.entries()) {
      const vals: number[] = [];
      importance.channels.forEach((c, i) => {
        if (keyOf(c) === g) vals.push(v[i]!);
      });
      out.push({
        name: `${names[cls] ?? cls}: ${g}`,
        values: Float64Array.from(vals),
        class: cls,
        group: g,
        color: categoricalColor(gi),
      });
    }
  }
  return out;
}
