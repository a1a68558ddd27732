// Benchmark: select a copula for 1000 pairs - maximum likelihood for every
// family and rotation, AIC ranking - against pyvinecopulib Bicop.from_data
// with the same family set (indep, clayton, gumbel, frank, joe, bb1, bb8),
// rotations chosen by the sign of Kendall's tau on both sides, one thread.
// Run: npm run bench -- copulas
// Also reports whether both sides select the same family (and rotation).
//
// `node test/bench/copulas.bench.mjs --selection-rate [--n 500] [--reps 5]`
// instead runs the AIC selection-rate study (how often the generating family
// is picked, all 10 families) and writes results/copulas-selection.json.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createCopula, fitCopulas } from "../../kernel-lib/dist/stats/index.js";
import { runBenchmark } from "./harness.mjs";

const PV_SET = ["indep", "clayton", "gumbel", "frank", "joe", "bb1", "bb8"];
const N = 1000;
const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.join(os.tmpdir(), "tomolab-bench-copulas");

// Generating models: three of Furat et al.'s Table 4 copulas and a one-parameter family.
const MODELS = [
  {
    key: "bb8-270",
    family: "bb8",
    params: [4.24, 0.6],
    rotation: 270,
    label: "BB8 270 (Table 4 d,s)",
  },
  {
    key: "bb1-180",
    family: "bb1",
    params: [0.36, 3.13],
    rotation: 180,
    label: "BB1 180 (Table 4 s,c)",
  },
  { key: "bb1-0", family: "bb1", params: [0.47, 1.47], rotation: 0, label: "BB1 0 (Table 4 s,e)" },
  { key: "gumbel-90", family: "gumbel", params: [1.8], rotation: 90, label: "Gumbel 90" },
];

function pairs(model) {
  return createCopula(model).sample(N, 20240601);
}

function dataFile(model) {
  return path.join(dataDir, `${model.key}.json`);
}

const argv = process.argv.slice(2);
const isChild = argv.includes("--child");

if (argv.includes("--selection-rate")) {
  await selectionRate();
  process.exit(0);
}

if (!isChild) {
  mkdirSync(dataDir, { recursive: true });
  for (const m of MODELS) {
    const { u1, u2 } = pairs(m);
    writeFileSync(dataFile(m), JSON.stringify({ u1: Array.from(u1), u2: Array.from(u2) }));
  }
}

const cases = [
  ...MODELS.map((m) => ({
    case: `${m.label}, n=${N}, 7 families, tau-sign rotations`,
    setup: () => pairs(m),
    run: ({ u1, u2 }) => fitCopulas(u1, u2, { families: PV_SET, rotations: "tauSign" }),
    reference: ["--data", dataFile(m)],
    model: m,
    options: { families: PV_SET, rotations: "tauSign" },
  })),
  {
    case: `${MODELS[0].label}, n=${N}, tomolab all 10 families x 4 rotations (reference: 7 families)`,
    setup: () => pairs(MODELS[0]),
    run: ({ u1, u2 }) => fitCopulas(u1, u2, { rotations: "all" }),
    reference: ["--data", dataFile(MODELS[0])],
    model: MODELS[0],
    options: { rotations: "all" },
  },
];

const result = await runBenchmark(import.meta.url, { name: "copulas", cases, runs: 3 });

if (result) {
  // Which copula does each side select? (tomolab's choice is recomputed here, untimed.)
  for (const row of result.rows) {
    const c = cases.find((x) => x.case === row.case);
    const { u1, u2 } = pairs(c.model);
    const best = fitCopulas(u1, u2, c.options).best;
    row.tomolab_selected = `${best.family} rot ${best.rotation} (${best.params.map((p) => p.toPrecision(4)).join(", ")})`;
    const m = /selected (\w+) rot (\d+)/.exec(row.reference);
    row.reference_selected = m ? row.reference.slice(row.reference.indexOf("selected ") + 9) : null;
    row.same_family = m ? m[1] === best.family : null;
    row.same_rotation = m ? Number(m[2]) === best.rotation : null;
    if (!m) row.ratio = null;
    console.log(
      `${row.case}: tomolab selects ${row.tomolab_selected}; reference ${row.reference_selected ?? "n/a"}; same family: ${row.same_family}`,
    );
  }
  const out = path.join(here, "results", "copulas.json");
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
}

/** AIC selection-rate study: generating family picked out of reps samples per model. */
async function selectionRate() {
  const arg = (flag, d) => (argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : d);
  const n = arg("--n", 500);
  const reps = arg("--reps", 5);
  const models = [
    ["clayton", [3], 0],
    ["gumbel", [2], 90],
    ["frank", [-5], 0],
    ["joe", [2.5], 180],
    ["amh", [0.9], 0],
    ["bb1", [0.5, 2], 0],
    ["bb3", [1.5, 0.8], 0],
    ["bb5", [1.5, 1.2], 270],
    ["bb8", [4.24, 0.6], 270],
    ["bb1", [0.36, 3.13], 180],
    ["bb8", [5.6, 0.52], 180],
    ["bb8", [2.7, 0.7], 270],
    ["bb1", [0.47, 1.47], 0],
  ];
  const rows = [];
  let fam = 0;
  let famRot = 0;
  const t0 = performance.now();
  for (const [family, params, rotation] of models) {
    const picks = [];
    for (let s = 0; s < reps; s++) {
      const { u1, u2 } = createCopula({ family, params, rotation }).sample(n, 1000 * s + 7);
      const best = fitCopulas(u1, u2, { rotations: "tauSign" }).best;
      picks.push(`${best.family} ${best.rotation}`);
    }
    const f = picks.filter((p) => p.split(" ")[0] === family).length;
    const fr = picks.filter(
      (p) => p === `${family} ${rotation}` || (family === "frank" && p.startsWith("frank")),
    ).length;
    fam += f;
    famRot += fr;
    rows.push({
      family,
      params,
      rotation,
      family_picked: f,
      family_and_rotation_picked: fr,
      picks,
    });
    console.log(
      `${family}(${params}) rot ${rotation}: family ${f}/${reps}, family+rotation ${fr}/${reps}: ${picks.join(", ")}`,
    );
  }
  const total = models.length * reps;
  const summary = {
    n,
    reps,
    total,
    family_rate: fam / total,
    family_and_rotation_rate: famRot / total,
    seconds: (performance.now() - t0) / 1000,
    rows,
  };
  console.log(
    `AIC picked the generating family in ${fam}/${total} (${((100 * fam) / total).toFixed(0)}%), family and rotation in ${famRot}/${total}`,
  );
  mkdirSync(path.join(here, "results"), { recursive: true });
  writeFileSync(
    path.join(here, "results", "copulas-selection.json"),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
}
