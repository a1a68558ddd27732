import { describe, expect, it } from "vitest";
import { formatDuration, progress } from "../../kernel-lib/src/display/progress.js";
import { setDisplayWriter, type DisplayContent } from "../../kernel-lib/src/display/kernel.js";

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (s: string) => chunks.push(s) } };
}

describe("progress", () => {
  it("formats durations", () => {
    expect(formatDuration(800)).toBe("0.8 s");
    expect(formatDuration(42_000)).toBe("42 s");
    expect(formatDuration(185_000)).toBe("3 min 05 s");
    expect(formatDuration(3_720_000)).toBe("1 h 02 min");
  });

  it("on a terminal rewrites one line with \\r, at most once per minInterval, and ends with a newline", () => {
    let t = 0;
    const { chunks, stream } = fakeStream(true);
    const p = progress(100, { label: "blocks", mode: "auto", stream, now: () => t });
    for (let i = 1; i <= 100; i++) {
      t += 10; // 10 ms per unit: 1 s in all, so about 5 redraws at 200 ms
      p.update(i);
    }
    p.done();
    expect(chunks.every((c) => c.startsWith("\r"))).toBe(true);
    // First update draws at once (unit 1), then every 200 ms (units 21, 41, 61, 81), then the final line.
    expect(chunks.length).toBe(1 + 4 + 1);
    expect(chunks[0]).toContain("blocks: 1% | 1/100");
    expect(chunks[1]).toMatch(/21% \| 21\/100 \| elapsed 0\.2 s \| ETA 0\.8 s/);
    const final = chunks[chunks.length - 1];
    expect(final.endsWith("\n")).toBe(true);
    expect(final).toContain("[####################] blocks: 100% | 100/100 | elapsed 1.0 s");
    expect(final).not.toContain("ETA");
    p.update(50); // ignored after done
    expect(chunks.length).toBe(6);
  });

  it("in logs writes occasional whole lines; onProgress adapts (done, total)", () => {
    let t = 0;
    const { chunks, stream } = fakeStream(false);
    const p = progress(0, { label: "features", stream, now: () => t, lineInterval: 1000 });
    for (let i = 1; i <= 40; i++) {
      t += 100;
      p.onProgress(i, 40);
    }
    p.done("ok");
    expect(chunks.every((c) => c.endsWith("\n") && !c.includes("\r"))).toBe(true);
    // t = 100, 1100, 2100, 3100 draw (every 1000 ms), then the final line.
    expect(chunks.length).toBe(5);
    expect(chunks[1]).toContain("features: 27% | 11/40");
    expect(chunks[4]).toContain("features: 100% | 40/40 | elapsed 4.0 s | ok");
  });

  it("fail() reports the error message", () => {
    const { chunks, stream } = fakeStream(true);
    const p = progress(10, { stream, now: () => 0 });
    p.update(3);
    p.fail(new Error("worker crashed"));
    expect(chunks.at(-1)).toMatch(/30% \| 3\/10 .*FAILED: worker crashed\n$/);
  });

  it("in a kernel updates one output in place (display_id), throttled", () => {
    const sent: { content: DisplayContent; update: boolean }[] = [];
    setDisplayWriter((content, update) => sent.push({ content, update }));
    try {
      let t = 0;
      const p = progress(10, { label: "trees", now: () => t });
      for (let i = 1; i <= 10; i++) {
        t += 50;
        p.update(i);
      }
      p.done();
      const ids = new Set(sent.map((s) => s.content.transient?.display_id));
      expect(ids.size).toBe(1);
      expect([...ids][0]).toMatch(/^[0-9a-f]{16}$/);
      expect(sent.map((s) => s.update)).toEqual([false, true, true, true]);
      expect(sent[0].content.data["text/plain"]).toContain("trees: 10% | 1/10");
      const last = sent.at(-1)!.content.data;
      expect(last["text/html"]).toContain("width:100.0%");
      expect(last["text/plain"]).toContain("trees: 100% | 10/10");
    } finally {
      setDisplayWriter(undefined);
    }
  });

  it("rejects a bad total", () => {
    expect(() => progress(-1)).toThrow(/>= 0, received -1/);
    expect(() => progress(NaN)).toThrow(RangeError);
    expect(() => progress(10, { mode: "silent" }).update(NaN)).toThrow(
      "`done` must be a finite number, received NaN",
    );
    expect(() => progress(10, { mode: "quiet" as never })).toThrow(
      '`mode` must be one of "auto", "kernel", "tty", "lines", "silent", received "quiet"',
    );
    expect(() => progress(10, { minInterval: -5 })).toThrow(
      "`minInterval` must be a finite number >= 0, received -5",
    );
  });
});
