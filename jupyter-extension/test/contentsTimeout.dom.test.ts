// @vitest-environment jsdom
// A contents request the server never answers fails after the timeout (a failed save the
// saver shows and retries), instead of holding every later save behind it.
import { ServerConnection } from "@jupyterlab/services";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as server from "../src/server.js";

describe("contents requests time out", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    server.setContentsTimeout(60_000);
  });

  it("a PUT with no answer fails with 'no answer within' and its request is aborted", async () => {
    let signal: AbortSignal | undefined;
    vi.spyOn(ServerConnection, "makeRequest").mockImplementation((_url, init) => {
      signal = init.signal ?? undefined;
      return new Promise<Response>(() => undefined); // the server never answers
    });
    server.setContentsTimeout(50);
    await expect(server.saveTextFile("a.labels.json", "{}")).rejects.toMatchObject({
      name: "ContentsError",
      status: 0,
      message: "saving a.labels.json: server unreachable (no answer within 0.05 s)",
    });
    expect(signal?.aborted).toBe(true);
  });

  it("an answer before the timeout is used as it is", async () => {
    vi.spyOn(ServerConnection, "makeRequest").mockResolvedValue(
      new Response(JSON.stringify({ last_modified: "2026-12-02T07:00:00Z" }), { status: 200 }),
    );
    server.setContentsTimeout(1_000);
    await expect(server.statFile("a.labels.json")).resolves.toBeDefined();
  });
});
