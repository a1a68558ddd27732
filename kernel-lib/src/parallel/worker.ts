/**
 * Entry point of the pool's worker threads (always run compiled, from
 * `dist/parallel/worker.js`): runs one block per task.
 * @internal
 */
import { runBlock } from "./runBlock.js";
import type { BlockTask } from "./types.js";

export default async function work(task: BlockTask): Promise<void> {
  await runBlock(task);
}
