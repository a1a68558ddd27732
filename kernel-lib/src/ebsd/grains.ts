/**
 * Grain reconstruction from EBSD orientations: neighbouring points of one phase join when
 * their misorientation is below a threshold (the rule of MTEX's calcGrains and of orix/
 * kikuchipy's neighbour-misorientation segmentation), by union-find over neighbour pairs.
 */
import type { EbsdMap, EbsdPhase } from "../io/ebsdTypes.js";
import type { EbsdStack } from "../io/ebsdStack.js";
import { checkNumber, checkOptions, checkPositiveInt, checkString, describeValue, expectedError } from "../util/checks.js";
import type { Volume } from "../volume/types.js";
import { eulerInto } from "./quaternion.js";
import { crystalSymmetry, maxCosHalf, type CrystalSymmetry } from "./symmetry.js";
import { forEachPair, grainMeans, mergeSmall, type Field } from "./grainsMerge.js";

/** Options of {@link grainsFromOrientations}. */
export interface GrainsFromOrientationsOptions {
  /** Neighbours join below this misorientation angle, degrees. @default 5 */
  threshold?: number;
  /**
   * Grains with fewer points are merged into their largest neighbouring grain of the same
   * phase (largest by point count at the time of merging, smallest grains first), or dropped
   * (label 0) when they have none. @default 1 (no merging)
   */
  minSize?: number;
  /**
   * Points whose confidence channel is below this are not seeds (see the result notes).
   * No confidence filter when omitted.
   */
  minConfidence?: number;
  /**
   * The quality channel compared with `minConfidence`, where higher is better:
   * "CI" for `.ang` (confidence index), "BC" for `.ctf` (band contrast) by default.
   * (For `.ctf` MAD, lower is better: use `maxMad`.)
   */
  confidence?: string;
  /** `.ctf` (or any map with a "MAD" channel): points with MAD above this are not seeds. */
  maxMad?: number;
  /** Neighbourhood: 4 or 8 for a map, 6, 18 or 26 for a stack. @default 4 (map), 6 (stack) */
  connectivity?: number;
}

/** Result of {@link grainsFromOrientations}. */
export interface OrientationGrains {
  /** Grain id per point, 1..count in raster order of each grain's first point; 0 = unassigned. */
  labels: Volume<Int32Array>;
  count: number;
  /** Per grain (index 0 unused): phase id, number of points, mean orientation [w, x, y, z] (4 per grain). */
  phase: Int32Array;
  size: Int32Array;
  orientation: Float64Array;
  /** Points that were seeds (indexed and above the confidence limits). */
  seeds: number;
  /** Points without an orientation (not indexed), left 0. */
  notIndexed: number;
  /** Non-seed points with an orientation given to a neighbouring grain. */
  filled: number;
  /** Grains below minSize merged into a neighbour, and those dropped (no neighbour of their phase). */
  merged: number;
  dropped: number;
}

/**
 * Segments grains in an EBSD map ({@link readAng}, {@link readCtf}) or serial-section stack
 * ({@link readEbsdStack}) from the orientations.
 *
 * 1. Seeds: indexed points (phase > 0 with finite Euler angles; in a one-phase `.ang`, where
 *    OIM writes phase 0, every point with finite angles is that phase) whose confidence is at
 *    least `minConfidence` (and MAD at most `maxMad`, when given).
 * 2. Two neighbouring seeds of the same phase are joined when their misorientation (the
 *    disorientation under the phase's Laue class, see {@link misorientationAngle}) is below
 *    `threshold`; grains are the connected components (union-find), so the result does not
 *    depend on the visiting order. A slow gradient below the threshold per step joins.
 * 3. Non-seed points that have an orientation (low confidence) are filled from their seeds'
 *    side in rounds (all points next to a grain at once per round, reading the previous
 *    round's labels): each takes the neighbouring grain of its phase whose neighbouring point
 *    is closest to it in misorientation (ties: the smaller grain id), with no threshold.
 *    Points with no orientation (not indexed) and points never reached stay 0.
 * 4. Grains smaller than `minSize` are merged (see the option), then ids are renumbered in
 *    raster order. Mean orientations are quaternion means after moving each point to the
 *    symmetric equivalent closest to the grain's first point, then to the first mean.
 * Deterministic. Spacing of the labels: the stack's, or [step x, step y, step x] in nm for a map.
 */
