import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setDisplayWriter, type DisplayContent } from "../../kernel-lib/src/display/kernel.js";
import { realData } from "../../kernel-lib/src/display/realData.js";
import { requireSharedData, sharedDataPath } from "../../kernel-lib/src/io/sharedData.js";

describe("realData (optional ../shared/data)", () => {
  const saved = process.env.TOMOLAB_SHARED_DATA;
  let dir: string;
  let sent: DisplayContent[];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-realdata-"));
    await mkdir(path.join(dir, "set"));
    await writeFile(path.join(dir, "set", "a.tif"), "x");
    sent = [];
    setDisplayWriter((content) => sent.push(content));
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.TOMOLAB_SHARED_DATA;
    else process.env.TOMOLAB_SHARED_DATA = saved;
    setDisplayWriter(undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it("returns the path of a present file and shows nothing", () => {
    process.env.TOMOLAB_SHARED_DATA = dir;
    expect(realData("set/a.tif", "a test file")).toBe(path.join(dir, "set", "a.tif"));
    expect(sent).toEqual([]);
  });

  it("returns undefined and shows a visible Skipped note naming the data when absent", () => {
    process.env.TOMOLAB_SHARED_DATA = dir;
    // A file that is missing from every data root (the repository's ../shared/data may exist).
    expect(realData("set/missing-file-for-test.tif", "the <missing> set")).toBeUndefined();
    expect(sent).toHaveLength(1);
    const html = String(sent[0].data["text/html"]);
    expect(html).toContain("Skipped:");
    expect(html).toContain("the &#60;missing&#62; set");
    expect(html).toContain("set/missing-file-for-test.tif");
    expect(String(sent[0].data["text/plain"])).toContain("not on this machine");
  });

  it("TOMOLAB_SHARED_DATA=none hides data that is present, and says so", () => {
    process.env.TOMOLAB_SHARED_DATA = dir;
    expect(sharedDataPath("set/a.tif")).toBeDefined();
    process.env.TOMOLAB_SHARED_DATA = "none";
    expect(sharedDataPath("set/a.tif")).toBeUndefined();
    expect(() => requireSharedData("set/a.tif")).toThrow(/TOMOLAB_SHARED_DATA=none/);
    expect(realData("set/a.tif", "a test file")).toBeUndefined();
    expect(String(sent[0].data["text/plain"])).toContain("TOMOLAB_SHARED_DATA=none hides");
  });

  it("looks only in TOMOLAB_SHARED_DATA when it is set (a missing folder hides ../shared/data)", () => {
    delete process.env.TOMOLAB_SHARED_DATA;
    const beside = sharedDataPath("nmc-cathode-taufactor/electrode.tiff"); // present when ../shared is
    process.env.TOMOLAB_SHARED_DATA = path.join(dir, "nonexistent");
    expect(sharedDataPath("nmc-cathode-taufactor/electrode.tiff")).toBeUndefined();
    expect(() => requireSharedData("set/a.tif")).toThrow(/looked in .*nonexistent/);
    if (beside) expect(beside).toMatch(/shared[\\/]data[\\/]nmc-cathode-taufactor/);
  });

  it("rejects a non-string or empty path", () => {
    expect(() => realData(3 as never, "x")).toThrow(
      new TypeError("`relative` must be a non-empty string, received 3"),
    );
    expect(() => realData("", "x")).toThrow(
      new RangeError('`relative` must be a non-empty string, received ""'),
    );
  });
});
