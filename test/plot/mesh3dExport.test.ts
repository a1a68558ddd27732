import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { decode } from "fast-png";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { locateChromium } from "../../kernel-lib/src/plot/chromium.js";
import { exportFigures } from "../../kernel-lib/src/plot/export.js";
import { isosurfaceFigure } from "../../kernel-lib/src/plot/mesh3d.js";
import { pathsFigure } from "../../kernel-lib/src/plot/render3dPaths.js";

const chromium = locateChromium();
if (!chromium)
  console.warn(
    "[test/plot/mesh3dExport] skipped: no Chromium found (install chromium or set TOMOLAB_CHROMIUM)",
  );

/** Fraction of pixels whose colour is close in hue to orange #E69F00 (r > g > b, saturated). */
function orangeFraction(png: Uint8Array): number {
  const img = decode(png);
  const c = img.channels;
  let hits = 0;
  const n = img.width * img.height;
  for (let p = 0; p < n; p++) {
    const [r, g, b] = [img.data[c * p]!, img.data[c * p + 1]!, img.data[c * p + 2]!];
    if (r > g && g > b && r - b > 80) hits++;
  }
  return hits / n;
}

describe.skipIf(!chromium)("PNG export of 3D figures (WebGL in headless Chromium)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-mesh3d-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("renders an isosurface of a ball and a set of paths (pixels drawn, not a blank scene)", async () => {
    const n = 24;
    const data = new Uint8Array(n * n * n);
    const c = (n - 1) / 2;
    for (let z = 0, i = 0; z < n; z++)
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++, i++) data[i] = Math.hypot(z - c, y - c, x - c) <= 9 ? 1 : 0;
    const ball = isosurfaceFigure(
      { data, shape: [n, n, n], spacing: [10, 10, 10] },
      { colors: ["#E69F00"], width: 400, height: 300 },
    );
    const empty = isosurfaceFigure(
      { data: new Uint8Array(8), shape: [2, 2, 2], spacing: [1, 1, 1] },
      { classes: [1], colors: ["#E69F00"], width: 400, height: 300 },
    );
    const paths = pathsFigure(
      [
        {
          points: [
            [0, 0, 0],
            [100, 50, 20],
            [200, 0, 40],
          ],
          length: 250,
        },
      ],
      { width: 400, height: 300, colorBy: "none", color: "#E69F00", lineWidth: 8 },
    );
    const files = ["ball.png", "empty.png", "paths.png"].map((f) => path.join(dir, f));
    const results = await exportFigures([
      { figure: ball, path: files[0]! },
      { figure: empty, path: files[1]! },
      { figure: paths, path: files[2]!, scale: 2 },
    ]);
    expect(results.map((r) => [r.width, r.height])).toEqual([
      [400, 300],
      [400, 300],
      [800, 600],
    ]);
    const [b, e, p] = await Promise.all(files.map((f) => readFile(f)));
    // the ball covers a good part of the view; the empty scene only has its legend swatch
    expect(orangeFraction(b!)).toBeGreaterThan(0.05);
    expect(orangeFraction(e!)).toBeLessThan(0.003);
    expect(orangeFraction(p!)).toBeGreaterThan(0.002);
  }, 120_000);
});
