// %% [markdown]
// # Sample data: simulated FIB/SEM tomography and FIB-EBSD, with ground truth
//
// The papers' own data are not public, so tomolab simulates them (`kernel-lib/src/synth`).
// The FIB/SEM sample is a hierarchically porous NMC cathode imaged slice by slice with two
// detectors at once (SE2 and InLens), with the artefacts that make Paper 1's problem hard:
// shine-through of material behind open pores, re-deposition, curtaining, intensity gradient,
// flicker and noise. Class ids: 1 = void, 2 = carbon-binder domain (CBD), 3 = NMC.

// %%
import {
  loadSample, fibsemSlices, imagesGrid, histogramFigure, show, record, phaseFractions,
  histogramValleys, doubleThreshold, fitThresholds, weightedError, featureChannelsFigure, featureSpec, slice,
  view,
} from "tomolab";

// %% [markdown]
// ## The FIB/SEM sample
// `loadSample` reads the sample from `data-samples/` (generating it on first use) and checks each
// volume against the manifest's sha256.

// %%
const fib = await loadSample("fibsem-nmc");
console.log(`shape ${fib.se2.shape.join(" x ")} voxels of ${fib.se2.spacing.join(" x ")} nm; test slice ${fib.testSlice}`);
const fractions = phaseFractions(fib.truth, { 1: "void", 2: "cbd", 3: "nmc" });
for (const [phase, f] of Object.entries(fractions)) record(`sample.fibsem.fraction.${phase}`, f);

// %% [markdown]
// ## SE2, InLens and truth on the test slice
// Through open pores both detectors see material lying behind the milled face (shine-through),
// so void is not simply dark.

// %%
const s = fibsemSlices(fib);
show(
  imagesGrid(
    [
      { image: s.se2, title: s.titles[0] },
      { image: s.inlens, title: s.titles[1] },
      { image: s.se2, labels: s.truth, title: "SE2 with truth overlay" },
    ],
    { classNames: { 1: "void", 2: "CBD", 3: "NMC" }, shareRange: false },
  ),
  { id: "fibsem-test-slice", width: 1200, height: 460 },
);

// %% [markdown]
// The whole sample in the slice viewer: SE2 and InLens side by side (or blended), the truth as a
// class overlay, every plane. Look at xz: shine-through is the bright smear below open pores.

// %%
view(fib.se2, {
  title: "fibsem-nmc",
  channels: [fib.inlens],
  channelNames: ["SE2", "InLens"],
  overlays: [{ name: "truth", kind: "labels", volume: fib.truth, opacity: 0.35 }],
  slice: s.z,
  labels: false,
});

// %% [markdown]
// ## Grey values by true class (Paper 1, Fig. 2)
// The void class spreads over the whole grey range: dark open pores and bright shine-through.

// %%
show(
  histogramFigure(s.se2, {
    labels: s.truth,
    classNames: { 1: "void", 2: "CBD", 3: "NMC" },
    histnorm: "probability",
    title: `SE2 grey values on test slice ${s.z}, by true class`,
  }),
  { id: "fibsem-histogram-by-class" },
);

// %% [markdown]
// ## How hard is it? Global thresholds (Paper 1, methods 3.1 and 3.2)
// A double threshold at the histogram's valleys, and the best global triple threshold that an
// exhaustive search against the truth can find, both scored on the test slice by the average
// weighted error awe (Eq. 1). Paper 1 reported 60.8 % and 30.8 % on its real data.

// %%
const valleys = histogramValleys(s.se2);
const [t1, t2] = valleys.thresholds;
const aweDouble = weightedError(s.truth, doubleThreshold(s.se2, [t1, t2]), { classes: [1, 2, 3] });
const best = fitThresholds(s.se2, s.truth);
console.log(`double threshold at valleys ${t1}, ${t2}: awe ${aweDouble.toFixed(1)} %`);
console.log(`best triple threshold ${best.thresholds.join(", ")}: awe ${best.awe.toFixed(1)} %`);
record("sample.fibsem.awe.double_threshold_valleys", aweDouble);
record("sample.fibsem.awe.best_triple_threshold", best.awe);

// %% [markdown]
// ## What a classifier sees: feature channels
// A few of ilastik's standard filters and of tomolab's tailored milling-direction (z) features,
// computed with their full 3D neighbourhood for the test slice only.

// %%
const spec = featureSpec({ inputs: ["SE2", "InLens"], tailored: true });
show(
  await featureChannelsFigure(
    { SE2: fib.se2, InLens: fib.inlens },
    {
      spec,
      z: s.z,
      channels: [
        "Gaussian Smoothing (σ=1.6) [SE2]",
        "Gaussian Gradient Magnitude (σ=1.6) [SE2]",
        "Hessian of Gaussian Eigenvalues (σ=1.6) [SE2] #0",
        "Gaussian Smoothing (σ=1.6) [InLens]",
        "Z Forward Difference (k=4) [SE2]",
        "Z Running Max (K=16) [SE2]",
      ],
      title: `Feature channels on slice ${s.z}`,
    },
  ),
  { id: "fibsem-feature-channels", width: 1200, height: 800 },
);

// %% [markdown]
// ## The FIB-EBSD sample
// A polycrystalline particle (Laguerre tessellation) imaged as an image-quality (IQ) map with dark
// grain boundaries, slices shifted against each other as before alignment (Paper 2, Fig. 1).

// %%
const ebsd = await loadSample("ebsd-particle");
console.log(`shape ${ebsd.iq.shape.join(" x ")} voxels of ${ebsd.iq.spacing.join(" x ")} nm`);
const mid = Math.floor(ebsd.iq.shape[0] / 2);
show(
  imagesGrid([
    { image: slice(ebsd.iq, "xy", mid), title: `IQ, z = ${mid}` },
    { image: slice(ebsd.iq, "xz", Math.floor(ebsd.iq.shape[1] / 2)), title: "IQ, xz (unaligned)" },
  ]),
  { id: "ebsd-iq", width: 1100, height: 480 },
);

// %% [markdown]
// The aligned IQ stack with the true grain ids as an instance overlay (one colour per grain).

// %%
view(ebsd.iqAligned, {
  title: "ebsd-particle",
  channelNames: ["IQ"],
  overlays: [{ name: "grains", kind: "instances", volume: ebsd.grains, opacity: 0.3 }],
  labels: false,
});
