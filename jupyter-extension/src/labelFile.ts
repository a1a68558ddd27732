// Reading a label file in the painter: parse and check it against the volume before anything
// is painted over it (an unusable file is never overwritten). No DOM here.
import { base64ToBytes } from "./base64.js";
import { runCounts } from "./labelRuns.js";
import type { Shape } from "./planes.js";
import type { LabelFile } from "./viewerTypes.js";

/** Error for a label file that cannot be read: the painter must not overwrite it. */
export class LabelFileError extends Error {
  override name = "LabelFileError";
}

/**
 * Parse and check a label file's text for a volume of `shape`: format, shape, encoding, runs
 * covering the shape, stored counts matching the data.
 * @returns the parsed file and its decoded run bytes.
 * @throws LabelFileError saying what is wrong (then the file must be left untouched).
 */
export function decodeLabelFile(
  text: string,
  shape: Shape,
  name = "label file",
): { file: LabelFile; runs: Uint8Array } {
  let f: Partial<LabelFile>;
  try {
    f = JSON.parse(text) as Partial<LabelFile>;
  } catch (error) {
    throw new LabelFileError(`${name} is not valid JSON (${(error as Error).message})`);
  }
  if (f?.format !== "tomolab-labels" || f.version !== 1)
    throw new LabelFileError(
      `${name} is not a tomolab label file (format ${JSON.stringify(f?.format)}, version ${JSON.stringify(f?.version)})`,
    );
  if (!Array.isArray(f.shape) || f.shape.length !== 3 || f.shape.some((n, i) => n !== shape[i]))
    throw new LabelFileError(
      `${name} has shape ${JSON.stringify(f.shape)}, the volume has ${JSON.stringify(shape)}`,
    );
  if (f.encoding !== "rle-varint" || typeof f.data !== "string")
    throw new LabelFileError(`${name} has unsupported encoding ${JSON.stringify(f.encoding)}`);
  let runs: Uint8Array;
  try {
    runs = base64ToBytes(f.data);
  } catch {
    throw new LabelFileError(`${name}: data is not base64`);
  }
  let counts: Record<string, number>;
  try {
    counts = runCounts(runs, shape, `${name}: runs`);
  } catch (error) {
    const [nz, ny, nx] = shape;
    throw new LabelFileError(
      `${name} is corrupt (shape ${nz}x${ny}x${nx}): ${(error as Error).message}`,
    );
  }
  if (f.counts && JSON.stringify(sorted(f.counts)) !== JSON.stringify(sorted(counts)))
    throw new LabelFileError(
      `${name} is corrupt: stored counts ${JSON.stringify(f.counts)} differ from the data ${JSON.stringify(counts)}`,
    );
  return { file: f as LabelFile, runs };
}

function sorted(r: Record<string, number>): [string, number][] {
  return Object.entries(r).sort(([a], [b]) => Number(a) - Number(b));
}
