/**
 * Training a {@link UNet} with Adam on the masked cross-entropy of Paper 2 (Eq. 6).
 */
import type { Scalar, Tensor } from "@tensorflow/tfjs-core";
import { createFlatAdam } from "./adam.js";
import type { Tf } from "./backend.js";
import { maskedSoftmaxCrossEntropy } from "./loss.js";
import type { UNet } from "./unet.js";
import { checkOptions, checkPositive } from "../util/checks.js";

export interface TrainerOptions {
  /** Adam's learning rate. @default 1e-3 */
  learningRate?: number;
}

export interface Trainer {
  /**
   * One Adam step on a batch; returns the loss before the update. The loss is Eq. 6 on logits
   * (maskedSoftmaxCrossEntropy): labelled rows of `target` must each sum to 1 (one-hot, as
   * maskedTargets gives, or probabilities).
   */
  step(input: Tensor, target: Tensor, mask: Tensor): number;
  /** Frees the optimizer's moment estimates (not the network). */
  dispose(): void;
}

/** An Adam trainer for `net` (batch as given: Paper 2 uses batch size 1, random 80^3 crops). */
export function createTrainer(tf: Tf, net: UNet, options?: TrainerOptions): Trainer {
  const opts = checkOptions(options, "options", ["learningRate"]);
  const learningRate = checkPositive(opts.learningRate ?? 1e-3, "options.learningRate");
  // tf.train.adam's update on one flat vector (./adam.ts: a few ops instead of ~12 per variable)
  const optimizer = createFlatAdam(tf, net.variables, { learningRate });
  return {
    step(input, target, mask) {
      const { value: cost, grads } = tf.variableGrads(
        () => maskedSoftmaxCrossEntropy(tf, target, net.apply(input), mask) as Scalar,
        net.variables,
      );
      const list = net.variables.map((v) => {
        const g = grads[v.name];
        if (!g) throw new Error(`no gradient for the network variable ${v.name}`);
        return g;
      });
      optimizer.apply(list);
      list.forEach((g) => g.dispose());
      const value = cost.dataSync()[0];
      cost.dispose();
      return value;
    },
    dispose: () => optimizer.dispose(),
  };
}
