import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
} from "node:worker_threads";
import { locateChromium } from "../plot/chromium.js";
import { exportSize, type ExportFormat, type ExportOptions } from "../plot/export.js";
import type { Figure } from "../plot/types.js";

let worker: Worker | undefined;
let port: MessagePort | undefined;
let disabledReason: string | undefined;
let seq = 0;

/** The compiled worker next to this module (tests run the TypeScript sources, workers the dist JS). */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const js = here.endsWith(".ts")
    ? here.replace(/([\\/])src([\\/])(?!.*[\\/]src[\\/])/, "$1dist$2").replace(/\.ts$/, ".js")
    : here;
  return js.replace(/staticImage\.js$/, "staticWorker.js");
}

function start(): boolean {
  if (worker) return true;
  if (disabledReason) return false;
  const chromium = locateChromium();
  if (!chromium) {
    disabledReason = "no Chromium found";
    return false;
  }
  const file = workerFile();
  if (!existsSync(file)) {
    disabledReason = `worker script ${file} is missing (build kernel-lib)`;
    return false;
  }
  const channel = new MessageChannel();
  port = channel.port1;
  worker = new Worker(file, {
    workerData: { port: channel.port2, chromium: chromium.path, idleMs: 120_000 },
    transferList: [channel.port2],
  });
  worker.unref();
  port.unref();
  worker.on("error", (err) => {
    disabledReason = `renderer failed: ${err.message}`;
    worker = undefined;
  });
  worker.on("exit", () => {
    worker = undefined;
  });
  return true;
}

/** Why static images are unavailable, or undefined when they may be rendered. */
export function staticImageUnavailable(): string | undefined {
  if (!worker && !disabledReason && !locateChromium()) disabledReason = "no Chromium found";
  return disabledReason;
}

/**
 * Render a figure to PNG or SVG bytes *synchronously*: a worker thread drives headless
 * Chromium (launched on first use, kept for later figures, closed after two idle minutes)
 * while this thread waits on a shared flag. Returns undefined, never throws, when no browser
 * is available, rendering fails or takes longer than `timeout` ms.
 */
export function renderStaticSync(
  figure: Figure,
  format: ExportFormat,
  options: ExportOptions & { timeout?: number } = {},
): { bytes: Uint8Array } | { error: string } {
  if (!start() || !worker || !port) return { error: disabledReason ?? "renderer unavailable" };
  const replies = port;
  const { width, height, scale } = exportSize(figure, options);
  const timeout = options.timeout ?? 45_000;
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const id = ++seq;
  worker.postMessage({ id, figure, format, width, height, scale, signal });
  const deadline = Date.now() + timeout;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0 || Atomics.wait(signal, 0, 0, left) === "timed-out") {
      return { error: `rendering took longer than ${timeout} ms` };
    }
    // Drain replies; older ones belong to requests that timed out.
    for (let msg = receiveMessageOnPort(replies); msg; msg = receiveMessageOnPort(replies)) {
      const reply = msg.message as { id: number; ok: boolean; bytes?: Uint8Array; error?: string };
      if (reply.id !== id) continue;
      return reply.ok ? { bytes: reply.bytes! } : { error: reply.error ?? "rendering failed" };
    }
    return { error: "renderer signalled without a reply" };
  }
}

/** Stop the renderer worker (its browser closes with it). */
export async function closeStaticRenderer(): Promise<void> {
  const w = worker;
  worker = undefined;
  port?.close();
  port = undefined;
  if (!w) return;
  const exited = new Promise<void>((resolve) => w.once("exit", () => resolve()));
  w.postMessage({ close: true });
  const timer = setTimeout(() => void w.terminate(), 10_000);
  await exited;
  clearTimeout(timer);
}
