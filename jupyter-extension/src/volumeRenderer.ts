import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Panel } from "@lumino/widgets";
import { VolumeViewer } from "./viewer.js";
import type { VolumeMimeType, VolumePayload } from "./viewerTypes.js";

/** MIME type of kernel-lib's `view()` output. */
export const VOLUME_MIME: VolumeMimeType = "application/vnd.tomolab.volume+json";

/** Folder of the notebook (server-relative) from the renderer's URL resolver, if any. */
async function notebookDir(
  resolver: IRenderMime.IResolver | null | undefined,
): Promise<string | undefined> {
  if (!resolver) return undefined;
  try {
    const probe = await resolver.resolveUrl("tomolab-probe");
    const path = decodeURI(probe).replace(/^\/+/, "");
    if (!path.endsWith("tomolab-probe")) return undefined;
    return path.slice(0, -"tomolab-probe".length).replace(/\/+$/, "");
  } catch {
    return undefined;
  }
}

function checkPayload(p: unknown): string | undefined {
  const v = p as Partial<VolumePayload> | undefined;
  if (!v || typeof v !== "object") return "the output has no volume payload";
  if (v.version !== 1)
    return `unsupported payload version ${JSON.stringify(v.version)} (this extension reads version 1)`;
  if (
    !Array.isArray(v.shape) ||
    v.shape.length !== 3 ||
    !v.shape.every((n) => Number.isInteger(n) && n > 0)
  )
    return `shape must be 3 positive integers, received ${JSON.stringify(v.shape)}`;
  if (!Array.isArray(v.channels) || v.channels.length === 0) return "the payload has no channels";
  return undefined;
}

/** Renders `application/vnd.tomolab.volume+json` as an interactive slice viewer. */
export class VolumeRenderer extends Panel implements IRenderMime.IRenderer {
  private readonly mimeType: string;
  private readonly resolver: IRenderMime.IResolver | null | undefined;
  private viewer: VolumeViewer | undefined;

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.mimeType = options.mimeType;
    this.resolver = options.resolver;
    this.addClass("tl-VolumeRenderer");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const payload = model.data[this.mimeType] as unknown as VolumePayload;
    const problem = checkPayload(payload);
    if (problem) {
      this.node.textContent = `tomolab viewer: ${problem}`;
      return;
    }
    if (this.viewer && this.viewer.payload.viewId === payload.viewId) return;
    this.viewer?.dispose();
    try {
      this.viewer = new VolumeViewer(payload, { notebookDir: await notebookDir(this.resolver) });
      this.addWidget(this.viewer);
    } catch (error) {
      this.node.textContent = `tomolab viewer: ${(error as Error).message}`;
    }
  }
}

export const volumeRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [VOLUME_MIME],
  defaultRank: 0,
  createRenderer: (options) => new VolumeRenderer(options),
};

const extension: IRenderMime.IExtension = {
  id: "tomolab-jupyterlab:volume",
  description: "Slice viewer, label painter and threshold tuner for tomolab volumes",
  rendererFactory: volumeRendererFactory,
  rank: 0,
  dataType: "json",
};

export default extension;
