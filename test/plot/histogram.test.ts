/* eslint-disable @typescript-eslint/no-explicit-any -- plotly figure JSON is untyped; tests read nested fields */
import { describe, expect, it } from "vitest";
import { histogramFigure } from "../../kernel-lib/src/plot/histogram.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

const values = Float32Array.from([0, 1, 1, 2, 3, 3, 3, 4]);
const labels = Uint8Array.from([1, 1, 2, 2, 1, 2, 0, 2]);

describe("histogramFigure", () => {
  it("counts like np.histogram (equal bins, last bin closed) — hand count", () => {
    const fig = histogramFigure(values, { bins: 4, range: [0, 4] });
    expect(fig.data).toHaveLength(1);
    const t = fig.data[0];
    expect(t.type).toBe("bar");
    // [0,1): 0 | [1,2): 1,1 | [2,3): 2 | [3,4]: 3,3,3,4
    expect(t.y).toEqual([1, 2, 1, 4]);
    expect(t.x).toEqual([0.5, 1.5, 2.5, 3.5]);
    expect(t.width).toBe(1);
    expect((fig.layout.xaxis as any).title.text).toBe("Grey value");
    expect((fig.layout.yaxis as any).title.text).toBe("Count");
    expect(fig.layout.bargap).toBe(0);
  });

  it("ignores values outside the range and NaN", () => {
    const fig = histogramFigure(Float32Array.from([-1, 0.5, NaN, 1.5, 9]), {
      bins: 2,
      range: [0, 2],
    });
    expect(fig.data[0].y).toEqual([1, 1]);
  });

  it("splits by class: one named, coloured trace per label, label 0 left out", () => {
    const vol: Volume = { data: values, shape: [1, 2, 4], spacing: [1, 1, 1] };
    const lab: Volume = { data: labels, shape: [1, 2, 4], spacing: [1, 1, 1] };
    const fig = histogramFigure(vol, {
      bins: 4,
      range: [0, 4],
      labels: lab,
      classNames: { 1: "pore", 2: "solid" },
      colors: ["#000", "#111111", "#222222"],
    });
    expect(fig.data.map((t) => t.name)).toEqual(["pore", "solid"]);
    // class 1 holds 0, 1, 3; class 2 holds 1, 2, 3, 4; the unlabelled 3 is not drawn.
    expect(fig.data[0].y).toEqual([1, 1, 0, 1]);
    expect(fig.data[1].y).toEqual([0, 1, 1, 2]);
    expect((fig.data[0].marker as any).color).toBe("#111111");
    expect(fig.layout.barmode).toBe("overlay");
    expect(fig.data[0].opacity).toBe(0.6);
    expect(fig.layout.showlegend).toBe(true);
  });

  it("stacked classes with unlabelled add up to the total; log y", () => {
    const total = histogramFigure(values, { bins: 4, range: [0, 4] }).data[0].y as number[];
    const fig = histogramFigure(values, {
      bins: 4,
      range: [0, 4],
      labels,
      includeUnlabelled: true,
      barmode: "stack",
      logY: true,
    });
    expect(fig.data.map((t) => t.name)).toEqual(["unlabelled", "class 1", "class 2"]);
    const sum = [0, 1, 2, 3].map((b) => fig.data.reduce((s, t) => s + (t.y as number[])[b], 0));
    expect(sum).toEqual(total);
    expect(fig.layout.barmode).toBe("stack");
    expect((fig.layout.yaxis as any).type).toBe("log");
  });

  it("normalises to a density that integrates to 1 per class", () => {
    const fig = histogramFigure(values, { bins: 8, range: [0, 4], labels, histnorm: "density" });
    for (const t of fig.data) {
      const area = (t.y as number[]).reduce((s, y) => s + y * (t.width as number), 0);
      expect(area).toBeCloseTo(1, 5);
    }
    expect((fig.layout.yaxis as any).title.text).toBe("Probability density");
  });

  it("uint8 data gets one bin per grey level by default", () => {
    const fig = histogramFigure(Uint8Array.from([0, 255, 255, 7]));
    expect((fig.data[0].y as number[]).length).toBe(256);
    expect((fig.data[0].y as number[])[255]).toBe(2);
    expect((fig.data[0].y as number[])[7]).toBe(1);
  });

  it("checks its inputs", () => {
    expect(() => histogramFigure(values, { labels: new Uint8Array(3) })).toThrow(
      /`labels` has 3 elements but `values` has 8/,
    );
    expect(() => histogramFigure(values, { barmode: "group" as "stack" })).toThrow(/barmode/);
    expect(() =>
      histogramFigure(
        Float32Array.from({ length: 100 }, (_, i) => i),
        { labels: Int32Array.from({ length: 100 }, (_, i) => i + 1) },
      ),
    ).toThrow(/100 classes/);
  });
});
