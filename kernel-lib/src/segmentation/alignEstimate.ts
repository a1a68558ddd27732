/**
 * The transform of one slice relative to a reference image: translation by
 * phase correlation, or rigid (rotation + translation) by a 1D search of the
 * angle that maximises the phase-correlation peak.
 * @internal
 */
import { Correlator, type CorrelationSettings } from "./alignShift.js";
import { rotate, unwarpSlice, type SliceTransform } from "./alignWarp.js";

/** Settings of {@link estimateTransform}. @internal */
export interface EstimateSettings extends CorrelationSettings {
  mode: "translation" | "rigid";
  /** Rigid mode: angles searched in [-maxAngle, maxAngle] degrees. */
  maxAngle: number;
  /** Rigid mode: step of the coarse angle grid, degrees, before the golden-section refinement. */
  angleStep: number;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * Estimates slice transforms against references, reusing one thread's plans and buffers.
 * @internal
 */
export class TransformEstimator {
  readonly correlator: Correlator;
  private readonly rotated: Float64Array;

  constructor(
    readonly ny: number,
    readonly nx: number,
    readonly settings: EstimateSettings,
  ) {
    this.correlator = new Correlator(ny, nx, settings);
    this.rotated = new Float64Array(ny * nx);
  }

  /** The reference's spectrum (computed once per reference). */
  spectrum(image: ArrayLike<number>, offset = 0): Float64Array {
    return this.correlator.spectrum(image, offset);
  }

  /**
   * Transform of the slice `image[offset ..]` relative to the reference whose
   * spectrum is `reference`; `moving` may pass the slice's own spectrum when the
   * caller has it (translation mode).
   */
  estimate(
    reference: Float64Array,
    image: ArrayLike<number>,
    offset: number,
    moving?: Float64Array,
  ): SliceTransform {
    const c = this.correlator;
    if (this.settings.mode === "translation") {
      const s = c.shift(reference, moving ?? c.spectrum(image, offset));
      return { dy: s.dy, dx: s.dx, angle: 0 };
    }
    const { ny, nx } = this;
    let sum = 0;
    for (let i = 0; i < ny * nx; i++) sum += image[offset + i];
    const mean = sum / (ny * nx);
    // Undo a rotation by `angle` (about the centre), then phase-correlate: the residual
    // translation t is R^-1 s, so the slice's translation is s = R t.
    const trial = (angle: number) => {
      unwarpSlice(image, offset, ny, nx, { dy: 0, dx: 0, angle }, mean, this.rotated, 0);
      const s = c.shift(reference, c.spectrum(this.rotated));
      return { angle, ...s };
    };
    const { maxAngle, angleStep } = this.settings;
    const steps = Math.max(1, Math.ceil(maxAngle / angleStep));
    let best = trial(0);
    for (let k = -steps; k <= steps; k++) {
      if (k === 0) continue;
      const t = trial((k * maxAngle) / steps);
      if (t.peak > best.peak) best = t;
    }
    // Golden-section search of the peak height around the best grid angle.
    const h = maxAngle / steps;
    let lo = Math.max(-maxAngle, best.angle - h);
    let hi = Math.min(maxAngle, best.angle + h);
    let a = trial(hi - GOLDEN * (hi - lo));
    let b = trial(lo + GOLDEN * (hi - lo));
    while (hi - lo > 0.005) {
      if (a.peak >= b.peak) {
        hi = b.angle;
        b = a;
        a = trial(hi - GOLDEN * (hi - lo));
      } else {
        lo = a.angle;
        a = b;
        b = trial(lo + GOLDEN * (hi - lo));
      }
    }
    for (const t of [a, b]) if (t.peak > best.peak) best = t;
    const [dy, dx] = rotate(best.angle, best.dy, best.dx);
    return { dy, dx, angle: best.angle };
  }
}
