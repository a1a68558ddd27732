// The MIME renderers JupyterLab loads from this package ("jupyterlab.mimeExtension").
import plotly from "./plotly.js";
import volume from "./volumeRenderer.js";

export default [plotly, volume];
