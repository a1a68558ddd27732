import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { setServerContext, type KernelLike } from "./server.js";

/** Id under which JupyterLab registers the main plugin (shown in the console and in tests). */
export const PLUGIN_ID = "tomolab-jupyterlab:plugin";

/** A notebook panel as far as the kernel link needs it (duck-typed: no @jupyterlab/notebook import). */
interface SessionHolder {
  node: HTMLElement;
  sessionContext?: { session?: { kernel?: KernelLike | null } | null };
}

/**
 * The tomolab front-end plugin: hands the server settings and a kernel finder to the volume
 * viewer (a MIME renderer, which by itself knows neither), so the viewer's requests go through
 * JupyterLab's ServerConnection and "apply" reaches the kernel of the notebook showing it.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: "tomolab: volume viewer, label painter and plotly figures for the tslab kernel",
  autoStart: true,
  activate: (app: JupyterFrontEnd): void => {
    // (the application's services typings may come from a newer copy: same runtime object)
    const settings = app.serviceManager.serverSettings as unknown as Parameters<
      typeof setServerContext
    >[0];
    setServerContext(settings, (node) => {
      for (const widget of app.shell.widgets("main")) {
        const holder = widget as unknown as SessionHolder;
        if (holder.sessionContext && holder.node.contains(node))
          return holder.sessionContext.session?.kernel ?? null;
      }
      return null;
    });
    console.log(`${PLUGIN_ID} activated (JupyterLab ${app.version})`);
  },
};

export default plugin;
