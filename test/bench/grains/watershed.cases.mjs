// Cases of the grains benchmark, part "watershed": the marker pipeline of issue 14 on the NMC
// phase (85) of taufactor's cathode (../shared/data/nmc-cathode-taufactor/electrode.tiff,
// 256^3): the relief is the negated Euclidean distance map -D of the phase (float32), the
// markers the 6-connected components (scipy's default, 1007 regions) of its h-minima (h = 2).
// Relief, markers and mask are made once (untimed, cached as raw files in the temp folder)
// and handed to the references in test/bench/grains/watershed.py: scikit-image's
// morphology.h_minima and segmentation.watershed, and vigra's watershedsNew (no mask there,
// so the no-mask case compares with it). Without the volume the part has no cases.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readTiff, sharedDataPath } from "../../../kernel-lib/dist/io/index.js";
import {
  connectedComponents,
  distanceTransform,
  hMinima,
  watershed,
} from "../../../kernel-lib/dist/morphology/index.js";

const NMC = 85;
const H = 2;
const SHAPE = [256, 256, 256];
const tiff = sharedDataPath("nmc-cathode-taufactor/electrode.tiff");
const dir = path.join(os.tmpdir(), "tomolab-bench-grains");
const files = {
  relief: path.join(dir, "watershed-nmc-relief.f32"),
  markers: path.join(dir, `watershed-nmc-h${H}-markers.i32`),
  mask: path.join(dir, "watershed-nmc-mask.u8"),
};

const view = (buf, Type) =>
  new Type(buf.buffer, buf.byteOffset, buf.byteLength / Type.BYTES_PER_ELEMENT);
const vol = (data) => ({ data, shape: SHAPE, spacing: [1, 1, 1] });

/** Relief -D, markers and mask of the NMC phase, from the cache when newer than the volume. */
async function nmcRelief() {
  const fresh = Object.values(files).every(
    (f) => existsSync(f) && statSync(f).mtimeMs > statSync(tiff).mtimeMs,
  );
  if (fresh) {
    return {
      relief: vol(view(readFileSync(files.relief), Float32Array)),
      markers: vol(view(readFileSync(files.markers), Int32Array)),
      mask: vol(new Uint8Array(readFileSync(files.mask))),
    };
  }
  const v = await readTiff(tiff);
  if (v.shape.join() !== SHAPE.join())
    throw new Error(
      `watershed: expected a ${SHAPE.join("x")} volume, received ${v.shape.join("x")}`,
    );
  const mask = vol(Uint8Array.from(v.data, (x) => (x === NMC ? 1 : 0)));
  const dist = await distanceTransform(mask);
  const relief = vol(dist.data.map((d) => -d));
  const seeds = await connectedComponents(hMinima(relief, H), { connectivity: 6 });
  console.warn(`watershed: ${seeds.count} markers in the NMC phase (cached in ${dir})`);
  mkdirSync(dir, { recursive: true });
  const bytes = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(files.relief, bytes(relief.data));
  writeFileSync(files.markers, bytes(seeds.labels.data));
  writeFileSync(files.mask, mask.data);
  return { relief, markers: seeds.labels, mask };
}

const ref = (tool, ...extra) => [
  "watershed",
  "--tool",
  tool,
  "--relief",
  files.relief,
  "--markers",
  files.markers,
  "--shape",
  SHAPE.join(","),
  ...extra,
];

export const cases = [];
if (tiff === undefined) {
  if (!process.argv.includes("--child"))
    console.log(
      'grains: part "watershed" skipped (../shared/data/nmc-cathode-taufactor/electrode.tiff is absent)',
    );
} else {
  const what = "-D of the NMC phase (256^3), 1007 markers, 6 neighbours";
  cases.push(
    {
      case: `watershed: h-minima (h = ${H}, 26 neighbours) of -D of the NMC phase (256^3) vs skimage`,
      setup: nmcRelief,
      run: (s) => hMinima(s.relief, H),
      reference: ref("skimage-hminima", "--h", String(H)),
    },
    {
      case: `watershed: ${what}, in the phase, skimage ties (heap) vs skimage`,
      setup: nmcRelief,
      run: (s) => watershed(s.relief, s.markers, { mask: s.mask }),
      reference: ref("skimage-watershed", "--mask", files.mask),
    },
    {
      case: `watershed: ${what}, in the phase, raster ties (bucket queue) vs skimage`,
      setup: nmcRelief,
      run: (s) => watershed(s.relief, s.markers, { mask: s.mask, ties: "raster" }),
      reference: ref("skimage-watershed", "--mask", files.mask),
    },
    {
      case: `watershed: ${what}, whole volume, raster ties (bucket queue) vs vigra`,
      setup: nmcRelief,
      run: (s) => watershed(s.relief, s.markers, { ties: "raster" }),
      reference: ref("vigra-watershed"),
    },
  );
}
