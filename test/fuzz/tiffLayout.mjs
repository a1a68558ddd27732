// A map of a (valid, seed) TIFF file for the fuzz suite, written independently
// of kernel-lib's reader: which bytes are the header, each IFD's entry count,
// entries, out-of-line values and next-IFD link, and which are pixel data
// (strips/tiles). The TIFF judge uses it to tell a mutation of pixel data from
// a mutation of a field, and the targeted mutations use it to hit fields.

const TYPE_SIZE = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};

/** Region kinds: header, first-ifd, ifd-count, entry, value, ifd-next, pixels. */
export function tiffLayout(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = bytes[0] === 0x49;
  const big = view.getUint16(2, le) === 43;
  const u = (p, size) =>
    size === 1
      ? view.getUint8(p)
      : size === 2
        ? view.getUint16(p, le)
        : size === 4
          ? view.getUint32(p, le)
          : Number(view.getBigUint64(p, le));
  const regions = [];
  const add = (start, end, kind, extra = {}) => regions.push({ start, end, kind, ...extra });
  add(0, 4, "header");
  const firstAt = big ? 8 : 4;
  add(firstAt, firstAt + (big ? 8 : 4), "first-ifd");
  if (big) add(4, 8, "header");
  const ifds = [];
  let offset = u(firstAt, big ? 8 : 4);
  while (offset !== 0 && ifds.length < 10000) {
    const countSize = big ? 8 : 2;
    const entrySize = big ? 20 : 12;
    const n = u(offset, countSize);
    add(offset, offset + countSize, "ifd-count", { ifd: ifds.length });
    const entries = [];
    for (let i = 0; i < n; i++) {
      const pos = offset + countSize + i * entrySize;
      const tag = u(pos, 2);
      const type = u(pos + 2, 2);
      const count = u(pos + 4, big ? 8 : 4);
      const size = (TYPE_SIZE[type] ?? 1) * count;
      const valuePos = pos + (big ? 12 : 8);
      const inline = size <= (big ? 8 : 4);
      const at = inline ? valuePos : u(valuePos, big ? 8 : 4);
      add(pos, pos + entrySize, "entry", { ifd: ifds.length, tag });
      if (!inline) add(at, at + size, "value", { ifd: ifds.length, tag });
      entries.push({ pos, tag, type, count, valuePos, inline, at, size });
    }
    const nextPos = offset + countSize + n * entrySize;
    add(nextPos, nextPos + (big ? 8 : 4), "ifd-next", { ifd: ifds.length });
    ifds.push({ offset, entries, nextPos });
    offset = u(nextPos, big ? 8 : 4);
  }
  // Pixel data: strips or tiles of each IFD.
  const values = (e) => {
    const size = TYPE_SIZE[e.type];
    return Array.from({ length: e.count }, (_, k) => u(e.at + k * size, size));
  };
  ifds.forEach((ifd, index) => {
    const get = (tag) => ifd.entries.find((e) => e.tag === tag);
    const offsets = get(324) ?? get(273);
    const counts = get(325) ?? get(279);
    const compression = get(259) ? values(get(259))[0] : 1;
    const bits = get(258) ? values(get(258))[0] : 1;
    if (!offsets || !counts) return;
    const o = values(offsets);
    const c = values(counts);
    o.forEach((start, k) =>
      add(start, start + c[k], "pixels", { ifd: index, compressed: compression !== 1, bits }),
    );
    // ImageJ's single-IFD stacks: the other planes follow page 0's data.
    const desc = get(270);
    if (index === 0 && layout1(ifds) && desc && compression === 1) {
      const text = new TextDecoder("latin1").decode(bytes.subarray(desc.at, desc.at + desc.size));
      const images = /^ImageJ=[^]*?\bimages=(\d+)/.exec(text);
      const plane = c.reduce((n, x) => n + x, 0);
      if (images)
        add(o[0], o[0] + Number(images[1]) * plane, "pixels", { ifd: 0, compressed: false, bits });
    }
  });
  return { le, big, ifds, regions, size: bytes.length };
}

const layout1 = (ifds) => ifds.length === 1;

/** The regions a byte range overlaps (none for bytes no structure uses). */
export function regionsAt(layout, start, end) {
  return layout.regions.filter((r) => r.start < end && start < r.end);
}

/**
 * One targeted mutation of an IFD field of a seed TIFF: an entry's tag, type,
 * count or value (inline, or an element of an out-of-line array), an IFD's
 * entry count, a next-IFD link, or the first-IFD offset.
 */
