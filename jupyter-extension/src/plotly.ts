import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";

/** MIME type of plotly figures, the one plotly.py and kernel-lib's `show()` emit. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Payload of a plotly MIME bundle: a figure plus optional plotly config. */
interface PlotlyPayload {
  data?: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
  frames?: unknown[];
}

/** The subset of the plotly.js API the renderer uses. */
interface PlotlyApi {
  react(node: HTMLElement, figure: object): Promise<unknown>;
  purge(node: HTMLElement): void;
  Plots: { resize(node: HTMLElement): void };
}

let plotlyPromise: Promise<PlotlyApi> | undefined;

/** Loads plotly.js once, on the first figure (it is a separate, large chunk). */
function loadPlotly(): Promise<PlotlyApi> {
  plotlyPromise ??= import("plotly.js-dist-min").then(
    (module: { default?: unknown }) => (module.default ?? module) as PlotlyApi,
  );
  return plotlyPromise;
}

/** Renders one plotly figure interactively in a notebook output. */
export class PlotlyRenderer extends Widget implements IRenderMime.IRenderer {
  private readonly mimeType: string;
  private plotted = false;

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.mimeType = options.mimeType;
    this.addClass("tl-PlotlyRenderer");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const payload = model.data[this.mimeType] as PlotlyPayload | undefined;
    if (payload === undefined || !Array.isArray(payload.data)) {
      this.node.textContent = `tomolab: ${this.mimeType} output has no "data" array`;
      return;
    }
    const Plotly = await loadPlotly();
    const layout = { autosize: true, ...payload.layout };
    await Plotly.react(this.node, {
      data: payload.data,
      layout,
      frames: payload.frames,
      config: { responsive: true, displaylogo: false, ...payload.config },
    });
    this.plotted = true;
  }

  protected override onAfterShow(): void {
    this.resizePlot();
  }

  protected override onResize(): void {
    this.resizePlot();
  }

  protected override onBeforeDetach(): void {
    if (this.plotted && plotlyPromise !== undefined) {
      void plotlyPromise.then((Plotly) => Plotly.purge(this.node));
      this.plotted = false;
    }
  }

  private resizePlot(): void {
    if (this.plotted && this.isVisible && plotlyPromise !== undefined) {
      void plotlyPromise.then((Plotly) => Plotly.Plots.resize(this.node));
    }
  }
}

/** Renderer factory: `safe` because a plotly figure is data, not code. */
export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [PLOTLY_MIME],
  defaultRank: 0,
  createRenderer: (options) => new PlotlyRenderer(options),
};

const extension: IRenderMime.IExtension = {
  id: "tomolab-jupyterlab:plotly",
  description: "Interactive plotly figures in notebook outputs",
  rendererFactory,
  rank: 0,
  dataType: "json",
};

export default extension;