export function grainsFromOrientations(
  source: EbsdMap | EbsdStack,
  options: GrainsFromOrientationsOptions = {},
): OrientationGrains {
  const opts = checkOptions(options, "options",
    ["threshold", "minSize", "minConfidence", "confidence", "maxMad", "connectivity"]);
  const f = toField(source, opts);
  const threshold = checkNumber(opts.threshold ?? 5, "threshold", { min: 0, max: 180, minOpen: true });
  const minSize = checkPositiveInt(opts.minSize ?? 1, "minSize");
  const cosT = Math.cos((threshold * Math.PI) / 360);
  const { nz, ny, nx, phase } = f;
  const n = nz * ny * nx;
  const q = new Float32Array(4 * n);
  const seed = new Uint8Array(n);
  let notIndexed = 0, seeds = 0;
  for (let i = 0; i < n; i++) {
    if (phase[i] === 0) { notIndexed++; continue; }
    eulerInto(f.phi1[i], f.Phi[i], f.phi2[i], q, 4 * i);
    let ok = true;
    if (f.conf && !(f.conf[i] >= f.minConf)) ok = false;
    if (f.mad && !(f.mad[i] <= f.maxMad)) ok = false;
    if (ok) { seed[i] = 1; seeds++; }
  }
  const offs = offsets(f.connectivity);
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number) => {
    while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; }
    return i;
  };
  const cosBetween = (i: number, j: number, ops: Float64Array) => {
    const a = 4 * i, b = 4 * j;
    const aw = q[a], ax = q[a + 1], ay = q[a + 2], az = q[a + 3];
    const bw = q[b], bx = q[b + 1], by = q[b + 2], bz = q[b + 3];
    return maxCosHalf(ops,
      aw * bw + ax * bx + ay * by + az * bz,
      -aw * bx + ax * bw - ay * bz + az * by,
      -aw * by + ax * bz + ay * bw - az * bx,
      -aw * bz - ax * by + ay * bx + az * bw);
  };
  forEachPair(nz, ny, nx, offs, (i, j) => {
    if (!seed[i] || !seed[j] || phase[i] !== phase[j]) return;
    if (cosBetween(i, j, f.sym.get(phase[i])!.ops) <= cosT) return;
    const ri = find(i), rj = find(j);
    if (ri !== rj) { if (ri < rj) parent[rj] = ri; else parent[ri] = rj; }
  });
  const labels = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!seed[i]) continue;
    const r = find(i);
    labels[i] = r === i ? ++count : labels[r];
  }
  const filled = fill(f, offs, labels, seed, cosBetween);
  const { merged, dropped } = mergeSmall(f, offs, labels, count, minSize);
  const means = grainMeans(f, labels, q);
  return {
    labels: { data: labels, shape: [nz, ny, nx], spacing: [...f.spacing] },
    ...means, seeds, notIndexed, filled, merged, dropped,
  };
}

