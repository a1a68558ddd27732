/**
 * Low-level TIFF structure: header, the chain of image file directories
 * (IFDs) and tag values, read through a file handle. Every IFD entry is
 * checked once, when the file is opened, against TIFF 6.0 and BigTIFF:
 * field types allowed for each tag the readers use, counts, value ranges
 * inside the file, duplicate tags. Corrupt and truncated files give an Error
 * naming the file, the IFD and the tag (e.g. `IFD 0 tag StripOffsets (273):
 * expected type BYTE, SHORT or LONG, received FLOAT`) instead of zeros, a
 * stack trace, or pixels read from the wrong place.
 * Classic TIFF and BigTIFF, either byte order (TIFF 6.0 section 2; BigTIFF as
 * in libtiff).
 */
import { promises as fsp } from "node:fs";
import { fileError } from "./files.js";
import {
  decodeValues,
  FieldType,
  rulesFor,
  tagLabel,
  TEXT,
  toNumber,
  typeName,
  typeSize,
  type TagRule,
} from "./tiffTags.js";

/** One IFD entry: where its value is (inline bytes or a file offset). */
export interface TiffEntry {
  tag: number;
  type: number;
  count: number;
  /** Value bytes when they fit in the entry, else null. */
  inline: Uint8Array | null;
  /** File offset of the value when not inline, else -1. */
  offset: number;
}

/** One image file directory. */
export interface TiffIfd {
  /** Position in the IFD chain, from 0. */
  index: number;
  /** File offset of the IFD. */
  offset: number;
  /** The entries of the tags the readers use (checked), and of other tags whose value lies in the file. */
  entries: Map<number, TiffEntry>;
}

/** A byte range `[start, end)` of the file. */
interface Range {
  start: number;
  end: number;
  what: string;
}

/**
 * An open TIFF file: header facts, every IFD of the main chain (entries
 * checked), and checked reads of tag values and pixel data. Close it when done.
 */
export class TiffFile {
  /** Header, IFD tables and out-of-line tag values, sorted by start: what pixel data must not overlap. */
  private structure: Range[] = [];
  /** `reach[i]`: the largest end of `structure[0..i]`. */
  private reach: number[] = [];

  private constructor(
    readonly fn: string,
    readonly path: string,
    private readonly handle: fsp.FileHandle,
    readonly size: number,
    readonly littleEndian: boolean,
    readonly bigTiff: boolean,
    readonly ifds: TiffIfd[],
  ) {}

