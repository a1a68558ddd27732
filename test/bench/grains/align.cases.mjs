// Part "align" of the grains benchmark (test/bench/grains.bench.mjs): stack alignment,
// translation mode against the previous slice, on a 100-slice 512 x 512 uint8 stack made
// from taufactor's NMC cathode (../shared/data/nmc-cathode-taufactor/electrode.tiff): its
// 256^3 phase image as grey levels, enlarged 2x trilinearly (slices 0-49.5, 0.5 apart, so
// the sampling stays isotropic) and each slice moved by a
// sub-pixel random walk (step sd 1.5 px per axis, seed fixed) with mild noise. tomolab's
// alignStack vs pyStackReg's StackReg(TRANSLATION).register_transform_stack(reference=
// "previous"), both estimating and resampling; each side's largest shift error against the
// known walk is printed (tomolab's on stderr, pyStackReg's in its reference name).
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readTiff, sharedDataPath } from "../../../kernel-lib/dist/io/index.js";
import { alignStack } from "../../../kernel-lib/dist/segmentation/index.js";
import { createRng } from "../../../kernel-lib/dist/stats/random.js";

const NZ = 100;
const N = 512;
const GREY = { 0: 60, 85: 150, 170: 215 };

/** The stack and its known shifts (slice z's content moved by shifts[z] = [dy, dx]). */
async function makeStack(file) {
  const v = await readTiff(file);
  const [, sy, sx] = v.shape;
  const rng = createRng(2026);
  const shifts = [];
  let dy = 0;
  let dx = 0;
  const data = new Uint8Array(NZ * N * N);
  for (let z = 0; z < NZ; z++) {
    if (z > 0) {
      dy += 1.5 * rng.normal();
      dx += 1.5 * rng.normal();
    }
    shifts.push([dy, dx]);
    const z0 = Math.floor(z / 2);
    const fz = z / 2 - z0;
    const grey = (y, x) => {
      const yy = Math.min(sy - 1, Math.max(0, y));
      const xx = Math.min(sx - 1, Math.max(0, x));
      const a = GREY[v.data[(z0 * sy + yy) * sx + xx]] ?? 0;
      return fz === 0 ? a : (1 - fz) * a + fz * (GREY[v.data[((z0 + 1) * sy + yy) * sx + xx]] ?? 0);
    };
    for (let y = 0; y < N; y++)
      for (let x = 0; x < N; x++) {
        // slice(y, x) = enlarged(y - dy, x - dx); enlarged(p) = source(p / 2 - 1/4) bilinearly.
        const py = (y - dy) / 2 - 0.25;
        const px = (x - dx) / 2 - 0.25;
        const y0 = Math.floor(py);
        const x0 = Math.floor(px);
        const fy = py - y0;
        const fx = px - x0;
        const g =
          (1 - fy) * ((1 - fx) * grey(y0, x0) + fx * grey(y0, x0 + 1)) +
          fy * ((1 - fx) * grey(y0 + 1, x0) + fx * grey(y0 + 1, x0 + 1));
        const u = Math.round(g + 6 * rng.normal());
        data[z * N * N + y * N + x] = u < 0 ? 0 : u > 255 ? 255 : u;
      }
  }
  return { stack: { data, shape: [NZ, N, N], spacing: [1, 1, 1] }, shifts };
}

const file = sharedDataPath("nmc-cathode-taufactor/electrode.tiff");
export const cases = [];
if (file === undefined) {
  if (!process.argv.includes("--child"))
    console.warn("grains: part \"align\" skipped (../shared/data/nmc-cathode-taufactor/electrode.tiff is absent)");
} else {
  const dir = path.join(os.tmpdir(), "tomolab-bench-grains");
  const dataFile = path.join(dir, "align.u8");
  const shiftsFile = path.join(dir, "align-shifts.json");
  let reported = false;
  cases.push({
    case: `align ${NZ}x${N}x${N} translation, previous`,
    // Made in the tomolab child, which runs before the reference in every round; the
    // stack is written there for align.py.
    setup: async () => {
      const made = await makeStack(file);
      mkdirSync(dir, { recursive: true });
      writeFileSync(dataFile, made.stack.data);
      writeFileSync(shiftsFile, JSON.stringify(made.shifts));
      return made;
    },
    run: async ({ stack, shifts }) => {
      const r = await alignStack(stack, { mode: "translation", reference: "previous" });
      if (!reported) {
        reported = true;
        const err = Math.max(
          ...r.transforms.map((t, z) => Math.max(Math.abs(t.dy - shifts[z][0]), Math.abs(t.dx - shifts[z][1]))),
        );
        console.error(`grains/align: tomolab largest shift error ${err.toFixed(3)} px`);
      }
    },
    reference: ["align", "--data", dataFile, "--shape", `${NZ},${N},${N}`, "--shifts", shiftsFile],
  });
}
