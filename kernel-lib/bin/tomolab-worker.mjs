#!/usr/bin/env node
// tomolab-worker: runs tomolab blockwise jobs (mapBlocks with the `cluster`
// option) from a BullMQ queue on Redis. Start one per machine (or more);
// every worker must reach the job's store folder at the same path.
import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const USAGE = `usage: tomolab-worker --redis <url> [--concurrency N] [--queue name]
                      [--lock-ms ms] [--stalled-ms ms] [--give-up-ms ms] [--quiet]
  --redis        Redis URL, e.g. redis://host:6379 (required)
  --concurrency  blocks run at once (worker threads), default 1
  --queue        queue name, default tomolab
  --lock-ms      job lock duration: a dead worker's block is re-run after about
                 lock-ms + stalled-ms, default 10000
  --stalled-ms   stalled-job check interval, default lock-ms / 2
  --give-up-ms   exit with code 2 when Redis is unreachable this long, default 30000
  --quiet        log only errors`;

function fail(message) {
  console.error(`tomolab-worker: ${message}\n${USAGE}`);
  process.exit(64);
}

let args;
try {
  args = parseArgs({
    options: {
      redis: { type: "string" },
      concurrency: { type: "string" },
      queue: { type: "string" },
      "lock-ms": { type: "string" },
      "stalled-ms": { type: "string" },
      "give-up-ms": { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
} catch (e) {
  fail(e.message);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!args.redis) fail("--redis <url> is required");
function int(name) {
  const v = args[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer, received "${v}"`);
  return n;
}
const options = {
  redis: args.redis,
  concurrency: int("concurrency"),
  queue: args.queue,
  lockMs: int("lock-ms"),
  stalledMs: int("stalled-ms"),
  giveUpMs: int("give-up-ms"),
};
for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];

const entry = new URL("../dist/parallel/cluster.js", import.meta.url);
if (!existsSync(fileURLToPath(entry)))
  fail(
    `${fileURLToPath(entry)} is missing: build kernel-lib first (npm run build --workspace kernel-lib)`,
  );
const { startClusterWorker } = await import(entry.href);

const quiet = Boolean(args.quiet);
const log = (line) => {
  if (!quiet || /error|unreachable|failed|lost/.test(line)) console.log(`tomolab-worker: ${line}`);
};
let worker;
try {
  worker = await startClusterWorker({ ...options, log });
} catch (e) {
  console.error(e.message);
  process.exit(2);
}

let stopping = false;
async function stop(signal) {
  if (stopping) {
    console.log(`tomolab-worker: ${signal} again, exiting now`);
    process.exit(130);
  }
  stopping = true;
  log(`${signal}: finishing running blocks, then exiting`);
  await worker.close();
  log("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
worker.lost.then(async (why) => {
  console.error(`tomolab-worker: ${why}; exiting`);
  await worker.close(true);
  process.exit(2);
});
