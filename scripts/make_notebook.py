"""Build a .ipynb (tslab kernel) from a plain-text source with cell markers.

Usage: python3 scripts/make_notebook.py notebooks/src/00-quickstart.ts notebooks/00-quickstart.ipynb

The source is the notebook's text: a line `// %% [markdown]` starts a markdown
cell (its lines start with `// `), a line `// %%` starts a code cell. Notebooks
are generated from these sources so reviews read as plain text; edit the
source and re-run this script (outputs are never committed).
"""

import json
import sys


def parse(text):
    cells = []
    kind, lines = None, []

    def flush():
        if kind is None:
            return
        while lines and not lines[-1].strip():
            lines.pop()
        if kind == "markdown":
            body = [l[3:] if l.startswith("// ") else l[2:] if l.startswith("//") else l for l in lines]
            cells.append({"cell_type": "markdown", "metadata": {}, "source": "\n".join(body)})
        else:
            cells.append(
                {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": "\n".join(lines)}
            )

    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "// %% [markdown]":
            flush()
            kind, lines = "markdown", []
        elif stripped == "// %%":
            flush()
            kind, lines = "code", []
        elif kind is not None:
            if not lines and not line.strip():
                continue
            lines.append(line)
    flush()
    return cells


def main(src, dst):
    with open(src, encoding="utf-8") as f:
        cells = parse(f.read())
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "TypeScript", "language": "typescript", "name": "tslab"},
            "language_info": {
                "codemirror_mode": {"mode": "typescript", "name": "javascript", "typescript": True},
                "file_extension": ".ts",
                "mimetype": "text/typescript",
                "name": "typescript",
                "version": "5.0",
            },
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"cell-{i:02d}"
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