  /**
   * Open `path`, check the header, walk the IFD chain and check every entry.
   * @param fn - Public function name used in error messages, e.g. `"readTiff"`.
   */
  static async open(fn: string, path: string): Promise<TiffFile> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(path, "r");
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why =
        err.code === "ENOENT"
          ? "no such file"
          : err.code === "EISDIR"
            ? "is a folder, not a file"
            : err.message;
      throw fileError(fn, path, why);
    }
    try {
      const stat = await handle.stat();
      if (stat.isDirectory()) throw fileError(fn, path, "is a folder, not a file");
      const size = stat.size;
      const head = new Uint8Array(Math.min(16, size));
      await readFully(handle, head, 0);
      if (size < 8) throw fileError(fn, path, `not a TIFF file (only ${size} bytes)`);
      const bom = (head[0] << 8) | head[1];
      if (bom !== 0x4949 && bom !== 0x4d4d) {
        throw fileError(
          fn,
          path,
          `not a TIFF file (bad byte-order mark 0x${bom.toString(16).toUpperCase().padStart(4, "0")})`,
        );
      }
      const le = bom === 0x4949;
      const view = new DataView(head.buffer);
      const magic = view.getUint16(2, le);
      let bigTiff: boolean;
      let first: number;
      if (magic === 42) {
        bigTiff = false;
        first = view.getUint32(4, le);
      } else if (magic === 43) {
        bigTiff = true;
        if (size < 16)
          throw fileError(fn, path, `truncated: BigTIFF header needs 16 bytes, file has ${size}`);
        const offsetSize = view.getUint16(4, le);
        if (offsetSize !== 8)
          throw fileError(
            fn,
            path,
            `corrupt BigTIFF header (offset size ${offsetSize}, expected 8)`,
          );
        const reserved = view.getUint16(6, le);
        if (reserved !== 0)
          throw fileError(
            fn,
            path,
            `corrupt BigTIFF header (bytes 6-7 are ${reserved}, expected 0)`,
          );
        first = toNumber(view.getBigUint64(8, le));
      } else {
        throw fileError(
          fn,
          path,
          `not a TIFF file (bad version number ${magic}, expected 42 or BigTIFF 43)`,
        );
      }
      if (first === 0)
        throw fileError(fn, path, "contains no image (the TIFF header's first-IFD offset is 0)");
      const file = new TiffFile(fn, path, handle, size, le, bigTiff, []);
      file.structure.push({ start: 0, end: bigTiff ? 16 : 8, what: "the TIFF header" });
      await file.walkIfds(first);
      file.structure.sort((a, b) => a.start - b.start);
      let reach = 0;
      file.reach = file.structure.map((r) => (reach = Math.max(reach, r.end)));
      return file;
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  /** Close the file handle. */
  async close(): Promise<void> {
    await this.handle.close();
  }

  /** An Error naming the call and this file. */
  error(problem: string): Error {
    return fileError(this.fn, this.path, problem);
  }

  /** An Error naming the call, this file, the IFD and the tag. */
  fieldError(ifd: TiffIfd, tag: number, problem: string): Error {
    return this.error(`IFD ${ifd.index} tag ${tagLabel(tag)}: ${problem}`);
  }

  /**
   * Read `length` bytes at `offset` into `target` (or a new array), or throw a
   * truncation error naming `what` when the range runs past the end of the file.
   */
  async bytes(
    offset: number,
    length: number,
    what: string,
    target?: Uint8Array,
  ): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > this.size) {
      throw this.error(
        `truncated: ${what} at offset ${offset} (${length} bytes) runs past the end of the file (size ${this.size})`,
      );
    }
    const out = target ?? new Uint8Array(length);
    try {
      await readFully(this.handle, out.subarray(0, length), offset);
    } catch (e) {
      throw this.error(
        `reading ${what} at offset ${offset} (${length} bytes) failed: ${(e as Error).message} (did the file change while open?)`,
      );
    }
    return out;
  }

  /**
   * The file structure (header, an IFD table, a tag value) that the byte range
   * `[offset, offset + length)` overlaps, or undefined. Pixel data never overlap
   * those in a valid file; reading them as pixels would return garbage.
   */
  overlapsStructure(offset: number, length: number): string | undefined {
    if (length <= 0) return undefined;
    const end = offset + length;
    const s = this.structure;
    // Ranges starting before `end` are s[0..lo-1]; one of them overlaps iff their largest end passes `offset`.
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid].start < end) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0 || this.reach[lo - 1] <= offset) return undefined;
    // The first range (by start) that reaches past `offset`: where `reach` first passes it.
    let a = 0;
    let b = lo - 1;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (this.reach[mid] > offset) b = mid;
      else a = mid + 1;
    }
    return s[a].what;
  }

  private async walkIfds(first: number): Promise<void> {
    const seen = new Set<number>();
    const countSize = this.bigTiff ? 8 : 2;
    const entrySize = this.bigTiff ? 20 : 12;
    const nextSize = this.bigTiff ? 8 : 4;
    const rules = rulesFor(this.bigTiff);
    const firstField = `the TIFF header's first-IFD offset (bytes ${this.bigTiff ? "8-15" : "4-7"})`;
    let offset = first;
    while (offset !== 0) {
      const index = this.ifds.length;
      // Where this IFD's offset was read: the header, or the previous IFD's link.
      const source = index === 0 ? firstField : `the next-IFD link of IFD ${index - 1}`;
      if (seen.has(offset)) {
        const target = this.ifds.findIndex((d) => d.offset === offset);
        throw this.error(
          `corrupt: ${source} points back to offset ${offset} (IFD ${target}); the IFD chain loops`,
        );
      }
      seen.add(offset);
      if (offset + countSize > this.size) {
        throw this.error(
          `truncated: ${source} is ${offset}, beyond the end of the file (size ${this.size})`,
        );
      }
      // One read usually covers the whole IFD; read the rest when it does not.
      let buf = new Uint8Array(Math.min(4096, this.size - offset));
      await readFully(this.handle, buf, offset);
      let view = new DataView(buf.buffer);
      const n = this.bigTiff
        ? toNumber(view.getBigUint64(0, this.littleEndian))
        : view.getUint16(0, this.littleEndian);
      if (n === 0) throw this.error(`corrupt: IFD ${index} at offset ${offset} has no entries`);
      const total = countSize + n * entrySize + nextSize;
      if (offset + total > this.size) {
        throw this.error(
          `truncated: IFD ${index} at offset ${offset} needs ${total} bytes but the file ends at ${this.size}`,
        );
      }
      if (total > buf.length) {
        buf = new Uint8Array(total);
        await readFully(this.handle, buf, offset);
        view = new DataView(buf.buffer);
      }
      const ifd: TiffIfd = { index, offset, entries: new Map() };
      this.structure.push({ start: offset, end: offset + total, what: `IFD ${index}` });
      const inlineSize = this.bigTiff ? 8 : 4;
      for (let i = 0; i < n; i++) {
        const p = countSize + i * entrySize;
        const tag = view.getUint16(p, this.littleEndian);
        const type = view.getUint16(p + 2, this.littleEndian);
        const count = this.bigTiff
          ? toNumber(view.getBigUint64(p + 4, this.littleEndian))
          : view.getUint32(p + 4, this.littleEndian);
        const rule = rules.get(tag);
        const size = typeSize(type);
        if (rule && count === 0 && rule.types === TEXT) continue; // an empty text tag: absent
        if (rule) this.checkEntry(ifd, tag, type, count, rule); // refuses unknown field types
        if (size === undefined) continue; // unknown tag of an unknown field type: skipped (TIFF 6.0, p. 16)
        const valuePos = p + (this.bigTiff ? 12 : 8);
        const bytes = size * count;
        let entry: TiffEntry;
        if (bytes <= inlineSize) {
          entry = { tag, type, count, inline: buf.slice(valuePos, valuePos + bytes), offset: -1 };
        } else {
          const at = this.bigTiff
            ? toNumber(view.getBigUint64(valuePos, this.littleEndian))
            : view.getUint32(valuePos, this.littleEndian);
          if (at + bytes > this.size) {
            if (!rule) continue; // a tag no reader uses, with a value outside the file: ignored
            throw this.fieldError(
              ifd,
              tag,
              `value of ${count} ${typeName(type)} (${bytes} bytes) at offset ${at} runs past the end of the file (size ${this.size})`,
            );
          }
          entry = { tag, type, count, inline: null, offset: at };
          this.structure.push({
            start: at,
            end: at + bytes,
            what: `the value of IFD ${index} tag ${tagLabel(tag)}`,
          });
        }
        const first = ifd.entries.get(tag);
        if (first) {
          // libtiff ignores a repeated tag; a repeat that disagrees leaves the value unknown.
          if (rule && !sameEntry(first, entry))
            throw this.fieldError(ifd, tag, "appears twice in the IFD, with different values");
          continue;
        }
        ifd.entries.set(tag, entry);
      }
      this.ifds.push(ifd);
      const np = countSize + n * entrySize;
      offset = this.bigTiff
        ? toNumber(view.getBigUint64(np, this.littleEndian))
        : view.getUint32(np, this.littleEndian);
      if (offset !== 0 && offset + countSize > this.size) {
        throw this.error(
          `truncated: the next-IFD link of IFD ${index} is ${offset}, beyond the end of the file (size ${this.size})`,
        );
      }
    }
  }

  /** Check the type and count of an entry of a tag the readers use. */
  private checkEntry(ifd: TiffIfd, tag: number, type: number, count: number, rule: TagRule): void {
    if (!rule.types.includes(type)) {
      const allowed = rule.types.map(typeName);
      const list =
        allowed.length === 1
          ? allowed[0]
          : `${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`;
      const extra =
        !this.bigTiff && (type === FieldType.LONG8 || type === FieldType.IFD8)
          ? " (64-bit types exist only in BigTIFF)"
          : "";
      throw this.fieldError(ifd, tag, `expected type ${list}, received ${typeName(type)}${extra}`);
    }
    if (count === 0) throw this.fieldError(ifd, tag, "expected at least 1 value, received count 0");
    if (rule.count === 1 && count !== 1)
      throw this.fieldError(ifd, tag, `expected count 1, received count ${count}`);
  }

  /** The raw bytes of a tag's value (its range was checked when the file was opened). */
  private async valueBytes(ifd: TiffIfd, entry: TiffEntry): Promise<Uint8Array> {
    if (entry.inline) return entry.inline;
    const length = typeSize(entry.type)! * entry.count;
    return this.bytes(entry.offset, length, `IFD ${ifd.index} tag ${tagLabel(entry.tag)}`);
  }

  /**
   * Numeric values of a tag, or undefined when absent. RATIONAL values come as
   * numerator/denominator pairs (`[n0, d0, n1, d1, ...]`).
   */
  async values(ifd: TiffIfd, tag: number): Promise<number[] | undefined> {
    const entry = ifd.entries.get(tag);
    if (!entry) return undefined;
    if (entry.type === FieldType.ASCII)
      throw this.fieldError(ifd, tag, "expected numbers, received text (ASCII)");
    const bytes = await this.valueBytes(ifd, entry);
    return decodeValues(bytes, entry.type, entry.count, this.littleEndian);
  }

  /**
   * The single value of a tag checked when opening to have one unsigned
   * integer value, or `fallback` when absent.
   */
  async value(ifd: TiffIfd, tag: number, fallback: number): Promise<number> {
    const v = await this.values(ifd, tag);
    return v && v.length > 0 ? v[0] : fallback;
  }

  /** Text of an ASCII tag up to its first NUL, or undefined when absent. */
  async text(ifd: TiffIfd, tag: number): Promise<string | undefined> {
    const entry = ifd.entries.get(tag);
    if (
      !entry ||
      (entry.type !== FieldType.ASCII &&
        entry.type !== FieldType.BYTE &&
        entry.type !== FieldType.UNDEFINED)
    ) {
      return undefined;
    }
    const bytes = await this.valueBytes(ifd, entry);
    const end = bytes.indexOf(0);
    return new TextDecoder("utf-8").decode(end >= 0 ? bytes.subarray(0, end) : bytes);
  }
}

/** Whether two entries of a tag hold the same type, count and value. */
function sameEntry(a: TiffEntry, b: TiffEntry): boolean {
  if (a.type !== b.type || a.count !== b.count || a.offset !== b.offset) return false;
  if (!a.inline || !b.inline) return a.inline === b.inline;
  return a.inline.length === b.inline.length && a.inline.every((v, i) => v === b.inline![i]);
}

/** Read exactly `target.length` bytes at `position` (loops over short reads). */
async function readFully(
  handle: fsp.FileHandle,
  target: Uint8Array,
  position: number,
): Promise<void> {
  const CHUNK = 1 << 30; // fs reads are limited to 2 GiB per call
  let done = 0;
  while (done < target.length) {
    const length = Math.min(CHUNK, target.length - done);
    const { bytesRead } = await handle.read(target, done, length, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at offset ${position + done}`);
    done += bytesRead;
  }
}
