import type { Shape3, Volume } from "../volume/types.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import { expectedError } from "../util/checks.js";
import { checkSpec, sourceInputs, type FeatureSpec } from "./spec.js";

/**
 * Input volumes of a feature bank: one volume (for a spec with one source
 * input), a list in the order of the spec's source inputs, or a record by
 * input name (e.g. `{ SE2, InLens }`).
 */
export type FeatureInputs = Volume | readonly Volume[] | Readonly<Record<string, Volume>>;

/** Check the spec and return its source volumes in spec order, checked (same shape). @internal */
export function resolveInputs(inputs: FeatureInputs, spec: FeatureSpec): Volume[] {
  checkSpec(spec);
  const names = sourceInputs(spec);
  let list: Volume[];
  if (Array.isArray(inputs)) list = [...(inputs as readonly Volume[])];
  else if (typeof inputs === "object" && inputs !== null && "data" in inputs && "shape" in inputs)
    list = [inputs as Volume];
  else if (typeof inputs === "object" && inputs !== null) {
    const rec = inputs as Readonly<Record<string, Volume>>;
    const missing = names.filter((n) => !(n in rec));
    if (missing.length) {
      throw new RangeError(
        `\`inputs\` must hold a volume for each source input of the spec (${names.join(", ")}); missing ${missing.join(", ")}`,
      );
    }
    list = names.map((n) => rec[n]!);
  } else
    throw expectedError(
      "inputs",
      "a Volume, a list of volumes or a record by name",
      inputs,
      TypeError,
    );
  if (list.length !== names.length) {
    throw new RangeError(
      `the spec has ${names.length} source input(s) (${names.join(", ")}), received ${list.length} volume(s)`,
    );
  }
  list.forEach((v, i) => checkVolume(v, `inputs.${names[i]}`));
  for (let i = 1; i < list.length; i++)
    checkSameShape(list[i]!, `inputs.${names[i]}`, list[0]!, `inputs.${names[0]}`);
  return list;
}

/**
 * Default block shape for feature jobs: about `target` core voxels (at most
 * a quarter of the volume, so two threads get two blocks each), halving the
 * longest axis first: cube-like blocks keep the halo overhead low. @internal
 */
export function featureBlockShape(shape: Shape3, target = 2 ** 19): Shape3 {
  const voxels = shape[0] * shape[1] * shape[2];
  const goal = Math.max(2 ** 15, Math.min(target, Math.ceil(voxels / 4)));
  const b = [...shape] as Shape3;
  while (b[0] * b[1] * b[2] > goal) {
    let a = 0;
    for (let k = 1; k < 3; k++) if (b[k]! > b[a]!) a = k;
    if (b[a]! <= 1) break;
    b[a] = Math.ceil(b[a]! / 2);
  }
  return b;
}
