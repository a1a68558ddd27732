import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pngSize } from "../../kernel-lib/src/plot/export.js";
import { locateChromium } from "../../kernel-lib/src/plot/chromium.js";

/**
 * show(), progress() and record() inside a real tslab kernel, driven through
 * jupyter_client by kernel_probe.py (which prints every iopub message as JSON).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const python = path.join(root, ".venv", "bin", "python");
const hasKernel =
  existsSync(python) &&
  existsSync(path.join(root, ".venv", "share", "jupyter", "kernels", "tslab"));
if (!hasKernel)
  console.warn("[test/display/kernel] skipped: no .venv with the tslab kernel (run npm run setup)");

interface Msg {
  type: string;
  name?: string;
  text?: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  display_id?: string | null;
  evalue?: string;
}

const cells = [
  `import { show, lineFigure, progress, record, inKernel } from "tomolab";\nconsole.log("inKernel", inKernel());`,
  `show(lineFigure({ name: "a", x: [0, 1, 2], y: [1, 3, 2] }, { title: "kernel test" }), { id: "Kernel Test", width: 400, height: 300 });`,
  `const p = progress(10, { label: "demo", minInterval: 30 });\nfor (let i = 1; i <= 10; i++) { await new Promise((r) => setTimeout(r, 20)); p.update(i); }\np.done("finished");`,
  `record("demo.value", 1.5);`,
];

describe.skipIf(!hasKernel)("display in a real tslab kernel", () => {
  it("sends one plotly+PNG output, updates progress in place, records numbers", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "tomolab-kernel-"));
    try {
      const out = path.join(dir, "messages.json");
      const run = spawnSync(python, [path.join(here, "kernel_probe.py"), here, out], {
        input: JSON.stringify(cells),
        encoding: "utf8",
        timeout: 280_000,
        env: { ...process.env, TOMOLAB_REPRODUCE_DIR: dir },
      });
      expect(run.status, run.stderr).toBe(0);
      const results = JSON.parse(await readFile(out, "utf8")) as {
        status: string;
        messages: Msg[];
      }[];
      expect(results.map((r) => r.status)).toEqual(["ok", "ok", "ok", "ok"]);

      expect(results[0].messages.map((m) => m.text).join("")).toContain("inKernel true");

      const figure = results[1].messages.filter((m) => m.type === "display_data");
      expect(figure).toHaveLength(1);
      const data = figure[0].data!;
      expect((data["application/vnd.plotly.v1+json"] as { data: unknown[] }).data).toHaveLength(1);
      expect(data["text/plain"]).toBe('Figure kernel-test "kernel test": 1 trace (scatter)');
      if (locateChromium()) {
        // The probe keeps the first 400 base64 characters: enough for the PNG header.
        expect(pngSize(Buffer.from(data["image/png"] as string, "base64"))).toEqual({
          width: 400,
          height: 300,
        });
        expect(figure[0].metadata).toEqual({ "image/png": { width: 400, height: 300 } });
      } else {
        expect(data["text/html"]).toBeDefined();
      }

      const bar = results[2].messages.filter((m) => m.type.endsWith("display_data"));
      expect(bar.length).toBeGreaterThanOrEqual(2);
      expect(bar[0].type).toBe("display_data");
      expect(bar.slice(1).every((m) => m.type === "update_display_data")).toBe(true);
      expect(new Set(bar.map((m) => m.display_id)).size).toBe(1);
      expect(bar.at(-1)!.data!["text/plain"]).toMatch(
        /^demo: 100% \| 10\/10 \| elapsed .* \| finished$/,
      );

      expect(results[3].messages.map((m) => m.text).join("")).toBe("recorded demo.value = 1.5\n");
      expect(await readFile(path.join(dir, "numbers.jsonl"), "utf8")).toBe(
        '{"key":"demo.value","value":1.5}\n',
      );
      expect(await readdir(path.join(dir, "figures"))).toEqual(["kernel-test.json"]);
      if (run.stdout.trim())
        console.log(`[test/display/kernel] kernel output: ${run.stdout.trim().slice(0, 2000)}`);
      const saved = JSON.parse(
        await readFile(path.join(dir, "figures", "kernel-test.json"), "utf8"),
      );
      expect([saved.id, saved.width, saved.height]).toEqual(["kernel-test", 400, 300]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
