// @vitest-environment jsdom
// The plotly renderer's config: nothing goes to Plotly's cloud, SVG / publication PNG buttons.
import { beforeAll, describe, expect, it } from "vitest";

(globalThis as { DragEvent?: unknown }).DragEvent ??= class DragEvent extends MouseEvent {};
type PlotlyModule = typeof import("../src/plotly.js");
let plotly: PlotlyModule;
beforeAll(async () => {
  plotly = await import("../src/plotly.js");
});

interface Button {
  name: string;
  title: string;
  click: (node: HTMLElement) => void;
}

describe("plotlyConfig", () => {
  it("turns the cloud off whatever the figure's config says", () => {
    const config = plotly.plotlyConfig(
      {
        showSendToCloud: true,
        plotlyServerURL: "https://cloud.plotly.com/newchart",
        modeBarButtonsToRemove: ["lasso2d"],
        scrollZoom: true,
      },
      () => undefined,
    );
    expect(config.showSendToCloud).toBe(false);
    expect(config.plotlyServerURL).toBe("");
    expect(config.showEditInChartStudio).toBe(false);
    expect(config.modeBarButtonsToRemove).toEqual([
      "lasso2d",
      "sendChartToCloud",
      "sendDataToCloud",
    ]);
    expect(config.scrollZoom).toBe(true); // the figure's other settings stay
    expect(config.displaylogo).toBe(false);
  });

  it("adds SVG and publication PNG download buttons", () => {
    const calls: string[] = [];
    const node = document.createElement("div");
    const config = plotly.plotlyConfig(undefined, (format, n) => {
      expect(n).toBe(node);
      calls.push(format);
    });
    const buttons = config.modeBarButtonsToAdd as Button[];
    expect(buttons.map((b) => b.name)).toEqual(["tl-download-svg", "tl-download-png"]);
    expect(buttons[1].title).toContain(`${plotly.PUBLICATION_SCALE}x`);
    buttons[0].click(node);
    buttons[1].click(node);
    expect(calls).toEqual(["svg", "png"]);
    expect(plotly.PUBLICATION_SCALE).toBe(3);
  });

  it("names downloads after the figure title", () => {
    expect(plotly.figureFileName({ title: { text: "Fig. 3 <b>importance</b>" } })).toBe(
      "Fig.-3-importance",
    );
    expect(plotly.figureFileName({ title: "a/b c" })).toBe("a-b-c");
    expect(plotly.figureFileName(undefined)).toBe("figure");
    expect(plotly.figureFileName({ title: { text: "///" } })).toBe("figure");
  });
});
