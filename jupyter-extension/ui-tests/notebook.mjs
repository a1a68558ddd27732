// Notebooks the UI tests open: tslab kernel, code cells given as source text.

/** A code cell (not yet run unless `outputs` are given). */
export function codeCell(id, source, outputs = [], executionCount = null) {
  return { id, cell_type: "code", execution_count: executionCount, metadata: {}, source, outputs };
}

/** An nbformat 4.5 notebook for the tslab kernel. */
export function tslabNotebook(cells) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells,
  };
}
