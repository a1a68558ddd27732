// @vitest-environment jsdom
// Kernel link: the message travels as a JSON string literal, retrain awaits the call, results
// are filtered by MIME type and request id, errors carry the kernel's stderr.
import { beforeAll, describe, expect, it } from "vitest";
import type { TrainingResult, ViewerMessage } from "../src/viewerTypes.js";
import { FakeKernel } from "./fakeKernel.js";

type Server = typeof import("../src/server.js");
let server: Server;
beforeAll(async () => {
  server = await import("../src/server.js");
});

const PREFIX = 'import { viewerMessage as tomolab$viewerMessage } from "tomolab";\n';

describe("kernelCode", () => {
  it("carries hostile text only inside one JSON string literal", () => {
    const message: ViewerMessage = {
      type: "retrain",
      viewId: 'x"); process.exit(1); ("',
      requestId: "r\u2028\u2029`${1}`</script>",
      labelsPath: "a\\b\n.labels.json",
      plane: "xy",
      slice: 3,
      selection: { inputs: ['SE2"'], filters: { GaussianSmoothing: [0.3] }, tailored: [] },
    };
    for (const wait of [false, true]) {
      const code = server.kernelCode(message, { await: wait });
      expect(code.startsWith(PREFIX)).toBe(true);
      const rest = code.slice(PREFIX.length);
      const m = wait
        ? /^void \(await tomolab\$viewerMessage\(("(?:[^"\\]|\\.)*")\)\);$/.exec(rest)
        : /^void tomolab\$viewerMessage\(("(?:[^"\\]|\\.)*")\);$/.exec(rest);
      expect(m).not.toBeNull();
      // no raw line separators (they end a line in older JS parsers)
      expect(/[\u2028\u2029\n]/.test(m![1])).toBe(false);
      expect(JSON.parse(JSON.parse(m![1]) as string)).toEqual(message);
    }
  });
});

describe("trainingResultOf", () => {
  const done = {
    version: 1,
    viewId: "v",
    requestId: "v:1",
    status: "progress",
    stage: "features",
    fraction: 0.2,
  };
  const msg = (type: string, data: Record<string, unknown>) => ({
    header: { msg_type: type },
    content: { data },
  });
  it("keeps training display data of the request only", () => {
    const mime = server.TRAINING_MIME;
    expect(server.trainingResultOf(msg("display_data", { [mime]: done }), "v:1")).toEqual(done);
    expect(server.trainingResultOf(msg("update_display_data", { [mime]: done }), "v:1")).toEqual(
      done,
    );
    expect(server.trainingResultOf(msg("display_data", { [mime]: done }), "v:2")).toBeUndefined();
    expect(
      server.trainingResultOf(msg("display_data", { "text/plain": "x" }), "v:1"),
    ).toBeUndefined();
    expect(
      server.trainingResultOf(
        { header: { msg_type: "stream" }, content: { name: "stdout", text: "x" } },
        "v:1",
      ),
    ).toBeUndefined();
  });
});

describe("sendRetrain", () => {
  const message = {
    type: "retrain" as const,
    viewId: "v",
    requestId: "v:1",
    labelsPath: "a.labels.json",
    plane: "xy" as const,
    slice: 0,
    selection: { inputs: ["SE2"], filters: {}, tailored: [] },
  };

  it("passes the request's results on and resolves on an ok reply", async () => {
    const kernel = new FakeKernel();
    server.setServerContext({} as never, () => kernel);
    const seen: TrainingResult[] = [];
    const sent = server.sendRetrain(document.body, message, (r) => seen.push(r));
    const req = kernel.requests[0];
    expect(req.code).toContain("void (await tomolab$viewerMessage(");
    const progress = {
      version: 1,
      viewId: "v",
      requestId: "v:1",
      status: "progress",
      stage: "training",
      fraction: 0.5,
    } as const;
    req.result(progress);
    req.result({ ...progress, requestId: "v:0" }); // an older request's answer: ignored
    req.reply("ok");
    await sent;
    expect(seen).toEqual([progress]);
  });

  it("rejects with the kernel's stderr on an error reply, and without a kernel", async () => {
    const kernel = new FakeKernel();
    server.setServerContext({} as never, () => kernel);
    const sent = server.sendRetrain(document.body, message, () => undefined);
    const req = kernel.requests[0];
    req.iopub({
      header: { msg_type: "stream" },
      content: {
        name: "stderr",
        text: "RangeError: live retraining needs a random-forest engine\n    at x",
      },
    });
    req.reply("error");
    await expect(sent).rejects.toThrow(
      "kernel: RangeError: live retraining needs a random-forest engine",
    );
    server.setServerContext({} as never, () => null);
    await expect(server.sendRetrain(document.body, message, () => undefined)).rejects.toThrow(
      "no running kernel",
    );
  });
});
