// Everything that talks to the Jupyter server or the kernel: file ranges, the contents API,
// and the kernel link. Requests go through ServerConnection (token and XSRF handled there).
import { ServerConnection } from "@jupyterlab/services";
import type { TrainingMimeType, TrainingResult, ViewerMessage } from "./viewerTypes.js";

/** An IOPub message of an execute request, as far as the link reads it. */
export interface IOPubMessageLike {
  header: { msg_type: string };
  content: unknown;
}

/** The part of a kernel's execute future the link uses (JupyterLab's IShellFuture). */
export interface ExecuteFutureLike {
  done: Promise<{ content: { status: string; ename?: string; evalue?: string } }>;
  /** Called with each IOPub message whose parent is this request. */
  onIOPub?: (msg: IOPubMessageLike) => void | PromiseLike<void>;
}

/** The part of a kernel connection the link uses. */
export interface KernelLike {
  requestExecute(content: {
    code: string;
    silent?: boolean;
    store_history?: boolean;
  }): ExecuteFutureLike;
}

/** MIME type of the kernel's answers to "retrain". */
export const TRAINING_MIME: TrainingMimeType = "application/vnd.tomolab.training+json";

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

/** Reads bytes [start, end) of `dir/path` with an HTTP range request on /files/; `signal` cancels it. */
export async function readFileRange(
  dir: string,
  path: string,
  start: number,
  end: number,
  signal?: AbortSignal,
): Promise<ArrayBuffer> {
  const s = serverSettings();
  const url = `${s.baseUrl}files/${encodePath(join(dir, path))}`;
  const response = await ServerConnection.makeRequest(
    url,
    { headers: { Range: `bytes=${start}-${end - 1}` }, cache: "no-store", signal },
    s,
  );
  if (!response.ok)
    throw new Error(`reading ${join(dir, path)}: HTTP ${response.status} ${response.statusText}`);
  return response.arrayBuffer();
}

/**
 * A failed contents API request: `status` is the HTTP status, 0 when the server was not reached
 * (network error, server down, request aborted); the message names the file, the status and the
 * server's reason (e.g. "HTTP 403 Forbidden (Permission denied: a.labels.json)").
 */
export class ContentsError extends Error {
  override name = "ContentsError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Which version of a file the server holds: its modification time and, when the server computes it, a content hash. */
export interface ContentsVersion {
  /** `last_modified` of the contents model (ISO time). */
  lastModified: string;
  /** `hash` of the contents model (jupyter_server >= 2.11 with `hash=1`), else undefined. */
  hash?: string;
}

/**
 * How long one contents-API request may take before it counts as failed (ms). A request the
 * server never answers would otherwise hold every later save behind it; label files are small,
 * so a minute is generous. Tests lower it with {@link setContentsTimeout}.
 */
let contentsTimeoutMs = 60_000;

/** Sets the contents-request timeout (ms); returns the previous one. @internal for tests */
export function setContentsTimeout(ms: number): number {
  const previous = contentsTimeoutMs;
  contentsTimeoutMs = ms;
  return previous;
}

async function contentsRequest(
  path: string,
  what: string,
  init: RequestInit,
  query = "",
): Promise<Response> {
  const s = serverSettings();
  const url = `${s.baseUrl}api/contents/${encodePath(path)}${query}`;
  const abort = new AbortController();
  const seconds = contentsTimeoutMs / 1000;
  let timedOut = false;
  // The timer also covers reading the body (the signal aborts it); once the body is read an
  // abort is a no-op, so the timer is simply left to run out.
  setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, contentsTimeoutMs);
  const request = ServerConnection.makeRequest(url, { ...init, signal: abort.signal }, s);
  const timeout = new Promise<never>((_, reject) =>
    abort.signal.addEventListener("abort", () =>
      reject(new Error(`no answer within ${seconds} s`)),
    ),
  );
  try {
    return await Promise.race([request, timeout]);
  } catch (error) {
    const reason = timedOut ? `no answer within ${seconds} s` : (error as Error).message;
    throw new ContentsError(0, `${what} ${path}: server unreachable (${reason})`);
  }
}

async function contentsFailure(response: Response, what: string, path: string): Promise<never> {
  let reason = "";
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body?.message === "string") reason = body.message;
  } catch {
    // no JSON body
  }
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  throw new ContentsError(
    response.status,
    `${what} ${path}: ${status}${reason ? ` (${reason})` : ""}`,
  );
}

function versionOf(model: { last_modified?: unknown; hash?: unknown }): ContentsVersion {
  return {
    lastModified: typeof model.last_modified === "string" ? model.last_modified : "",
    hash: typeof model.hash === "string" ? model.hash : undefined,
  };
}

/** Version of a file (metadata only, no content), or undefined when it does not exist. */
export async function statFile(path: string): Promise<ContentsVersion | undefined> {
  const response = await contentsRequest(
    path,
    "checking",
    { method: "GET", cache: "no-store" },
    "?content=0&hash=1",
  );
  if (response.status === 404) return undefined;
  if (!response.ok) return contentsFailure(response, "checking", path);
  return versionOf((await response.json()) as { last_modified?: unknown });
}

