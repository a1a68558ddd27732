/**
 * The memory budget of the readers: a file's header says how big its image
 * is, and a corrupt or hostile header can claim terabytes. Readers compare
 * what they would allocate with this budget BEFORE allocating, and refuse
 * with an error that says how much would be needed.
 */
import os from "node:os";
import { checkNumber } from "../util/checks.js";
import { fileError } from "./files.js";

/**
 * The default budget: half of this machine's memory (`os.totalmem() / 2`).
 * Readers take a `maxBytes` option to change it.
 */
export function defaultMaxBytes(): number {
  return Math.floor(os.totalmem() / 2);
}

/** A byte count for people: `512 B`, `3.4 MiB`, `12.0 GiB`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** A validated `maxBytes` option (a number of bytes > 0; Infinity for no limit), or the default. */
export function resolveMaxBytes(maxBytes: number | undefined): number {
  if (maxBytes === undefined) return defaultMaxBytes();
  return checkNumber(maxBytes, "maxBytes", { min: 0, minOpen: true, finite: false });
}

/**
 * Throw, naming the call and the file, when `bytes` (for `what`, e.g.
 * `"the volume (300 x 2048 x 2048 uint16)"`) exceed `maxBytes`.
 * @param hint - What the user can do instead, appended to the message.
 */
export function checkBudget(
  fn: string,
  file: string,
  bytes: number,
  what: string,
  maxBytes: number,
  hint: string,
): void {
  if (bytes <= maxBytes) return;
  throw fileError(
    fn,
    file,
    `${what} would need ${formatBytes(bytes)}, more than the memory budget of ${formatBytes(maxBytes)} (option maxBytes; default half of this machine's memory); ${hint}`,
  );
}
