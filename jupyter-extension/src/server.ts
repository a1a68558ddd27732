// Everything that talks to the Jupyter server or the kernel: file ranges, the contents API,
// and the kernel link. Requests go through ServerConnection (token and XSRF handled there).
import { ServerConnection } from "@jupyterlab/services";
import type { ViewerMessage } from "./viewerTypes.js";

/** The part of a kernel connection the link uses. */
export interface KernelLike {
  requestExecute(content: { code: string; silent?: boolean; store_history?: boolean }): {
    done: Promise<{ content: { status: string; ename?: string; evalue?: string } }>;
  };
}

/** Finds the kernel of the notebook holding a DOM node (set by the plugin, which sees the shell). */
export type KernelFinder = (node: HTMLElement) => KernelLike | null | undefined;

let settings: ServerConnection.ISettings | undefined;
let kernelFinder: KernelFinder | undefined;

/** Called by the plugin on activation. */
export function setServerContext(
  serverSettings: ServerConnection.ISettings,
  finder: KernelFinder,
): void {
  settings = serverSettings;
  kernelFinder = finder;
}

function serverSettings(): ServerConnection.ISettings {
  settings ??= ServerConnection.makeSettings();
  return settings;
}

/** URL path of a server-relative file path, each part percent-encoded. */
function encodePath(path: string): string {
  return path
    .split("/")
    .filter((p) => p.length > 0)
    .map(encodeURIComponent)
    .join("/");
}

function join(dir: string, name: string): string {
  return dir ? `${dir.replace(/\/+$/, "")}/${name}` : name;
}

/** Reads bytes [start, end) of `dir/path` with an HTTP range request on /files/. */
export async function readFileRange(
  dir: string,
  path: string,
  start: number,
  end: number,
): Promise<ArrayBuffer> {
  const s = serverSettings();
  const url = `${s.baseUrl}files/${encodePath(join(dir, path))}`;
  const response = await ServerConnection.makeRequest(
    url,
    { headers: { Range: `bytes=${start}-${end - 1}` }, cache: "no-store" },
    s,
  );
  if (!response.ok)
    throw new Error(`reading ${join(dir, path)}: HTTP ${response.status} ${response.statusText}`);
  return response.arrayBuffer();
}

/** Text of a file through the contents API, or undefined when it does not exist. */
export async function readTextFile(dir: string, name: string): Promise<string | undefined> {
  const s = serverSettings();
  const url = `${s.baseUrl}api/contents/${encodePath(join(dir, name))}?type=file&format=text&content=1`;
  const response = await ServerConnection.makeRequest(url, { method: "GET", cache: "no-store" }, s);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`reading ${join(dir, name)}: HTTP ${response.status}`);
  const model = (await response.json()) as { content?: unknown };
  if (typeof model.content !== "string")
    throw new Error(`reading ${join(dir, name)}: no text content`);
  return model.content;
}

/** Save a text file through the contents API (the server writes it atomically). */
export async function writeTextFile(dir: string, name: string, content: string): Promise<void> {
  const s = serverSettings();
  const url = `${s.baseUrl}api/contents/${encodePath(join(dir, name))}`;
  const response = await ServerConnection.makeRequest(
    url,
    { method: "PUT", body: JSON.stringify({ type: "file", format: "text", content }) },
    s,
  );
  if (!response.ok)
    throw new Error(`saving ${join(dir, name)}: HTTP ${response.status} ${response.statusText}`);
}

/**
 * Code that hands one message to kernel-lib's `viewerMessage`: the message travels as a JSON
 * string literal (JSON.stringify of the JSON text), never as code built from its fields.
 */
export function kernelCode(message: ViewerMessage): string {
  const literal = JSON.stringify(JSON.stringify(message))
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return `import { viewerMessage as tomolab$viewerMessage } from "tomolab";\nvoid tomolab$viewerMessage(${literal});`;
}

/** Send a message to the kernel of the notebook that holds `node`; resolves on an "ok" reply. */
export async function sendToKernel(node: HTMLElement, message: ViewerMessage): Promise<void> {
  const kernel = kernelFinder?.(node);
  if (!kernel) throw new Error("no running kernel for this notebook");
  const reply = await kernel.requestExecute({
    code: kernelCode(message),
    silent: false,
    store_history: false,
  }).done;
  if (reply.content.status !== "ok")
    throw new Error(
      `kernel: ${reply.content.ename ?? reply.content.status}: ${reply.content.evalue ?? ""}`,
    );
}
