// %% [markdown]
// # Real hand labels: the ISBI 2012 membrane stack, U-Net and forest from four slices
//
// Paper 2 learns grain boundaries from four labelled slices; the project's EBSD sample has a known
// truth but is simulated. The training stack of the ISBI 2012 EM segmentation challenge is the same
// problem on real data with real hand labels: learn a boundary map from a few labelled slices and
// watershed it into cells. This notebook trains the U-Net and the random forest of notebooks 06-07
// on four of its slices and scores both on the other 26 with the challenge's metrics. The data are
// read from `../shared/data/isbi2012-membrane` (not part of the project; without it every cell
// says so and does nothing).
//
// **Training budget.** The U-Net: 600 Adam steps on four random 128^2 crops (0.22 s per step,
// 133 s in all, measured on two idle cores on 2026-12-04; the whole notebook 198 s); the forest:
// under a minute. Without the native TensorFlow backend
// the U-Net is skipped.

// %%
import { getNnBackend, loadIsbi2012, isbiUNet, isbiForest, isbiSliceFigure, tableFigure, realData, show, record } from "tomolab";

// %%
const isbiDir = realData("isbi2012-membrane", "the ISBI 2012 EM membrane stack with its hand labels");
const isbi = isbiDir ? await loadIsbi2012({ dir: isbiDir }) : undefined;
const backend = await getNnBackend();
const native = backend.name === "tensorflow";
console.log(`backend: ${backend.name} ${backend.version}. ${backend.note}`);
let t = performance.now();

// %% [markdown]
// ## The data and the two methods
// The training stack of the ISBI 2012 EM segmentation challenge (30 serial-section TEM slices of
// 512 x 512 pixels, 4 x 4 x 50 nm, membranes hand-labelled) is the same problem on real data:
// learn a boundary map from a few labelled slices, watershed it into cells. Both methods train on
// four slices (0, 10, 20, 29) only and are scored on the other 26:
//
// - a **2D U-Net** (depth 4, 16 to 256 filters, 2.2 M parameters; the sections are 50 nm apart,
//   too far for 3D context), 600 Adam steps on four random 128^2 crops each;
// - the **forest** on a 2D ilastik feature bank (six filters at 0.7-10 pixels), 50 trees on 20,000
//   pixels of each class drawn from the four slices.
//
// Segments: per slice, the h-minima watershed of P(membrane) after a Gaussian of sigma s; h and s
// are chosen on the **training** slices (best V-Rand there), never on the scored ones. Scores
// (Arganda-Carreras et al. 2015): pixel error (fraction of pixels on the wrong side of
// P = 0.5), boundary F1 of that membrane mask (tolerance 2 pixels), and the foreground-restricted
// Rand and information scores V-Rand and V-Info of the segments (1 = perfect; computed on the
// pixels the hand labels call cell interior, as the challenge's Fiji scripts do).

// %%
const isbiRuns = [];
if (isbi) {
  t = performance.now();
  const f = await isbiForest(isbi);
  isbiRuns.push({ name: "forest", key: "isbi.forest", r: f, seconds: (performance.now() - t) / 1000 });
  if (native) {
    t = performance.now();
    const u = await isbiUNet(isbi, { steps: 600, seed: 0 });
    isbiRuns.push({ name: "U-Net", key: "isbi.unet", r: u, seconds: (performance.now() - t) / 1000 });
    record("isbi.unet.steps", 600);
    record("isbi.unet.seconds_per_step", Number(u.details.secondsPerStep));
  }
  for (const { name, key, r, seconds } of isbiRuns) {
    const s = r.scores;
    console.log(`${name}: pixel error ${s.pixelError.toFixed(3)}, boundary F1 ${s.boundaryF1.toFixed(3)}, V-Rand ${s.vRand.toFixed(3)} (split ${s.vRandSplit.toFixed(3)}, merge ${s.vRandMerge.toFixed(3)}), V-Info ${s.vInfo.toFixed(3)}; watershed h ${r.details.h}, sigma ${r.details.smooth}; ${seconds.toFixed(0)} s`);
    record(`${key}.pixel_error`, s.pixelError);
    record(`${key}.boundary_f1`, s.boundaryF1);
    record(`${key}.v_rand`, s.vRand);
    record(`${key}.v_info`, s.vInfo);
    record(`${key}.train_s`, r.timings.train / 1000);
    record(`${key}.predict_s`, r.timings.predict / 1000);
  }
  show(tableFigure({
    method: isbiRuns.map((x) => x.name),
    "pixel error": isbiRuns.map((x) => x.r.scores.pixelError),
    "boundary F1": isbiRuns.map((x) => x.r.scores.boundaryF1),
    "V-Rand": isbiRuns.map((x) => x.r.scores.vRand),
    "V-Info": isbiRuns.map((x) => x.r.scores.vInfo),
    "segments / slice": isbiRuns.map((x) => x.r.scores.segmentsPerSlice),
    "train s": isbiRuns.map((x) => x.r.timings.train / 1000),
    "predict s": isbiRuns.map((x) => x.r.timings.predict / 1000),
  }, { title: "ISBI 2012: trained on 4 slices, scored on the other 26", width: 1100 }), { id: "isbi-scores" });
}

// %% [markdown]
// ### One unseen ISBI slice
// The TEM image, its hand-labelled membranes, and each method's P(membrane) and segments.

// %%
if (isbi && isbiRuns.length > 0) show(isbiSliceFigure(isbi, isbiRuns.map((x) => ({ name: x.name, result: x.r })), 0), { id: "isbi-slice" });

// %%
for (const { r } of isbiRuns) r.model?.dispose();
