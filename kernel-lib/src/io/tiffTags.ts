/**
 * TIFF tags and field types (TIFF 6.0 section 2, BigTIFF as in libtiff): the
 * numbers and names the readers and writers use, the field types each tag the
 * readers use may hold, and decoding of tag values.
 */
/** Tag numbers used by the readers and writers. */
export const Tag = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  FillOrder: 266,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  XResolution: 282,
  YResolution: 283,
  PlanarConfiguration: 284,
  ResolutionUnit: 296,
  Software: 305,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SampleFormat: 339,
} as const;

/** TIFF field types and their sizes in bytes. */
export const FieldType = {
  BYTE: 1,
  ASCII: 2,
  SHORT: 3,
  LONG: 4,
  RATIONAL: 5,
  SBYTE: 6,
  UNDEFINED: 7,
  SSHORT: 8,
  SLONG: 9,
  SRATIONAL: 10,
  FLOAT: 11,
  DOUBLE: 12,
  IFD: 13,
  LONG8: 16,
  SLONG8: 17,
  IFD8: 18,
} as const;

/** How one value of a field type is read: its size in bytes and its reader. */
interface FieldReader {
  size: number;
  read: (view: DataView, at: number, le: boolean) => number;
}

const u8 = (v: DataView, at: number) => v.getUint8(at);
const u32 = (v: DataView, at: number, le: boolean) => v.getUint32(at, le);
const i32 = (v: DataView, at: number, le: boolean) => v.getInt32(at, le);

/** Field types by code. RATIONAL / SRATIONAL values are read as two LONG / SLONG halves. */
const FIELD_READERS: Record<number, FieldReader> = {
  [FieldType.BYTE]: { size: 1, read: u8 },
  [FieldType.ASCII]: { size: 1, read: u8 },
  [FieldType.SHORT]: { size: 2, read: (v, at, le) => v.getUint16(at, le) },
  [FieldType.LONG]: { size: 4, read: u32 },
  [FieldType.RATIONAL]: { size: 8, read: u32 },
  [FieldType.SBYTE]: { size: 1, read: (v, at) => v.getInt8(at) },
  [FieldType.UNDEFINED]: { size: 1, read: u8 },
  [FieldType.SSHORT]: { size: 2, read: (v, at, le) => v.getInt16(at, le) },
  [FieldType.SLONG]: { size: 4, read: i32 },
  [FieldType.SRATIONAL]: { size: 8, read: i32 },
  [FieldType.FLOAT]: { size: 4, read: (v, at, le) => v.getFloat32(at, le) },
  [FieldType.DOUBLE]: { size: 8, read: (v, at, le) => v.getFloat64(at, le) },
  [FieldType.IFD]: { size: 4, read: u32 },
  [FieldType.LONG8]: { size: 8, read: (v, at, le) => toNumber(v.getBigUint64(at, le)) },
  [FieldType.SLONG8]: { size: 8, read: (v, at, le) => Number(v.getBigInt64(at, le)) },
  [FieldType.IFD8]: { size: 8, read: (v, at, le) => toNumber(v.getBigUint64(at, le)) },
};

/** Size in bytes of one value of a field type, or undefined for an unknown type. */
export function typeSize(type: number): number | undefined {
  return FIELD_READERS[type]?.size;
}

/**
 * Decode `count` values of a known TIFF field type from bytes. RATIONAL
 * values come as numerator/denominator pairs (`[n0, d0, n1, d1, ...]`).
 */
export function decodeValues(
  bytes: Uint8Array,
  type: number,
  count: number,
  le: boolean,
): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { size, read } = FIELD_READERS[type];
  const rational = type === FieldType.RATIONAL || type === FieldType.SRATIONAL;
  const step = rational ? size / 2 : size;
  return Array.from({ length: rational ? 2 * count : count }, (_, i) => read(view, i * step, le));
}

/** An unsigned 64-bit value as a number; offsets beyond 2^53 cannot be valid in any file this machine can hold. */
export function toNumber(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

const TYPE_NAMES = new Map<number, string>(
  Object.entries(FieldType).map(([name, type]) => [type, name]),
);

/** Name of a field type for messages, e.g. `FLOAT`, or `unknown type 99`. */
export function typeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `unknown type ${type}`;
}

/** What a tag the readers use may hold. */
export interface TagRule {
  /** Allowed field types. */
  types: readonly number[];
  /** Exact count, or "any" (checked later against the page layout when it matters). */
  count: 1 | "any";
}

// TIFF 6.0 section 2: "readers should accept BYTE, SHORT, or LONG values for any
// unsigned integer field"; BigTIFF adds LONG8 (and IFD8 for offsets).
const UINT = [FieldType.BYTE, FieldType.SHORT, FieldType.LONG] as const;
const UINT_BIG = [...UINT, FieldType.LONG8] as const;
const OFFSETS_BIG = [...UINT_BIG, FieldType.IFD8] as const;
export const TEXT = [FieldType.ASCII, FieldType.BYTE, FieldType.UNDEFINED] as const;

/** The rules of the tags the readers use, for classic TIFF or BigTIFF. */
export function rulesFor(bigTiff: boolean): Map<number, TagRule> {
  const uint = bigTiff ? UINT_BIG : UINT;
  const offsets = bigTiff ? OFFSETS_BIG : UINT;
  const one = (types: readonly number[]): TagRule => ({ types, count: 1 });
  const many = (types: readonly number[]): TagRule => ({ types, count: "any" });
  return new Map<number, TagRule>([
    [Tag.NewSubfileType, one(uint)],
    [Tag.ImageWidth, one(uint)],
    [Tag.ImageLength, one(uint)],
    [Tag.BitsPerSample, many(uint)],
    [Tag.Compression, one(uint)],
    [Tag.Photometric, one(uint)],
    [Tag.FillOrder, one(uint)],
    [Tag.ImageDescription, many(TEXT)],
    [Tag.StripOffsets, many(offsets)],
    [Tag.SamplesPerPixel, one(uint)],
    [Tag.RowsPerStrip, one(uint)],
    [Tag.StripByteCounts, many(uint)],
    [Tag.XResolution, one([FieldType.RATIONAL])],
    [Tag.YResolution, one([FieldType.RATIONAL])],
    [Tag.PlanarConfiguration, one(uint)],
    [Tag.ResolutionUnit, one(uint)],
    [Tag.Predictor, one(uint)],
    [Tag.TileWidth, one(uint)],
    [Tag.TileLength, one(uint)],
    [Tag.TileOffsets, many(offsets)],
    [Tag.TileByteCounts, many(uint)],
    [Tag.SampleFormat, many(uint)],
  ]);
}

const TAG_NAMES = new Map<number, string>(Object.entries(Tag).map(([name, tag]) => [tag, name]));

/** Name of a tag for messages, e.g. `StripOffsets`, or `#50838` for others. */
export function tagName(tag: number): string {
  return TAG_NAMES.get(tag) ?? `#${tag}`;
}

/** Name and number of a tag for messages, e.g. `StripOffsets (273)`. */
export function tagLabel(tag: number): string {
  const name = TAG_NAMES.get(tag);
  return name ? `${name} (${tag})` : `#${tag}`;
}
