// A fuzz child process: runs one input at a time for the parent
// (test/fuzz/engine.mjs) and answers with the result or the error. The parent
// kills and replaces it when an input hangs or uses too much memory; an input
// that makes it die (abort, fatal error, unhandled rejection) is a crash.
import { runners } from "./runners.mjs";

process.on("unhandledRejection", (reason) => {
  process.stderr.write(`unhandled rejection: ${reason?.stack ?? reason}\n`);
  process.exit(70);
});

process.on("message", async (msg) => {
  const t0 = performance.now();
  try {
    const run = runners[msg.target];
    if (!run) throw new Error(`fuzz child: no runner for target ${msg.target}`);
    const result = await run(msg.input);
    process.send({ id: msg.id, ok: true, result, ms: performance.now() - t0 });
  } catch (e) {
    const error = {
      isError: e instanceof Error,
      name: e?.name ?? typeof e,
      message: String(e?.message ?? e),
      stack: String(e?.stack ?? "")
        .split("\n")
        .slice(0, 8)
        .join("\n"),
    };
    process.send({ id: msg.id, ok: false, error, ms: performance.now() - t0 });
  }
});

process.send({ ready: true });