/** Text and version of a file, or undefined when it does not exist. */
export async function readTextVersion(
  path: string,
): Promise<(ContentsVersion & { text: string }) | undefined> {
  const response = await contentsRequest(
    path,
    "reading",
    { method: "GET", cache: "no-store" },
    "?type=file&format=text&content=1&hash=1",
  );
  if (response.status === 404) return undefined;
  if (!response.ok) return contentsFailure(response, "reading", path);
  const model = (await response.json()) as { content?: unknown; last_modified?: unknown };
  if (typeof model.content !== "string")
    throw new ContentsError(response.status, `reading ${path}: no text content`);
  return { ...versionOf(model), text: model.content };
}

/**
 * Save a text file through the contents API (unconditional: the server has no conditional
 * write). @returns the version the server reports after writing it.
 */
export async function saveTextFile(path: string, content: string): Promise<ContentsVersion> {
  const response = await contentsRequest(path, "saving", {
    method: "PUT",
    body: JSON.stringify({ type: "file", format: "text", content }),
  });
  if (!response.ok) return contentsFailure(response, "saving", path);
  return versionOf((await response.json()) as { last_modified?: unknown });
}

/** Server-relative path of `name` in folder `dir` ("" = root). */
export function serverPath(dir: string, name: string): string {
  return join(dir, name);
}

/** Identifies this Jupyter server (its base URL), e.g. to key browser storage. */
export function serverId(): string {
  return serverSettings().baseUrl;
}

/** Options of {@link kernelCode}. */
export interface KernelCodeOptions {
  /**
   * Await the kernel-lib call (tslab runs top-level await), so the execute request lasts until
   * its promise settles and the outputs it displays belong to this request. @default false
   */
  await?: boolean;
}

/**
 * Code that hands one message to kernel-lib's `viewerMessage`: the message travels as a JSON
 * string literal (JSON.stringify of the JSON text), never as code built from its fields.
 */
export function kernelCode(message: ViewerMessage, options: KernelCodeOptions = {}): string {
  const literal = JSON.stringify(JSON.stringify(message))
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  const call = `tomolab$viewerMessage(${literal})`;
  return (
    `import { viewerMessage as tomolab$viewerMessage } from "tomolab";\n` +
    (options.await ? `void (await ${call});` : `void ${call};`)
  );
}

function findKernel(node: HTMLElement): KernelLike {
  const kernel = kernelFinder?.(node);
  if (!kernel) throw new Error("no running kernel for this notebook");
  return kernel;
}

/** Text of an error reply: ename / evalue, else the last stderr or error output of the request. */
function replyError(
  content: { status: string; ename?: string; evalue?: string },
  stderr: string,
): Error {
  const line = stderr.trim().split("\n")[0];
  if (content.evalue) return new Error(`kernel: ${content.ename ?? "Error"}: ${content.evalue}`);
  return new Error(`kernel: ${line || content.ename || content.status}`);
}

/** Stderr text or error value carried by an IOPub message ("" for other messages). */
function errorText(msg: IOPubMessageLike): string {
  const c = msg.content as { name?: string; text?: string; ename?: string; evalue?: string };
  if (msg.header.msg_type === "stream" && c.name === "stderr") return c.text ?? "";
  if (msg.header.msg_type === "error") return `${c.ename ?? "Error"}: ${c.evalue ?? ""}\n`;
  return "";
}

/**
 * The training result carried by an IOPub message of a retrain request, or undefined when the
 * message is something else (other MIME types, stream output, another request's answer).
 */
export function trainingResultOf(
  msg: IOPubMessageLike,
  requestId: string,
): TrainingResult | undefined {
  const type = msg.header.msg_type;
  if (type !== "display_data" && type !== "update_display_data" && type !== "execute_result")
    return undefined;
  const data = (msg.content as { data?: Record<string, unknown> }).data;
  const result = data?.[TRAINING_MIME] as TrainingResult | undefined;
  if (!result || typeof result !== "object" || result.requestId !== requestId) return undefined;
  return result;
}

/** Send a message to the kernel of the notebook that holds `node`; resolves on an "ok" reply. */
export async function sendToKernel(node: HTMLElement, message: ViewerMessage): Promise<void> {
  const kernel = findKernel(node);
  const future = kernel.requestExecute({
    code: kernelCode(message),
    silent: false,
    store_history: false,
  });
  let stderr = "";
  future.onIOPub = (msg) => {
    stderr += errorText(msg);
  };
  const reply = await future.done;
  if (reply.content.status !== "ok") throw replyError(reply.content, stderr);
}

/**
 * Send a "retrain" message and pass each training result the kernel displays while running it
 * (display_data / update_display_data of MIME `application/vnd.tomolab.training+json` with the
 * message's requestId) to `onResult`. The code awaits kernel-lib's call, so the request lasts
 * until the answer is sent. Resolves on an "ok" reply; rejects on an error reply (with the
 * kernel's stderr) or when the notebook has no kernel.
 */
export async function sendRetrain(
  node: HTMLElement,
  message: Extract<ViewerMessage, { type: "retrain" }>,
  onResult: (result: TrainingResult) => void,
): Promise<void> {
  const kernel = findKernel(node);
  const future = kernel.requestExecute({
    code: kernelCode(message, { await: true }),
    silent: false,
    store_history: false,
  });
  let stderr = "";
  future.onIOPub = (msg) => {
    const result = trainingResultOf(msg, message.requestId);
    if (result) onResult(result);
    else stderr += errorText(msg);
  };
  const reply = await future.done;
  if (reply.content.status !== "ok") throw replyError(reply.content, stderr);
}
