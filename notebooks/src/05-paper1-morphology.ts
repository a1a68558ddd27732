// %% [markdown]
// # Paper 1: the morphology of one porous NMC particle (section 3.7, Figs. 5-8)
//
// What the segmentation is for: Osenberg et al. measure one fully imaged, hierarchically porous
// NMC particle. Its **inner pores** are the void voxels that a ball of radius 0.15 um rolling in
// from outside cannot reach; the particle is NMC plus inner pores. On it they compute
//
// - the NMC volume fraction of the particle (0.66),
// - the local volume fraction in 10-nm shells below the particle boundary and its cumulative
//   curve (Fig. 6a), and the volume fraction of 2D cross-sections (Fig. 6b),
// - the **geodesic tortuosity** of the inner pores (Fig. 7a): for each pore voxel on the
//   boundary, the shortest path through pore space down to depth d_l, divided by d_l,
// - **sphere intrusion** from the boundary (Fig. 7b): the fraction of the inner-pore volume
//   that spheres of radius r entering from outside can fill,
//
// and draw the structure, its primary particles and sample transport paths in 3D (Figs. 5, 8).
// The paper calls these descriptors "very sensitive to the quality of segmentation" without
// measuring it. Here every descriptor is computed twice on the project's `porous-particle`
// sample: on its ground truth and on the random-forest segmentation (method 3.6) of its
// simulated FIB/SEM images, side by side.

// %%
import {
  loadSample, crop, paper1Morphology, paper1MorphologyNumbers, paper1MorphologyTable, paper1SegmentVolume,
  paper1ParticleBox, paper1Fig6a, paper1Fig6b, paper1Fig7a, paper1Fig7b, paper1ElectronPaths, paper1IonPaths,
  splitParticles, isosurfaceFigure, particleSizeFigure, pathsFigure, weightedError, iouPerClass,
  readTiff, remapLabels, realData, TAUFACTOR_ELECTRODE_CLASSES, show, record,
} from "tomolab";

// %% [markdown]
// ## The sample
// One secondary particle of radius 2.6 um at 25 nm voxels (248^3): Laguerre primaries of about
// 350 nm with intergranular gaps of 40-200 nm, a denser shell, a few missing core primaries and
// carbon-binder patches on its surface (`npm run data` makes it; see `data-samples/README.md`),
// imaged by the FIB/SEM simulator with both detectors, with brush-stroke labels as for `fibsem-nmc`.

// %%
const p = await loadSample("porous-particle");
console.log(`${p.truth.shape.join(" x ")} voxels at ${p.truth.spacing[0]} nm; test slice z = ${p.testSlice}`);

// %% [markdown]
// ## Ground truth
// The particle is the largest NMC component; inner pores by the rolling ball of r = 150 nm.

// %%
const truth = await paper1Morphology(p.truth);
console.log(`NMC volume fraction of the particle: ${truth.volumeFraction.toFixed(3)} (paper 0.66); steps (ms) ${JSON.stringify(Object.fromEntries(Object.entries(truth.timings).map(([k, v]) => [k, Math.round(v)])))}`);

// %% [markdown]
// ## Segmentation (method 3.6)
// A 100-tree forest on the SE2, InLens and difference features with the tailored milling-direction
// features, trained on the brush strokes, predicts the particle's bounding box (plus 4 voxels); the
// same descriptors are then measured on the segmented labels.

