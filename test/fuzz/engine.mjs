// The fuzz engine: seeds each target (test/fuzz/targets.mjs), mutates the
// seeds with a seeded generator, runs every input in a child process
// (test/fuzz/child.mjs) under a per-input time limit and a memory limit, and
// classifies the outcome:
//   ok-equal      the seed's result
//   ok-different  a different result the mutation can legitimately cause (the target's judge)
//   clean-error   an Error whose message names the file and the field
//   bad-error     an error without the file or the field, or an internal one (TypeError
//                 "Cannot read properties of undefined", invalid array length, ...)
//   silent-wrong  a different result the mutation cannot legitimately cause
//   hang          no answer within the time limit (the child is killed and replaced)
//   crash         the child died (abort, fatal error) or went over the memory limit
// Hangs, crashes, bad errors and silent wrong results are failures; each
// failing input is saved with a command that replays it.
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hashSeed, rng } from "./mutate.mjs";
import { TARGETS } from "./targets.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, "child.mjs");

export const OUTCOMES = [
  "ok-equal",
  "ok-different",
  "clean-error",
  "bad-error",
  "silent-wrong",
  "hang",
  "crash",
];
export const FAILURES = new Set(["bad-error", "silent-wrong", "hang", "crash"]);

const INTERNAL =
  /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not a constructor|undefined is not|Invalid array length|Invalid typed array length|Array buffer allocation failed|Maximum call stack|out of memory|internal:/;

