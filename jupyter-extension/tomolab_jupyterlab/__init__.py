"""Prebuilt JupyterLab extension of tomolab (volume viewer, label painter, plotly figures)."""

__version__ = "0.1.0"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "tomolab-jupyterlab"}]
