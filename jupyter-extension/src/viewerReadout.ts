// The readout line under the image: voxel, its physical position, the channel and overlay
// values there, the painted label and the live prediction. No DOM here.
import { isUncalibrated } from "./render.js";
import type { LabelClass } from "./viewerTypes.js";

/** A value at the voxel, undefined while its data is still loading. */
export interface NamedValue {
  name: string;
  value: number | undefined;
}

export interface ReadoutInput {
  voxel: [z: number, y: number, x: number];
  spacing: readonly [number, number, number];
  unit: string;
  channels: readonly NamedValue[];
  overlays: readonly NamedValue[];
  /** Painted class id (0 = unlabelled). */
  label: number;
  classes: readonly LabelClass[];
  /** The training panel's text for the voxel, "" or undefined when none. */
  predicted?: string;
}

function valueText({ name, value }: NamedValue, digits: number): string {
  return `${name} ${value === undefined ? "…" : +value.toPrecision(digits)}`;
}

/** "z 3  y 4  x 5  (0.3, 0.4, 0.5 µm)  |  SE2 120  |  label 1 pore" style text. */
export function readoutText(r: ReadoutInput): string {
  const [z, y, x] = r.voxel;
  const [dz, dy, dx] = r.spacing;
  const where = isUncalibrated(r.unit)
    ? "(voxels, no calibration)"
    : `(${+(z * dz).toPrecision(5)}, ${+(y * dy).toPrecision(5)}, ${+(x * dx).toPrecision(5)} ${r.unit})`;
  const cls = r.classes.find((c) => c.id === r.label);
  return (
    `z ${z}  y ${y}  x ${x}  ${where}  |  ` +
    [
      ...r.channels.map((c) => valueText(c, 5)),
      ...r.overlays.map((o) => valueText(o, 4)),
      `label ${r.label ? `${r.label} ${cls?.name ?? ""}` : "-"}`,
      ...(r.predicted ? [r.predicted] : []),
    ].join("  |  ")
  );
}