// %%
const box = paper1ParticleBox(truth, 4);
const t0 = performance.now();
const seg = await paper1SegmentVolume(p, { method: "3.6", crop: box });
console.log(`segmentation: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
const truthBox = crop(p.truth, box);
const awe = weightedError(truthBox, seg, { classes: [1, 2, 3] });
console.log(`segmented box ${seg.shape.join(" x ")}: awe ${awe.toFixed(2)} %, IoU ${JSON.stringify(iouPerClass(truthBox, seg, { classes: [1, 2, 3] }).iou.map((v) => Math.round(v * 1000) / 1000))}`);
const segmented = await paper1Morphology(seg);

// %% [markdown]
// ## The numbers of section 3.7
// Recorded as `paper1.<key>` (truth) and `paper1.<key>.segmented`.

// %%
const runs = [{ name: "ground truth", result: truth }, { name: "segmentation 3.6", result: segmented }];
const nTruth = paper1MorphologyNumbers(truth);
const nSeg = paper1MorphologyNumbers(segmented);
// a descriptor the particle does not define (no boundary pore reaches depth d_l: NaN) is not recorded
for (const [k, v] of Object.entries(nTruth)) if (Number.isFinite(v)) record(`paper1.${k}`, v);
for (const [k, v] of Object.entries(nSeg)) if (Number.isFinite(v)) record(`paper1.${k}.segmented`, v);
record("paper1.morphology.segmentation_awe", awe);
show(paper1MorphologyTable(runs), { id: "paper1-morphology-table", width: 1000, height: 420 });

// %% [markdown]
// How each descriptor moves with the segmentation's errors (segmentation minus truth):

// %%
for (const k of Object.keys(nTruth)) if (!k.startsWith("intrusion.") || ["intrusion.80", "intrusion.100"].includes(k)) console.log(`${k}: truth ${nTruth[k]!.toFixed(3)}, segmented ${nSeg[k]!.toFixed(3)}, difference ${(nSeg[k]! - nTruth[k]!).toFixed(3)}`);

// %% [markdown]
// ## Fig. 6: volume fraction vs distance to the boundary, and of cross-sections

// %%
show(paper1Fig6a(runs), { id: "paper1-fig6a", width: 1000, height: 420 });
show(paper1Fig6b(runs), { id: "paper1-fig6b", width: 1000, height: 420 });

// %% [markdown]
// ## Fig. 7: geodesic tortuosity and sphere intrusion

// %%
show(paper1Fig7a(runs), { id: "paper1-fig7a", width: 1000, height: 420 });
show(paper1Fig7b(runs), { id: "paper1-fig7b", width: 1000, height: 420 });

// %% [markdown]
// ## Figs. 5 and 8 in 3D
// The classified particle as isosurfaces (NMC and CBD, coarsened to a 200,000-triangle budget), its
// primary particles split by a watershed on the distance transform and coloured by size, and sample
// electron paths (through NMC to the nearest NMC-CBD contact) and ion paths (through the inner pores
// to the boundary), coloured by length, their opacity rising with the number of paths through each
// point (the paper's "transparency = current density": paths merge towards the contacts).

// %%
show(isosurfaceFigure(truthBox, { classes: [3, 2], names: ["NMC", "CBD"], opacity: [0.9, 1], title: "classified particle (truth)" }), { id: "paper1-fig8-render", width: 800, height: 700 });
const primaries = await splitParticles(crop(truth.solid, box), { h: 50 });
console.log(`${primaries.count} primary particles; median equivalent diameter ${[...primaries.diameter].sort((a, b) => a - b)[primaries.count >> 1]!.toFixed(0)} nm`);
show(particleSizeFigure(primaries, { title: "primary particles by size" }), { id: "paper1-fig5a-particles", width: 1100, height: 600 });
const electrons = await paper1ElectronPaths(truth.solid, p.truth, 2, { count: 200 });
show(pathsFigure(electrons, { title: "electron paths through the NMC to the CBD" }), { id: "paper1-fig5b-electrons", width: 800, height: 700 });
const ions = await paper1IonPaths(truth.innerPores, truth.particle, { count: 200 });
show(pathsFigure(ions, { title: "ion paths through the inner pores" }), { id: "paper1-fig5c-ions", width: 800, height: 700 });

// %% [markdown]
// ## The same descriptors on a real microstructure
// taufactor's segmented NMC cathode (`../shared/data`, skipped with a note when absent), at the
// 10 nm voxels assumed in notebook 03. Its largest NMC component is a particle network cut by the
// volume's faces, not one whole particle, and it is shallower than 2 um: depths it does not reach
// give no tortuosity (NaN).

// %%
const electrode = realData("nmc-cathode-taufactor/electrode.tiff", "taufactor's segmented NMC cathode");
if (electrode) {
  const labels = remapLabels(await readTiff(electrode), TAUFACTOR_ELECTRODE_CLASSES);
  const real = await paper1Morphology({ ...labels, spacing: [10, 10, 10] });
  const nReal = paper1MorphologyNumbers(real);
  for (const k of ["vf_particle", "tortuosity_mean.0.5", "intrusion.80", "intrusion.100"]) if (Number.isFinite(nReal[k])) record(`paper1.real.${k}`, nReal[k]!);
  show(paper1MorphologyTable([{ name: "taufactor cathode", result: real }]), { id: "paper1-real-morphology-table", width: 900, height: 420 });
}
