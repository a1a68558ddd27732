// A fake kernel whose execute futures the test controls: it records each request's code and
// message, lets the test emit IOPub outputs and settle the reply.
import type { ExecuteFutureLike, IOPubMessageLike, KernelLike } from "../src/server.js";
import type { TrainingResult, ViewerMessage } from "../src/viewerTypes.js";

export interface FakeRequest {
  code: string;
  /** The message, parsed back from the code's JSON string literal. */
  message: ViewerMessage;
  future: ExecuteFutureLike;
  reply(status?: "ok" | "error", evalue?: string): void;
  iopub(msg: IOPubMessageLike): void;
  result(result: TrainingResult): void;
}

export class FakeKernel implements KernelLike {
  readonly requests: FakeRequest[] = [];

  requestExecute(content: { code: string }): ExecuteFutureLike {
    let settle!: (v: { content: { status: string; ename?: string; evalue?: string } }) => void;
    const future: ExecuteFutureLike = {
      done: new Promise((r) => (settle = r)),
    };
    const m = /tomolab\$viewerMessage\(("(?:[^"\\]|\\.)*")\)/.exec(content.code);
    if (!m) throw new Error(`unexpected code ${content.code}`);
    const message = JSON.parse(JSON.parse(m[1]) as string) as ViewerMessage;
    const iopub = (msg: IOPubMessageLike) => void future.onIOPub?.(msg);
    this.requests.push({
      code: content.code,
      message,
      future,
      reply: (status = "ok", evalue) =>
        settle({
          content: { status, ...(status === "error" ? { ename: "RangeError", evalue } : {}) },
        }),
      iopub,
      result: (result) =>
        iopub({
          header: { msg_type: "display_data" },
          content: {
            data: { "application/vnd.tomolab.training+json": result, "text/plain": "training" },
          },
        }),
    });
    return future;
  }
}
