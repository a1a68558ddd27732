/**
 * Worker thread holding a headless Chromium with plotly loaded, so that the kernel's main
 * thread can render a figure to a static image synchronously (see staticImage.ts): the main
 * thread blocks on a shared flag while this thread's event loop drives the browser.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { FigureRenderer, type ExportFormat } from "../plot/export.js";
import type { Figure } from "../plot/types.js";

interface Request {
  id: number;
  figure: Figure;
  format: ExportFormat;
  width: number;
  height: number;
  scale: number;
  signal: Int32Array;
}

const { port, chromium, idleMs } = workerData as {
  port: MessagePort;
  chromium: string;
  idleMs: number;
};
let renderer: Promise<FigureRenderer> | undefined;
let queue: Promise<void> = Promise.resolve();
let idle: NodeJS.Timeout | undefined;

async function handle(req: Request): Promise<void> {
  let reply: { id: number; ok: boolean; bytes?: Uint8Array; error?: string };
  try {
    renderer ??= FigureRenderer.open({ chromium, timeout: 30_000 });
    const r = await renderer;
    const bytes = await r.render(req.figure, req.format, {
      width: req.width,
      height: req.height,
      scale: req.scale,
    });
    reply = { id: req.id, ok: true, bytes: new Uint8Array(bytes) };
  } catch (err) {
    const failed = renderer;
    renderer = undefined;
    failed?.then((r) => r.close()).catch(() => undefined);
    reply = { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
  Atomics.store(req.signal, 0, 1);
  Atomics.notify(req.signal, 0);
  clearTimeout(idle);
  // Close the browser after a quiet spell; the next figure launches it again.
  idle = setTimeout(() => {
    const r = renderer;
    renderer = undefined;
    r?.then((x) => x.close()).catch(() => undefined);
  }, idleMs);
}

parentPort!.on("message", (req: Request | { close: true }) => {
  if ("close" in req) {
    clearTimeout(idle);
    queue = queue
      .then(async () => (await renderer)?.close())
      .catch(() => undefined)
      .finally(() => process.exit(0));
    return;
  }
  queue = queue.then(() => handle(req));
});
