import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "jupyter-extension/test/**/*.test.ts"],
    exclude: [
      "**/node_modules/**",
      "jupyter-extension/lib/**",
      "jupyter-extension/tomolab_jupyterlab/**",
    ],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