/** Fills non-seed oriented points in rounds; returns how many were filled. */
function fill(
  f: Field, offs: number[][], labels: Int32Array, seed: Uint8Array,
  cosBetween: (i: number, j: number, ops: Float64Array) => number,
): number {
  const { nz, ny, nx, phase } = f;
  const n = nz * ny * nx, plane = ny * nx;
  const all = offs.flatMap((o) => [o, [-o[0], -o[1], -o[2]]]);
  const queued = new Uint8Array(n);
  let frontier: number[] = [];
  const visitNeighbours = (i: number, fn: (j: number) => void) => {
    const z = Math.floor(i / plane), y = Math.floor((i % plane) / nx), x = i % nx;
    for (const [dz, dy, dx] of all) {
      const zz = z + dz, yy = y + dy, xx = x + dx;
      if (zz < 0 || zz >= nz || yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
      fn((zz * ny + yy) * nx + xx);
    }
  };
  const candidate = (j: number) => {
    if (labels[j] === 0 && !seed[j] && phase[j] !== 0 && !queued[j]) { queued[j] = 1; frontier.push(j); }
  };
  for (let i = 0; i < n; i++) if (labels[i] !== 0) visitNeighbours(i, candidate);
  let filled = 0;
  while (frontier.length > 0) {
    frontier.sort((a, b) => a - b);
    const got = new Int32Array(frontier.length);
    frontier.forEach((i, k) => {
      let best = -1, bestLabel = 0;
      const ops = f.sym.get(phase[i])!.ops;
      visitNeighbours(i, (j) => {
        const l = labels[j];
        if (l === 0 || phase[j] !== phase[i]) return;
        const c = cosBetween(i, j, ops);
        if (c > best || (c === best && l < bestLabel)) { best = c; bestLabel = l; }
      });
      got[k] = bestLabel;
    });
    const done = frontier;
    frontier = [];
    done.forEach((i, k) => { labels[i] = got[k]; if (got[k] !== 0) filled++; });
    for (const i of done) if (labels[i] !== 0) visitNeighbours(i, candidate);
  }
  return filled;
}

/** Forward half-neighbourhood offsets [dz, dy, dx] of a connectivity. */
function offsets(connectivity: number): number[][] {
  const is2d = connectivity === 4 || connectivity === 8;
  const r2 = connectivity === 4 || connectivity === 6 ? 1 : connectivity === 8 || connectivity === 18 ? 2 : 3;
  const out: number[][] = [];
  for (let dz = 0; dz <= (is2d ? 0 : 1); dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const forward = dz > 0 || (dz === 0 && (dy > 0 || (dy === 0 && dx > 0)));
        if (forward && dz * dz + dy * dy + dx * dx <= r2) out.push([dz, dy, dx]);
      }
  return out;
}

type Opts = GrainsFromOrientationsOptions;

/** The input as flat arrays, phases resolved to symmetries, confidence limits checked. */
function toField(source: EbsdMap | EbsdStack, opts: Opts): Field {
  const s = source as Partial<EbsdMap & EbsdStack> | null;
  let nz: number, ny: number, nx: number, spacing: [number, number, number];
  let phi1: Float32Array, Phi: Float32Array, phi2: Float32Array, raw: Int32Array;
  let quality: Record<string, Float32Array>, phases: EbsdPhase[], format: "ang" | "ctf";
  let is2d: boolean;
  if (s && typeof s === "object" && typeof s.rows === "number" && s.phi1 instanceof Float32Array) {
    const m = source as EbsdMap;
    [nz, ny, nx] = [1, m.rows, m.cols];
    spacing = [m.step.x * 1000, m.step.y * 1000, m.step.x * 1000];
    ({ phi1, Phi, phi2 } = m);
    raw = m.phase; quality = m.quality; phases = m.phases; format = m.format; is2d = true;
  } else if (s && typeof s === "object" && Array.isArray(s.sections) && s.sections.length > 0 && s.phi1 && "data" in s.phi1) {
    const st = source as EbsdStack;
    [nz, ny, nx] = st.phi1.shape;
    spacing = [...st.phi1.spacing];
    phi1 = st.phi1.data; Phi = st.Phi.data; phi2 = st.phi2.data; raw = st.phase.data;
    quality = Object.fromEntries(Object.entries(st.quality).map(([k, v]) => [k, v.data]));
    phases = st.sections[0].phases; format = st.sections[0].format; is2d = false;
  } else {
    throw expectedError("source", "an EBSD map (readAng/readCtf) or stack (readEbsdStack)", source, TypeError);
  }
  const n = nz * ny * nx;
  for (const [a, name] of [[phi1, "phi1"], [Phi, "Phi"], [phi2, "phi2"], [raw, "phase"]] as const)
    if (a.length !== n) throw new RangeError(`source.${name} has ${a.length} points, expected ${n} (${nz} x ${ny} x ${nx})`);
  const connectivity = opts.connectivity ?? (is2d ? 4 : 6);
  const allowed = is2d ? [4, 8] : [6, 18, 26];
  if (!allowed.includes(connectivity))
    throw expectedError("connectivity", `${allowed.join(" or ")} for ${is2d ? "a map" : "a stack"}`, opts.connectivity);
  const sym = new Map<number, CrystalSymmetry>();
  const single = format === "ang" && phases.length === 1 ? phases[0].id : 0;
  const phase = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = raw[i] === 0 ? single : raw[i];
    if (p === 0 || !(Number.isFinite(phi1[i]) && Number.isFinite(Phi[i]) && Number.isFinite(phi2[i]))) continue;
    phase[i] = p;
    if (!sym.has(p)) {
      const ph = phases.find((e) => e.id === p);
      if (!ph) throw new RangeError(`phase id ${p} at point ${i} is not in the phase table [${phases.map((e) => e.id).join(", ")}]`);
      sym.set(p, crystalSymmetry(ph));
    }
  }
  let conf: Float32Array | null = null, mad: Float32Array | null = null;
  const minConf = opts.minConfidence === undefined ? -Infinity : checkNumber(opts.minConfidence, "minConfidence");
  if (opts.minConfidence !== undefined) {
    const ch = checkString(opts.confidence ?? (format === "ang" ? "CI" : "BC"), "confidence", true);
    if (!(ch in quality))
      throw new RangeError(`confidence channel "${ch}" is not in the data; expected one of ${describeValue(Object.keys(quality))}`);
    conf = quality[ch];
  } else if (opts.confidence !== undefined) checkString(opts.confidence, "confidence", true);
  const maxMad = opts.maxMad === undefined ? Infinity : checkNumber(opts.maxMad, "maxMad", { min: 0 });
  if (opts.maxMad !== undefined) {
    if (!("MAD" in quality))
      throw new RangeError(`maxMad needs a "MAD" channel; the data has ${describeValue(Object.keys(quality))}`);
    mad = quality.MAD;
  }
  return { nz, ny, nx, spacing, phi1, Phi, phi2, phase, sym, conf, minConf, mad, maxMad, connectivity };
}