export function mutateTiffField(bytes, layout, r) {
  const out = Uint8Array.from(bytes);
  const view = new DataView(out.buffer);
  const { le, big } = layout;
  const put = (p, size, v) => {
    if (size === 2) view.setUint16(p, v & 0xffff, le);
    else if (size === 4) view.setUint32(p, v >>> 0, le);
    else view.setBigUint64(p, BigInt(Math.max(0, Math.floor(v))), le);
  };
  const n = bytes.length;
  const ifd = r.pick(layout.ifds);
  const description = layout.ifds[0].entries.find((e) => e.tag === 270);
  if (description && r.next() < 0.15) {
    // An ImageJ description field set to a hostile value, written in place (same length, NUL padded).
    const old = new TextDecoder("latin1").decode(
      bytes.subarray(description.at, description.at + description.size),
    );
    const keys = [...old.matchAll(/^(\w+)=/gm)].map((m) => m[1]);
    if (old.startsWith("ImageJ=") && keys.length) {
      const key = r.pick(keys);
      const value = r.pick([
        "0",
        "-1",
        "1",
        "2",
        "3",
        "6",
        "10",
        "1e9",
        "99999999999",
        "x",
        "",
        "NaN",
        "1.5",
        "-0.25",
      ]);
      let text = old.replace(new RegExp(`^${key}=.*$`, "m"), `${key}=${value}`);
      text = text.slice(0, description.size - 1).padEnd(description.size, "\0");
      out.set(new TextEncoder().encode(text).subarray(0, description.size), description.at);
      return {
        bytes: out,
        what: `ImageJ description ${key}=${value}`,
        touched: [[description.at, description.at + description.size]],
        lengthChanged: false,
        field: true,
      };
    }
  }
  const offsetValues = [0, 1, 4, 8, n - 1, n, n + 1, r.int(n), 0x7fffffff, 0xffffffff];
  const choice = r.pick([
    "tag",
    "type",
    "type",
    "count",
    "count",
    "value",
    "value",
    "value",
    "ifd-count",
    "ifd-next",
    "first-ifd",
  ]);
  const touch = (p, size, what) => ({
    bytes: out,
    what,
    touched: [[p, p + size]],
    lengthChanged: false,
    field: true,
  });
  if (choice === "ifd-count") {
    const size = big ? 8 : 2;
    const cur = ifd.entries.length;
    const v = r.pick([0, 1, cur - 1, cur + 1, 0xffff]);
    put(ifd.offset, size, v);
    return touch(ifd.offset, size, `IFD at ${ifd.offset}: entry count ${cur} -> ${v}`);
  }
  if (choice === "ifd-next" || choice === "first-ifd") {
    const pos = choice === "first-ifd" ? (big ? 8 : 4) : ifd.nextPos;
    const size = big ? 8 : 4;
    const others = layout.ifds.map((d) => d.offset);
    const v = r.pick([0, r.pick(others), r.pick(others) + 2, ...offsetValues]);
    put(pos, size, v);
    return touch(pos, size, `${choice} at ${pos} -> ${v}`);
  }
  const e = r.pick(ifd.entries);
  const where = `IFD at ${ifd.offset} tag ${e.tag}`;
  if (choice === "tag") {
    const v = r.pick([
      254, 256, 257, 258, 259, 262, 270, 273, 277, 278, 279, 282, 284, 317, 322, 324, 339, 50838,
      65000,
    ]);
    put(e.pos, 2, v);
    return touch(e.pos, 2, `${where}: tag -> ${v}`);
  }
  if (choice === "type") {
    const v = r.pick([0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 13, 16, 17, 18, 99]);
    put(e.pos + 2, 2, v);
    return touch(e.pos + 2, 2, `${where}: type ${e.type} -> ${v}`);
  }
  if (choice === "count") {
    const size = big ? 8 : 4;
    const v = r.pick([0, 1, 2, e.count - 1, e.count + 1, e.count * 2, 0x38000001, 0xffffffff]);
    put(e.pos + 4, size, v);
    return touch(e.pos + 4, size, `${where}: count ${e.count} -> ${v}`);
  }
  // A value: the inline value, or one element of the out-of-line array, or the array's offset.
  const elem = TYPE_SIZE[e.type] ?? 1;
  const elemSize = e.type === 5 ? 4 : Math.min(elem, 8);
  if (!e.inline && r.next() < 0.3) {
    const size = big ? 8 : 4;
    const v = r.pick(offsetValues);
    put(e.valuePos, size, v);
    return touch(e.valuePos, size, `${where}: value offset ${e.at} -> ${v}`);
  }
  const count = e.type === 5 ? e.count * 2 : e.count;
  const k = r.int(Math.max(1, count));
  const p = e.at + k * elemSize;
  if (p + elemSize > n) return touch(e.valuePos, 1, `${where}: no value bytes`);
  const v =
    elemSize === 1
      ? r.pick([0, 1, 0xff, 0x7f])
      : r.pick([
          0,
          1,
          2,
          3,
          7,
          8,
          16,
          32,
          0xffff,
          0x7fffffff,
          0xffffffff,
          n - 1,
          n,
          r.int(n),
          r.int(70000),
        ]);
  if (elemSize === 1) view.setUint8(p, v & 0xff);
  else put(p, elemSize === 8 ? 8 : elemSize, v);
  return touch(p, elemSize, `${where}: value[${k}] -> ${v}`);
}
