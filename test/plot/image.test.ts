/* eslint-disable @typescript-eslint/no-explicit-any -- plotly figure JSON is untyped; tests read nested fields */
import { describe, expect, it } from "vitest";
import {
  decodeTypedArraySpec,
  downsampleFactor,
  imageFigure,
} from "../../kernel-lib/src/plot/image.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

describe("imageFigure", () => {
  const img: Volume = {
    data: Uint16Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    shape: [1, 3, 4],
    spacing: [1, 2, 5],
  };

  it("is a greyscale heatmap in physical units with equal aspect", () => {
    const fig = imageFigure(img, { title: "raw" });
    const t = fig.data[0];
    expect(t.type).toBe("heatmap");
    expect(decodeTypedArraySpec(t.z)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
    // Pixel centres: x = 2.5, 7.5, ... (dx = 5); y = 1, 3, 5 (dy = 2).
    expect([t.x0, t.dx, t.y0, t.dy]).toEqual([2.5, 5, 1, 2]);
    expect([t.zmin, t.zmax]).toEqual([0, 11]);
    expect(t.showscale).toBe(false);
    const xa = fig.layout.xaxis as any;
    const ya = fig.layout.yaxis as any;
    expect(xa.range).toEqual([0, 20]);
    expect(ya.range).toEqual([6, 0]); // image convention: row 0 on top
    expect(ya.scaleanchor).toBe("x");
    expect(ya.scaleratio).toBe(1);
    expect(xa.title.text).toBe("x (nm)");
    expect(ya.title.text).toBe("y (nm)");
    expect(fig.layout.paper_bgcolor).toBe("white");
  });

  it("stores pixels as a plotly typed array (dtype of the data), or as JSON lists on request", () => {
    const t = imageFigure(img).data[0];
    expect(t.z).toEqual({
      dtype: "u2",
      shape: "3,4",
      bdata: Buffer.from(img.data.buffer).toString("base64"),
    });
    const json = imageFigure(img, { binary: false }).data[0];
    expect(json.z).toEqual(decodeTypedArraySpec(t.z));
    const f = imageFigure(
      { ...img, data: Float32Array.from(img.data, (v) => v / 3) },
      { binary: false },
    ).data[0];
    expect((f.z as number[][])[0]).toEqual([0, 0.33333, 0.66667, 1]); // 5 significant digits
  });

  it("takes a plane of a volume with the right axes and units", () => {
    const vol: Volume = {
      data: Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i / 3),
      shape: [2, 3, 4],
      spacing: [10, 2, 5],
    };
    const fig = imageFigure(vol, {
      plane: "yz",
      index: 3,
      unit: "µm",
      colorbar: true,
      range: [0, 8],
    });
    const t = fig.data[0];
    // yz at x = 3: rows z, columns y; value ((z*3 + y)*4 + 3) / 3 in float32
    expect(decodeTypedArraySpec(t.z)).toEqual(
      [
        [3, 7, 11],
        [15, 19, 23],
      ].map((row) => row.map((v) => Math.fround(v / 3))),
    );
    expect((fig.layout.xaxis as any).range).toEqual([0, 6]);
    expect((fig.layout.yaxis as any).range).toEqual([20, 0]);
    expect((fig.layout.xaxis as any).title.text).toBe("y (µm)");
    expect((fig.layout.yaxis as any).title.text).toBe("z (µm)");
    expect([t.zmin, t.zmax, t.showscale]).toEqual([0, 8, true]);
  });

  it("uses percentiles for the grey range when asked", () => {
    const data = Float32Array.from({ length: 101 }, (_, i) => i);
    const fig = imageFigure(
      { data, shape: [1, 1, 101], spacing: [1, 1, 1] },
      { percentiles: [10, 90] },
    );
    expect([fig.data[0].zmin, fig.data[0].zmax]).toEqual([10, 90]);
  });

  it("block-averages images above maxPixels and says so in the title", () => {
    expect(downsampleFactor(10, 10, 25)).toBe(2);
    expect(downsampleFactor(2048, 1536, 512 * 512)).toBe(4);
    const data = Float32Array.from({ length: 16 }, (_, i) => i); // 4x4
    const fig = imageFigure(
      { data, shape: [1, 4, 4], spacing: [1, 3, 3] },
      { maxPixels: 4, title: "big" },
    );
    const t = fig.data[0];
    // 2x2 block means: (0+1+4+5)/4 = 2.5, (2+3+6+7)/4 = 4.5, ...
    expect(decodeTypedArraySpec(t.z)).toEqual([
      [2.5, 4.5],
      [10.5, 12.5],
    ]);
    expect([t.x0, t.dx]).toEqual([3, 6]);
    expect((fig.layout.xaxis as any).range).toEqual([0, 12]);
    expect((fig.layout.title as any).text).toBe(
      "big<br><sup>downsampled 2x for display (4x4 to 2x2 px)</sup>",
    );
  });

  it("overlays labels with a categorical palette, 0 transparent, a legend entry per class", () => {
    const labels: Volume = {
      data: Uint8Array.from([0, 1, 1, 0, 2, 2, 0, 0, 0, 0, 0, 3]),
      shape: [1, 3, 4],
      spacing: [1, 2, 5],
    };
    const fig = imageFigure(img, {
      labels,
      classNames: ["", "pore", "solid", "matrix"],
      colors: { 2: "#ff0000" },
    });
    const overlay = fig.data[1];
    expect(overlay.type).toBe("heatmap");
    expect(decodeTypedArraySpec(overlay.z)).toEqual([
      [null, 1, 1, null],
      [2, 2, null, null],
      [null, null, null, 3],
    ]);
    expect([overlay.zmin, overlay.zmax]).toEqual([0.5, 3.5]);
    const scale = overlay.colorscale as [number, string][];
    expect(scale[2]).toEqual([1 / 3, "#ff0000"]); // label 2 spans [1/3, 2/3]
    expect(scale[3]).toEqual([2 / 3, "#ff0000"]);
    const legend = fig.data.slice(2);
    expect(legend.map((t) => t.name)).toEqual(["pore", "solid", "matrix"]);
    expect((legend[1].marker as any).color).toBe("#ff0000");
    expect(fig.layout.showlegend).toBe(true);
  });

  it("cycles colours for instance labels without a legend", () => {
    const labels: Volume = {
      data: Int32Array.from([0, 100, 101, 0, 7, 7, 0, 0, 0, 0, 0, 3]),
      shape: [1, 3, 4],
      spacing: [1, 2, 5],
    };
    const fig = imageFigure(img, { labels });
    expect(fig.data).toHaveLength(2);
    expect(decodeTypedArraySpec(fig.data[1].z)[0]).toEqual([null, 10, 1, null]); // (100-1)%10+1, (101-1)%10+1
    expect(fig.layout.showlegend).toBe(false);
  });

  it("checks its inputs", () => {
    expect(() =>
      imageFigure(img, {
        labels: { data: new Uint8Array(6), shape: [1, 2, 3], spacing: [1, 1, 1] },
      }),
    ).toThrow(/`labels` \(shape 1x2x3\) must have the shape of `image` \(shape 1x3x4\)/);
    expect(() => imageFigure(img, { maxPixels: 0 })).toThrow(/maxPixels/);
    expect(() =>
      imageFigure({ data: new Uint8Array(3), shape: [1, 2, 2], spacing: [1, 1, 1] }),
    ).toThrow(RangeError);
  });
});
