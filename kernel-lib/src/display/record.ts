import path from "node:path";
import { checkFinite, checkString } from "../util/checks.js";
import { reproduceDir, appendLineSync } from "./reproduce.js";

const recorded = new Map<string, number>();
const KEY = /^[A-Za-z0-9_.-]+$/;

/**
 * Record a headline number (a porosity, an error rate, a fitted parameter) under a key: it is
 * printed as `recorded <key> = <value>`, kept for {@link recordedNumbers}, and in reproduce runs
 * (`TOMOLAB_REPRODUCE_DIR` set) appended to `numbers.jsonl` as `{"key": ..., "value": ...}`,
 * where the reproduce script compares it with the paper's value.
 *
 * @param key - Letters, digits, `_`, `.`, `-` (e.g. "fig3.porosity").
 * @param value - A finite number.
 */
export function record(key: string, value: number): void {
  checkString(key, "key");
  if (!KEY.test(key)) {
    throw new RangeError(
      `record: \`key\` must match [A-Za-z0-9_.-]+ (letters, digits, _ . -), received ${JSON.stringify(key)}`,
    );
  }
  checkFinite(value, `value of ${key}`);
  recorded.set(key, value);
  console.log(`recorded ${key} = ${value}`);
  const dir = reproduceDir();
  if (dir) appendLineSync(path.join(dir, "numbers.jsonl"), JSON.stringify({ key, value }));
}

/** Every number recorded in this process, by key (the last value when a key was recorded twice). */
export function recordedNumbers(): Record<string, number> {
  return Object.fromEntries(recorded);
}

/** Forget the recorded numbers (the jsonl file is left alone). */
export function clearRecordedNumbers(): void {
  recorded.clear();
}