/** Resident memory of a process in bytes (Linux /proc), or 0 when unknown. */
function rss(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** One child process that runs inputs one at a time; replaced when it hangs, crashes or grows too big. */
class Worker {
  constructor(options) {
    this.options = options;
    this.child = null;
    this.restarts = 0;
  }

  async start() {
    const child = fork(CHILD, [], {
      execArgv: [`--max-old-space-size=${this.options.heapMb}`],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    child.stderrTail = "";
    child.stderr.on("data", (d) => {
      child.stderrTail = (child.stderrTail + d.toString()).slice(-2000);
    });
    await new Promise((resolve, reject) => {
      const onMessage = (m) => {
        if (m?.ready) {
          child.off("exit", onExit);
          child.off("message", onMessage);
          resolve();
        }
      };
      const onExit = (code) =>
        reject(new Error(`fuzz child exited during start (code ${code}): ${child.stderrTail}`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
    this.child = child;
  }

  /** Run one input; resolves to `{ kind: "ok"|"error"|"hang"|"crash", ... }`. */
  async run(target, input) {
    if (!this.child) await this.start();
    const child = this.child;
    const id = Math.random();
    return new Promise((resolve) => {
      let done = false;
      const finish = (value, kill) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        child.off("message", onMessage);
        child.off("exit", onExit);
        if (kill) {
          child.kill("SIGKILL");
          this.child = null;
          this.restarts++;
        }
        resolve(value);
      };
      const onMessage = (m) => {
        if (m?.id !== id) return;
        finish(
          m.ok
            ? { kind: "ok", result: m.result, ms: m.ms }
            : { kind: "error", error: m.error, ms: m.ms },
          false,
        );
      };
      const onExit = (code, signal) => {
        this.child = null;
        this.restarts++;
        finish(
          {
            kind: "crash",
            detail: `child exited (code ${code}, signal ${signal}): ${child.stderrTail.trim().split("\n").slice(-3).join(" | ")}`,
          },
          false,
        );
      };
      const timer = setTimeout(
        () => finish({ kind: "hang", detail: `no answer in ${this.options.timeoutMs} ms` }, true),
        this.options.timeoutMs,
      );
      const poll = setInterval(() => {
        const used = rss(child.pid);
        if (used > this.options.memoryMb * 2 ** 20)
          finish(
            {
              kind: "crash",
              detail: `memory ${Math.round(used / 2 ** 20)} MiB over the limit of ${this.options.memoryMb} MiB`,
            },
            true,
          );
      }, 25);
      child.on("message", onMessage);
      child.once("exit", onExit);
      child.send({ id, target, input });
    });
  }

  stop() {
    if (this.child) this.child.kill("SIGKILL");
    this.child = null;
  }
}

function writeFiles(dir, files) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const file = path.join(dir, f.name); // a name may hold folders (a Zarr store's "0/1/2/3")
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, f.bytes);
  }
}

const bytesOf = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Deep equality of runner results (typed arrays bit for bit, NaN equal to NaN). */
export function sameResult(a, b) {
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (
      !ArrayBuffer.isView(a) ||
      !ArrayBuffer.isView(b) ||
      a.constructor !== b.constructor ||
      a.byteLength !== b.byteLength
    )
      return false;
    const x = bytesOf(a);
    const y = bytesOf(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((v, i) => sameResult(v, b[i]))
    );
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && sameResult(a[k], b[k]));
  }
  return Object.is(a, b) || a === b;
}

/** Classify one answer. */
async function classify(target, seed, mutation, ref, answer, dir) {
  if (answer.kind === "hang" || answer.kind === "crash")
    return { outcome: answer.kind, detail: answer.detail };
  if (answer.kind === "error") {
    const e = answer.error;
    const names = target.named(dir, seed, mutation);
    const namesFile = names.some((p) => e.message.includes(p));
    const namesField = target.field.test(e.message);
    const internal = INTERNAL.test(e.message);
    if (e.isError && namesFile && namesField && !internal) return { outcome: "clean-error" };
    const why = [
      !e.isError && "not an Error",
      !namesFile && "no file",
      !namesField && "no field",
      internal && "internal error",
    ]
      .filter(Boolean)
      .join(", ");
    return { outcome: "bad-error", detail: `${why}: ${e.name}: ${e.message}`, stack: e.stack };
  }
  if (sameResult(answer.result, ref)) return { outcome: "ok-equal" };
  const reason = await target.judge(seed, mutation, ref, answer.result); // a judge may be async
  return reason ? { outcome: "silent-wrong", detail: reason } : { outcome: "ok-different" };
}

/**
 * Run the fuzz suite.
 * @param {object} options
 * @param {number} [options.seed=1] - Seed of the whole run (each input's generator derives from it).
 * @param {number} [options.count=1000] - Inputs per parser.
 * @param {number} [options.seconds=Infinity] - Time per parser; stops generating when reached.
 * @param {string[]} [options.parsers] - Target names (default: all).
 * @param {number} [options.jobs=2] - Child processes.
 * @param {number} [options.timeoutMs=10000] - Per-input time limit.
 * @param {number} [options.memoryMb=1024] - Per-child resident-memory limit.
 * @param {number} [options.heapMb=512] - Per-child V8 heap limit (--max-old-space-size).
 * @param {string} [options.saveDir] - Where failing inputs are saved (default: a temporary folder).
 * @param {(line: string) => void} [options.log] - Progress lines.
 * @param {string[]} [options.show] - Outcomes whose inputs are logged too (e.g. "ok-different").
 * @returns {Promise<{ rows: object[], failures: object[], saveDir: string, seconds: number }>}
 */
export async function runFuzz(options = {}) {
  const {
    seed = 1,
    count = 1000,
    seconds = Infinity,
    jobs = 2,
    timeoutMs = 10_000,
    memoryMb = 1024,
    heapMb = 512,
    log = () => {},
  } = options;
  const show = new Set(options.show ?? []);
  const names = options.parsers ?? TARGETS.map((t) => t.name);
  const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
  if (unknown.length)
    throw new RangeError(
      `unknown parser(s) ${unknown.join(", ")}; known: ${TARGETS.map((t) => t.name).join(", ")}`,
    );
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tomolab-fuzz-"));
  const saveDir =
    options.saveDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "tomolab-fuzz-failures-"));
  const workers = Array.from({ length: jobs }, () => new Worker({ timeoutMs, memoryMb, heapMb }));
  const rows = [];
  const failures = [];
  const t0 = performance.now();
  try {
    for (const name of names) {
      const target = TARGETS.find((t) => t.name === name);
      const seedDir = path.join(work, name, "seeds");
      fs.mkdirSync(seedDir, { recursive: true });
      const seeds = await target.seeds({ dir: seedDir });
      // The seeds' own results, the reference for ok-equal.
      const refs = [];
      for (let s = 0; s < seeds.length; s++) {
        const dir = path.join(work, name, `seed-${s}`);
        writeFiles(dir, seeds[s].files);
        const answer = await workers[0].run(name, target.input(dir, seeds[s]));
        if (answer.kind !== "ok") {
          throw new Error(
            `fuzz seed ${name}/${seeds[s].name} does not read: ${JSON.stringify(answer.error ?? answer.detail)}`,
          );
        }
        refs.push(answer.result);
      }
      const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0]));
      const start = performance.now();
      let next = 0;
      const one = async (w) => {
        while (next < count && (performance.now() - start) / 1000 < seconds) {
          const i = next++;
          const r = rng(hashSeed(seed, name, i));
          const s = i % seeds.length;
          const mutation = target.mutate(seeds[s], r);
          const dir = path.join(
            work,
            name,
            `w${workers.indexOf(w)}`,
            `${seeds[s].name}-${i}`.replace(/[^A-Za-z0-9._-]/g, "_"),
          );
          writeFiles(dir, mutation.files);
          const answer = await w.run(name, target.input(dir, seeds[s]));
          const c = await classify(target, seeds[s], mutation, refs[s], answer, dir);
          counts[c.outcome]++;
          if (show.has(c.outcome) && !FAILURES.has(c.outcome))
            log(`  ${name} #${i} ${c.outcome}: ${mutation.what}`);
          if (FAILURES.has(c.outcome)) {
            const keep = path.join(saveDir, name, `${i}`);
            writeFiles(keep, mutation.files);
            const info = {
              parser: name,
              index: i,
              runSeed: seed,
              seed: seeds[s].name,
              mutation: mutation.what,
              outcome: c.outcome,
              detail: c.detail,
              stack: c.stack,
              input: target.input(keep, seeds[s]),
            };
            fs.writeFileSync(path.join(keep, "fuzz-case.json"), JSON.stringify(info, null, 1));
            failures.push({ ...info, dir: keep, replay: `node scripts/fuzz.mjs --replay ${keep}` });
            log(`  ${name} #${i} ${c.outcome}: ${mutation.what}: ${c.detail}`);
          }
          fs.rmSync(dir, { recursive: true, force: true });
        }
      };
      await Promise.all(workers.map(one));
      const tried = OUTCOMES.reduce((n, o) => n + counts[o], 0);
      const row = {
        parser: name,
        seeds: seeds.length,
        tried,
        ...counts,
        seconds: (performance.now() - start) / 1000,
      };
      rows.push(row);
      log(
        `${name}: ${tried} inputs in ${row.seconds.toFixed(1)} s (${OUTCOMES.map((o) => `${o} ${counts[o]}`).join(", ")})`,
      );
    }
  } finally {
    for (const w of workers) w.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  return {
    rows,
    failures,
    saveDir,
    seconds: (performance.now() - t0) / 1000,
    restarts: workers.reduce((n, w) => n + w.restarts, 0),
  };
}

/** Replay one saved failing input (a folder written by runFuzz) and return its answer. */
export async function replay(dir, { timeoutMs = 10_000, memoryMb = 1024, heapMb = 512 } = {}) {
  const info = JSON.parse(fs.readFileSync(path.join(dir, "fuzz-case.json"), "utf8"));
  const w = new Worker({ timeoutMs, memoryMb, heapMb });
  try {
    return { info, answer: await w.run(info.parser, info.input) };
  } finally {
    w.stop();
  }
}
