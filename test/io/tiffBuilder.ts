/**
 * Hand-made TIFF files for the tests: a little-endian classic TIFF with one
 * IFD per page laid out as header, strips, IFD, out-of-line values. Entries
 * are written exactly as given (any type, count, value), so tests can make
 * the broken files a writer never would. StripOffsets / StripByteCounts are
 * filled in from the strips unless the page gives them.
 */

export interface BuilderEntry {
  tag: number;
  type: number;
  /** Values (numbers for integer types; [num, den] pairs flattened for RATIONAL; floats for FLOAT). */
  values: number[];
  /** Count written in the entry; defaults to the number of values (pairs for RATIONAL). */
  count?: number;
}

export interface BuilderPage {
  entries: BuilderEntry[];
  strips: Uint8Array[];
}

const SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 11: 4, 12: 8, 16: 8 };

function writeValue(view: DataView, at: number, type: number, v: number): void {
  switch (type) {
    case 1:
    case 2:
      view.setUint8(at, v);
      break;
    case 3:
      view.setUint16(at, v, true);
      break;
    case 4:
      view.setUint32(at, v, true);
      break;
    case 11:
      view.setFloat32(at, v, true);
      break;
    case 12:
      view.setFloat64(at, v, true);
      break;
    case 16:
      view.setBigUint64(at, BigInt(v), true);
      break;
    default:
      throw new Error(`builder: type ${type} not supported`);
  }
}

/** Bytes of a TIFF holding `pages`. */
export function buildTiff(pages: BuilderPage[]): Uint8Array {
  const out = new Uint8Array(1 << 20);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0]);
  let end = 8;
  let link = 4;
  for (const page of pages) {
    const offsets: number[] = [];
    for (const s of page.strips) {
      offsets.push(end);
      out.set(s, end);
      end += s.length + (s.length % 2);
    }
    const entries = [...page.entries];
    if (!entries.some((e) => e.tag === 273)) entries.push({ tag: 273, type: 4, values: offsets });
    if (!entries.some((e) => e.tag === 279))
      entries.push({ tag: 279, type: 4, values: page.strips.map((s) => s.length) });
    entries.sort((a, b) => a.tag - b.tag);
    const ifd = end;
    view.setUint32(link, ifd, true);
    view.setUint16(ifd, entries.length, true);
    let values = ifd + 2 + 12 * entries.length + 4;
    entries.forEach((e, i) => {
      const p = ifd + 2 + 12 * i;
      const rational = e.type === 5;
      const n = rational ? e.values.length / 2 : e.values.length;
      const bytes = SIZE[e.type] * n;
      view.setUint16(p, e.tag, true);
      view.setUint16(p + 2, e.type, true);
      view.setUint32(p + 4, e.count ?? n, true);
      let at = p + 8;
      if (bytes > 4) {
        view.setUint32(p + 8, values, true);
        at = values;
        values += bytes + (bytes % 2);
      }
      e.values.forEach((v, k) =>
        writeValue(view, at + k * (rational ? 4 : SIZE[e.type]), rational ? 4 : e.type, v),
      );
    });
    link = ifd + 2 + 12 * entries.length;
    view.setUint32(link, 0, true);
    end = values;
  }
  return out.slice(0, end);
}

/** The entries of a one-sample page: width x height, `bits` unsigned, `compression`, one strip per `rows` rows. */
export function grayEntries(
  width: number,
  height: number,
  {
    bits = 8,
    compression = 1,
    rows = height,
  }: { bits?: number; compression?: number; rows?: number } = {},
): BuilderEntry[] {
  return [
    { tag: 256, type: 3, values: [width] },
    { tag: 257, type: 3, values: [height] },
    { tag: 258, type: 3, values: [bits] },
    { tag: 259, type: 3, values: [compression] },
    { tag: 262, type: 3, values: [1] },
    { tag: 277, type: 3, values: [1] },
    { tag: 278, type: 3, values: [rows] },
  ];
}

/** Pack `width`-bit codes most significant bit first (the TIFF LZW bit order). */
export function packCodes(codes: { code: number; width: number }[]): Uint8Array {
  let bits = "";
  for (const { code, width } of codes) bits += code.toString(2).padStart(width, "0");
  bits += "0".repeat((8 - (bits.length % 8)) % 8);
  const out = new Uint8Array(bits.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(bits.slice(8 * i, 8 * i + 8), 2);
  return out;
}

/** One IFD of a classic little-endian TIFF: its offset, where its next-IFD link is, and each entry's position. */
export interface IfdLayout {
  ifd: number;
  next: number;
  at: Map<number, number>;
}

/** The IFD chain of a classic little-endian TIFF. */
export function ifdLayout(buf: Uint8Array): IfdLayout[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: IfdLayout[] = [];
  let offset = view.getUint32(4, true);
  while (offset !== 0) {
    const n = view.getUint16(offset, true);
    const at = new Map<number, number>();
    for (let i = 0; i < n; i++)
      at.set(view.getUint16(offset + 2 + 12 * i, true), offset + 2 + 12 * i);
    const next = offset + 2 + 12 * n;
    out.push({ ifd: offset, next, at });
    offset = view.getUint32(next, true);
  }
  return out;
}

/**
 * A copy of a classic little-endian TIFF with one entry of IFD `k` changed:
 * its type, its count, and/or its (inline) value bytes.
 */
export function patchEntry(
  buf: Uint8Array,
  k: number,
  tag: number,
  change: { type?: number; count?: number; u16?: number; u32?: number; f32?: number },
): Uint8Array {
  const copy = Uint8Array.from(buf);
  const view = new DataView(copy.buffer);
  const pos = ifdLayout(copy)[k].at.get(tag);
  if (pos === undefined) throw new Error(`no tag ${tag} in IFD ${k}`);
  if (change.type !== undefined) view.setUint16(pos + 2, change.type, true);
  if (change.count !== undefined) view.setUint32(pos + 4, change.count, true);
  if (change.u16 !== undefined) view.setUint16(pos + 8, change.u16, true);
  if (change.u32 !== undefined) view.setUint32(pos + 8, change.u32, true);
  if (change.f32 !== undefined) view.setFloat32(pos + 8, change.f32, true);
  return copy;
}
