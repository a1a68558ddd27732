import { encode } from "fast-png";
import { promises as fsp } from "node:fs";
import nodePath from "node:path";
import { checkBoolean, checkInteger, checkOptions, expectedError } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";
import { checkFor, commitTemp, exists, existsError, fileError, tempPathFor } from "./files.js";

/** Options of {@link writePngStack}. */
export interface WritePngStackOptions {
  /** File name prefix of each slice. @default "slice_" */
  prefix?: string;
  /** Zero-padded width of the slice number. @default max(4, digits of nz - 1) */
  digits?: number;
  /**
   * Replace existing slice files of the same names. Without it any existing
   * target is an error, so user data is never replaced by accident.
   * @default false
   */
  overwrite?: boolean;
}

/**
 * Write a uint8 or uint16 volume as a folder of grey PNG slices,
 * `<prefix><z>.png` with z zero-padded (`slice_0000.png`, ...), 8 or 16 bits.
 *
 * PNG has no z spacing, so the spacing is stored in a `tomolab` text chunk of
 * every slice (`{"spacing":[dz,dy,dx],"unit":"nm"}`) that {@link readPngStack}
 * reads back. The folder is created if missing; it must not hold other PNG
 * files, so a later {@link readPngStack} cannot mix two stacks. Each slice is
 * written to a temporary file and renamed into place.
 *
 * @param dir - Output folder.
 * @param volume - uint8 or uint16 volume (cast others first).
 * @param options - `prefix`, `digits`, `overwrite`.
 * @returns The paths written, in z order.
 * @throws TypeError for other dtypes; Error naming the file or folder when a
 *   target exists (without `overwrite`) or the folder holds other PNG files.
 */
export async function writePngStack(
  dir: string,
  volume: Volume,
  options: WritePngStackOptions = {},
): Promise<string[]> {
  const fn = "writePngStack";
  checkVolume(volume, "volume", { dtypes: ["uint8", "uint16"] });
  checkOptions(options, "options");
  const [nz, ny, nx] = volume.shape;
  const prefix: unknown = options.prefix ?? "slice_";
  if (typeof prefix !== "string" || /[\\/]/.test(prefix)) {
    const Type = typeof prefix === "string" ? RangeError : TypeError;
    throw expectedError("prefix", "a file name prefix without path separators", prefix, Type);
  }
  const fewest = String(nz - 1).length; // the digits of the last slice number
  const digits = checkFor(`${nz} slices need at least ${fewest}`, () =>
    checkInteger(options.digits ?? Math.max(4, fewest), "digits", fewest, 12),
  );
  const overwrite = checkBoolean(options.overwrite ?? false, "overwrite");
  const names = Array.from(
    { length: nz },
    (_, z) => `${prefix}${String(z).padStart(digits, "0")}.png`,
  );
  const files = names.map((n) => nodePath.join(dir, n));

  await fsp.mkdir(dir, { recursive: true }).catch((e: Error) => {
    throw fileError(fn, dir, `cannot create the folder (${e.message})`);
  });
  const ours = new Set(names);
  const others = (await fsp.readdir(dir)).filter(
    (n) => !n.startsWith(".") && n.toLowerCase().endsWith(".png") && !ours.has(n),
  );
  if (others.length > 0) {
    throw fileError(
      fn,
      dir,
      `folder already holds ${others.length} other PNG file(s) (e.g. ${others[0]}); a slice folder must hold one stack only`,
    );
  }
  if (!overwrite) {
    for (const f of files) if (await exists(f)) throw existsError(fn, f);
  }

  const text = { tomolab: JSON.stringify({ spacing: volume.spacing, unit: "nm" }) };
  const depth = volume.data instanceof Uint16Array ? 16 : 8;
  const plane = ny * nx;
  for (let z = 0; z < nz; z++) {
    const data = volume.data.subarray(z * plane, (z + 1) * plane) as Uint8Array | Uint16Array;
    const png = encode({ width: nx, height: ny, data, depth, channels: 1, text });
    const temp = tempPathFor(files[z]);
    await fsp.writeFile(temp, png, { flag: "wx" });
    await commitTemp(fn, temp, files[z], overwrite);
  }
  return files;
}
