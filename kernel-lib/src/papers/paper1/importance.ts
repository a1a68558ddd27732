import { barFigure } from "../../plot/bar.js";
import type { Figure } from "../../plot/types.js";
import { checkOneOf } from "../../util/checks.js";
import type { Paper1Importance } from "./types.js";

/** Class names of Paper 1's three phases, by class id. */
const CLASS_NAMES: Record<number, string> = { 1: "void", 2: "CBD", 3: "NMC" };

/** One joint importance: a class and a filter group or input signal, all its channels shuffled together. */
export interface Paper1JointImportance {
  /** Class id (1 void, 2 CBD, 3 NMC) and name. */
  class: number;
  className: string;
  /** `"group"` (smooth / edge / texture / milling) or `"input"` (SE2 / InLens / difference ...). */
  kind: "group" | "input";
  /** The group's or input's name. */
  name: string;
  /** Mean recall decrease of the class over the shuffles. */
  mean: number;
  /** Standard deviation of one shuffle's recall decrease. */
  std: number;
  /** Standard error of the mean (std / sqrt(shuffles)). */
  sem: number;
  /** Shuffles. */
  repeats: number;
}

/**
 * The joint (group-wise) permutation importances of a forest, one row per class
 * and filter group or input signal, in the order the channels list them.
 * @param importance - A forest method's importance (`Paper1MethodResult.importance`).
 * @param kind - Filter groups or input signals.
 * @see Osenberg et al., Fig. 3
 */
export function paper1JointImportance(
  importance: Paper1Importance,
  kind: "group" | "input",
): Paper1JointImportance[] {
  checkOneOf(kind, "kind", ["group", "input"]);
  const g = importance.groups;
  const rows: Paper1JointImportance[] = [];
  for (const cls of Object.keys(g.perClass).map(Number)) {
    g.names.forEach((full, j) => {
      const [k, name] = full.split(":", 2) as [string, string];
      if (k !== kind) return;
      const std = g.perClassStd[cls]![j]!;
      rows.push({
        class: cls,
        className: CLASS_NAMES[cls] ?? String(cls),
        kind,
        name,
        mean: g.perClass[cls]![j]!,
        std,
        sem: std / Math.sqrt(g.repeats),
        repeats: g.repeats,
      });
    });
  }
  return rows;
}

/**
 * Bars of the joint importances per class (one series per group or input), with
 * error bars of two standard errors of the mean.
 */
export function paper1JointImportanceFigure(
  importance: Paper1Importance,
  kind: "group" | "input",
  options: { title?: string } = {},
): Figure {
  const rows = paper1JointImportance(importance, kind);
  const classes = [...new Set(rows.map((r) => r.className))];
  const names = [...new Set(rows.map((r) => r.name))];
  const series = names.map((name) => {
    const of = classes.map((c) => rows.find((r) => r.className === c && r.name === name));
    return {
      name,
      values: of.map((r) => r?.mean ?? NaN),
      error: of.map((r) => 2 * (r?.sem ?? NaN)),
    };
  });
  return barFigure(classes, series, {
    yTitle: "recall decrease (all channels shuffled together)",
    valueFormat: ".3f",
    ...(options.title !== undefined ? { title: options.title } : {}),
  });
}

/** What {@link paper1ImportanceFinding} concludes for one class. */
export interface Paper1ImportanceFinding {
  className: string;
  /** The group or input with the largest mean joint importance, and the runner-up. */
  top: Paper1JointImportance;
  second: Paper1JointImportance;
  /** (top - second) in standard errors of their difference: above 2 the ranking is clear. */
  margin: number;
}

/**
 * For each class, the filter group or input signal that matters most (largest
 * joint importance), the runner-up, and how clearly it leads. Paper 1 reads from
 * Fig. 3 that SE2 matters more than InLens but the difference image matters most
 * for carbon, and that texture filters matter little.
 */
export function paper1ImportanceFinding(
  importance: Paper1Importance,
  kind: "group" | "input",
): Paper1ImportanceFinding[] {
  const rows = paper1JointImportance(importance, kind);
  const out: Paper1ImportanceFinding[] = [];
  for (const className of [...new Set(rows.map((r) => r.className))]) {
    const mine = rows.filter((r) => r.className === className).sort((a, b) => b.mean - a.mean);
    if (mine.length < 2) continue;
    const [top, second] = mine as [Paper1JointImportance, Paper1JointImportance];
    const se = Math.hypot(top.sem, second.sem);
    out.push({
      className,
      top,
      second,
      margin: se > 0 ? (top.mean - second.mean) / se : Infinity,
    });
  }
  return out;
}

/**
 * How noisy the single-channel boxes of Fig. 3 are, per class: the median over
 * channels of the standard error of each channel's mean importance, beside the
 * median absolute importance (a box is readable when the second is several times
 * the first).
 */
export function paper1ImportanceNoise(
  importance: Paper1Importance,
): { className: string; medianSem: number; medianAbs: number }[] {
  const median = (v: number[]): number => {
    const s = [...v].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  return Object.keys(importance.perClass)
    .map(Number)
    .map((cls) => {
      const mean = Array.from(importance.perClass[cls]!);
      const std = Array.from(importance.perClassStd[cls]!);
      return {
        className: CLASS_NAMES[cls] ?? String(cls),
        medianSem: median(std.map((s) => s / Math.sqrt(importance.repeats))),
        medianAbs: median(mean.map(Math.abs)),
      };
    });
}
