"""Refuses to build a wheel before the labextension JavaScript is built."""

import os

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        manifest = os.path.join(self.root, "tomolab_jupyterlab", "labextension", "package.json")
        if self.target_name == "wheel" and not os.path.isfile(manifest):
            raise RuntimeError(
                f"{manifest} is missing: build the extension first "
                "(`npm run setup` at the repository root, or `npm run build --workspace jupyter-extension`)"
            )
