import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";

/** Id under which JupyterLab registers the main plugin (shown in the console and in tests). */
export const PLUGIN_ID = "tomolab-jupyterlab:plugin";

/**
 * The tomolab front-end plugin. For now it only announces itself, so setup
 * and UI tests can check that the prebuilt extension is installed and loaded;
 * the volume viewer and the label painter will hang off it.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: "tomolab: volume viewer, label painter and plotly figures for the tslab kernel",
  autoStart: true,
  activate: (app: JupyterFrontEnd): void => {
    console.log(`${PLUGIN_ID} activated (JupyterLab ${app.version})`);
  },
};

export default plugin;
