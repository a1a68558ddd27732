/**
 * TIFF LZW decoding (TIFF 6.0 section 13), bounded by the size the strip or
 * tile must decode to: the output is allocated once at that size and decoding
 * stops when it is full, so no input can make it loop or grow without bound.
 *
 * Codes are read most significant bit first, 9 bits wide after a Clear code
 * (256), widening to 10, 11 and 12 bits one code early, as TIFF writers do
 * (when the next free table entry reaches 511, 1023, 2047). Code 257 ends the
 * data. A code may refer to a table entry that exists or to the entry being
 * built by this very code (the KwKwK case); anything else is corrupt data and
 * an error. Old-style (pre-TIFF 6, LSB-first) LZW, which libtiff detects by a
 * leading 0x00 0x01, is refused.
 */

const CLEAR = 256;
const EOI = 257;
const FIRST_FREE = 258;
const TABLE_SIZE = 4096;

/**
 * Decode TIFF LZW data into exactly `size` bytes.
 * @param input - The compressed strip or tile.
 * @param size - How many bytes it must decode to (rows x bytes per row).
 * @param min - The fewest bytes acceptable when the data end early; decoding
 *   to fewer is an error. @default size
 * @returns A new array of `size` bytes (bytes past what was decoded are 0).
 * @throws Error saying what is corrupt (a code beyond the table, data that end
 *   before `min` bytes, old-style LZW).
 */
export function decodeLzw(input: Uint8Array, size: number, min = size): Uint8Array {
  if (input.length >= 2 && input[0] === 0 && (input[1] & 1) === 1) {
    throw new Error("old-style (pre-TIFF 6.0) LZW data are not supported");
  }
  const out = new Uint8Array(size);
  const prefix = new Uint16Array(TABLE_SIZE);
  const suffix = new Uint8Array(TABLE_SIZE);
  const first = new Uint8Array(TABLE_SIZE);
  const length = new Uint16Array(TABLE_SIZE);
  for (let c = 0; c < 256; c++) {
    suffix[c] = c;
    first[c] = c;
    length[c] = 1;
  }
  const totalBits = input.length * 8;
  let bitPos = 0;
  let width = 9;
  let next = FIRST_FREE;
  let prev = -1;
  let pos = 0;
  let ended = false;
  while (pos < size) {
    if (bitPos + width > totalBits) break; // input exhausted without an end code
    // Read `width` bits MSB-first (at most 12 bits: they span at most 3 bytes).
    const byte = bitPos >>> 3;
    const window =
      (input[byte] << 16) |
      ((byte + 1 < input.length ? input[byte + 1] : 0) << 8) |
      (byte + 2 < input.length ? input[byte + 2] : 0);
    const code = (window >>> (24 - (bitPos & 7) - width)) & ((1 << width) - 1);
    bitPos += width;
    if (code === CLEAR) {
      width = 9;
      next = FIRST_FREE;
      prev = -1;
      continue;
    }
    if (code === EOI) {
      ended = true;
      break;
    }
    let entry: number;
    if (prev < 0) {
      if (code > 255) {
        throw new Error(
          `corrupt LZW data: code ${code} at bit ${bitPos - width} follows a Clear code, expected a literal byte (0-255)`,
        );
      }
      entry = code;
    } else if (code < next) {
      entry = code;
      if (next < TABLE_SIZE) {
        prefix[next] = prev;
        suffix[next] = first[code];
        first[next] = first[prev];
        length[next] = length[prev] + 1;
        next++;
      }
    } else if (code === next && next < TABLE_SIZE) {
      // KwKwK: the new entry is the previous string plus its own first byte.
      prefix[next] = prev;
      suffix[next] = first[prev];
      first[next] = first[prev];
      length[next] = length[prev] + 1;
      entry = next;
      next++;
    } else {
      throw new Error(
        `corrupt LZW data: code ${code} at bit ${bitPos - width} refers to a table entry not yet defined (next free entry ${next})`,
      );
    }
    // Write the string of `entry` backwards from its last byte; clip at `size`.
    const len = length[entry];
    let c = entry;
    for (let k = len - 1; k >= 0; k--) {
      if (pos + k < size) out[pos + k] = suffix[c];
      c = prefix[c];
    }
    pos += len;
    prev = entry;
    if (next >= (1 << width) - 1 && width < 12) width++;
  }
  if (pos < min) {
    throw new Error(
      `corrupt LZW data: decoded ${pos} bytes, expected ${min}${ended ? " (end code came early)" : " (data end without an end code)"}`,
    );
  }
  return out;
}
