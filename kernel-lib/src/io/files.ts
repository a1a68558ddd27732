/**
 * File helpers shared by the readers and writers: error messages that name
 * the call and the file, atomic writes that never replace user data by
 * accident, and natural sorting of slice file names.
 */
import { promises as fsp } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";

/**
 * An Error whose message names the call and the file, e.g.
 * `readTiff("/x/a.tif"): not a TIFF file (bad byte-order mark 0x1234)`.
 */
export function fileError(fn: string, file: string, problem: string): Error {
  return new Error(`${fn}(${JSON.stringify(file)}): ${problem}`);
}

/**
 * Run an option check (from util/checks) whose allowed range depends on a
 * file, adding which file to its message:
 * `` `channel` must be an integer in [0, 2], received 5 (for "/x/a.tif") ``.
 * @param context - What the range comes from, e.g. `for "/x/a.tif"`.
 * @param check - The check; its RangeError or TypeError is rethrown with the context.
 */
export function checkFor<T>(context: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof RangeError) throw new RangeError(`${e.message} (${context})`, { cause: e });
    if (e instanceof TypeError) throw new TypeError(`${e.message} (${context})`, { cause: e });
    throw e;
  }
}

/** Whether something exists at `file` (file, folder or link). */
export async function exists(file: string): Promise<boolean> {
  try {
    await fsp.lstat(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw e;
  }
}

/** A fresh temporary path next to `file` (same folder, so a rename is atomic). */
export function tempPathFor(file: string): string {
  const dir = path.dirname(file);
  return path.join(
    dir,
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
}

/**
 * Move a finished temporary file into place. With `overwrite` false the move
 * fails when `file` exists (checked atomically with a hard link where the file
 * system allows it), and the temporary file is removed either way on failure.
 */
export async function commitTemp(
  fn: string,
  temp: string,
  file: string,
  overwrite: boolean,
): Promise<void> {
  try {
    if (overwrite) {
      await fsp.rename(temp, file);
      return;
    }
    try {
      await fsp.link(temp, file); // fails with EEXIST instead of replacing
      await fsp.unlink(temp);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") throw existsError(fn, file);
      // File systems without hard links: check, then rename.
      if (await exists(file)) throw existsError(fn, file);
      await fsp.rename(temp, file);
    }
  } catch (e) {
    await fsp.rm(temp, { force: true });
    throw e;
  }
}

/** The error for an output that exists while `overwrite` is false. */
export function existsError(fn: string, file: string): Error {
  return fileError(
    fn,
    file,
    "the file already exists; pass { overwrite: true } to replace it (files are never replaced silently)",
  );
}

/**
 * Compare names so that digit runs compare by value: `2.png` before `10.png`,
 * `slice_9` before `slice_10`; ties broken by plain code-point order.
 */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      // Compare digit runs by value without Number overflow: strip zeros, then length, then text.
      const sx = x.replace(/^0+(?=\d)/, "");
      const sy = y.replace(/^0+(?=\d)/, "");
      if (sx.length !== sy.length) return sx.length - sy.length;
      if (sx !== sy) return sx < sy ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length;
      continue;
    }
    const lx = x.toLowerCase();
    const ly = y.toLowerCase();
    if (lx !== ly) return lx < ly ? -1 : 1;
    return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
