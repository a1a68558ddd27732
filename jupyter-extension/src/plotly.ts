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

/** Options of plotly.js's `downloadImage`. */
interface DownloadOptions {
  format: "png" | "svg";
  filename: string;
  width?: number;
  height?: number;
  scale?: number;
}

/** The subset of the plotly.js API the renderer uses. */
interface PlotlyApi {
  react(node: HTMLElement, figure: object): Promise<unknown>;
  purge(node: HTMLElement): void;
  downloadImage(node: HTMLElement, options: DownloadOptions): Promise<unknown>;
  Plots: { resize(node: HTMLElement): void };
}

/** Scale of the "publication PNG" button: 3 x the figure's size (about 300 dpi at 100 px/in). */
export const PUBLICATION_SCALE = 3;

/** A plotly modebar button (plotly.js's `modeBarButtonsToAdd` entry). */
interface ModebarButton {
  name: string;
  title: string;
  icon: { width: number; height: number; path: string };
  click: (node: HTMLElement) => void;
}

/** File name (no extension) for a figure's downloads: its title, else "figure". */
export function figureFileName(layout: Record<string, unknown> | undefined): string {
  const title = layout?.title;
  const text = typeof title === "string" ? title : (title as { text?: unknown } | undefined)?.text;
  const base = String(typeof text === "string" ? text : "")
    .replace(/<[^>]*>/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 80);
  return base || "figure";
}

/**
 * The renderer's config over the figure's own: nothing is ever sent to Plotly's cloud (no
 * "Share chart" button, no server URL, whatever the figure's config says), and two download
 * buttons join the modebar: SVG, and PNG at {@link PUBLICATION_SCALE} x the figure's size.
 */
export function plotlyConfig(
  figureConfig: Record<string, unknown> | undefined,
  download: (format: "svg" | "png", node: HTMLElement) => void,
): Record<string, unknown> {
  const own = figureConfig ?? {};
  const remove = Array.isArray(own.modeBarButtonsToRemove) ? own.modeBarButtonsToRemove : [];
  const add = Array.isArray(own.modeBarButtonsToAdd) ? own.modeBarButtonsToAdd : [];
  const buttons: ModebarButton[] = [
    {
      name: "tl-download-svg",
      title: "Download as SVG (vector)",
      icon: SVG_ICON,
      click: (node) => download("svg", node),
    },
    {
      name: "tl-download-png",
      title: `Download as PNG, ${PUBLICATION_SCALE}x (publication size)`,
      icon: PNG_ICON,
      click: (node) => download("png", node),
    },
  ];
  return {
    responsive: true,
    displaylogo: false,
    ...own,
    showSendToCloud: false,
    // plotly.js 1.x-2.x names of the same buttons (ignored by 4.x, kept for older figures' config)
    showEditInChartStudio: false,
    showLink: false,
    plotlyServerURL: "",
    modeBarButtonsToRemove: [...remove, "sendChartToCloud", "sendDataToCloud"],
    modeBarButtonsToAdd: [...add, ...buttons],
  };
}

// 24 x 24 icons: a page with "</>" (vector) and a page with a mountain (raster)
const SVG_ICON = {
  width: 24,
  height: 24,
  path: "M5 2h10l5 5v15H5zM14 3v5h5zM10.5 11 7 14.5l3.5 3.5 1-1-2.5-2.5 2.5-2.5zM14.5 11l-1 1 2.5 2.5-2.5 2.5 1 1 3.5-3.5z",
};
const PNG_ICON = {
  width: 24,
  height: 24,
  path: "M5 2h10l5 5v15H5zM14 3v5h5zM7 19h11l-3.5-5-2.5 3-1.5-2zM9 12.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z",
};

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
    const name = figureFileName(payload.layout);
    const download = (format: "svg" | "png", node: HTMLElement): void => {
      const full = (node as HTMLElement & { _fullLayout?: { width?: number; height?: number } })
        ._fullLayout;
      void Plotly.downloadImage(node, {
        format,
        filename: name,
        width: full?.width,
        height: full?.height,
        scale: format === "png" ? PUBLICATION_SCALE : 1,
      });
    };
    await Plotly.react(this.node, {
      data: payload.data,
      layout,
      frames: payload.frames,
      config: plotlyConfig(payload.config, download),
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
