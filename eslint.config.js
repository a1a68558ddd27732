import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "jupyter-extension/lib/**",
      ".venv/**",
      ".cache/**",
      "figures/**",
      "jupyter-extension/tomolab_jupyterlab/labextension/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Notebook sources: a cell's results stay in scope for the user's next cells.
    files: ["notebooks/src/**"],
    rules: { "@typescript-eslint/no-unused-vars": "off" },
  },
);
