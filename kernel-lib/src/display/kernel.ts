import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";

/** Content of a Jupyter `display_data` message: one output with several MIME types. */
export interface DisplayContent {
  /** MIME type -> payload (JSON types take objects, text types strings, images base64). */
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** `display_id` lets later `update_display_data` messages replace this output in place. */
  transient?: { display_id?: string };
}

/** Sends one display message; `update` replaces the output that has the same display_id. */
export type DisplayWriter = (content: DisplayContent, update: boolean) => void;

interface TslabJupyter {
  lastWriteDisplayData: DisplayWriter | null;
}

const require = createRequire(import.meta.url);
let tslabJupyter: TslabJupyter | undefined;
let override: DisplayWriter | null | undefined;

/** The CommonJS modules already loaded (by the kernel) whose file matches `file`. */
function cachedModules(file: RegExp): NodeJS.Module[] {
  return Object.entries(require.cache)
    .filter(([name, mod]) => mod !== undefined && file.test(name))
    .map(([, mod]) => mod!);
}

/**
 * tslab's `jupyter` module as loaded by the running kernel. tslab keeps the current cell's
 * writer in `lastWriteDisplayData` (what its own `display.raw` uses); it takes a whole
 * MIME bundle, so one output can carry both the plotly JSON and a static fallback. The
 * module is looked up in the shared CommonJS cache, so this works whichever tslab install
 * started the kernel, and never loads tslab into a plain Node process.
 */
function findTslab(): TslabJupyter | undefined {
  if (tslabJupyter) return tslabJupyter;
  for (const mod of cachedModules(/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/)) {
    const exports = mod.exports as Partial<TslabJupyter> | undefined;
    if (exports && "lastWriteDisplayData" in exports) {
      tslabJupyter = exports as TslabJupyter;
      return tslabJupyter;
    }
  }
  return undefined;
}

/** A send function of a zeromq 6 socket (it throws EBUSY while an earlier send is pending). */
type Send = (this: object, message: unknown) => unknown;

const QUEUED = Symbol.for("tomolab.queuedBusySends");
/** Queued messages sent per event-loop turn. */
const PER_TURN = 64;

/**
 * Make a zeromq 6 socket class queue the messages it cannot send yet, instead of throwing.
 * zeromq 6.8's `send` delays one send in every 512 to the next event-loop turn, and until then
 * any further `send` throws EBUSY ("Socket is busy writing"). tslab sends every output on its
 * iopub Publisher without waiting, so a burst of output (a loop of console.log, or records
 * followed by a figure) lost its lines silently (console swallows the error) or failed the cell
 * with no message (a display call threw). With this, messages that meet a busy socket wait in
 * order and go out from the next turns of the event loop. Idempotent. @internal
 */
export function queueBusySends(socketClass: { prototype: object }): void {
  const proto = socketClass.prototype as Record<string | symbol, unknown>;
  if (proto[QUEUED] === true || typeof proto.send !== "function") return;
  const send = proto.send as Send;
  const pending = new WeakMap<object, unknown[]>();
  const isBusy = (error: unknown) => (error as { code?: unknown } | null)?.code === "EBUSY";
  const drain = (socket: object, queue: unknown[]) => {
    // A few messages per turn: a publisher drops (silently) what exceeds its high-water mark
    // of 1000 queued messages, so the I/O thread gets time to pass them on.
    for (let sent = 0; queue.length > 0; sent++) {
      if (sent === PER_TURN) {
        setTimeout(drain, 1, socket, queue);
        return;
      }
      try {
        void Promise.resolve(send.call(socket, queue[0])).catch(() => undefined);
      } catch (error) {
        if (isBusy(error)) {
          setImmediate(drain, socket, queue);
          return;
        }
        // Any other failure (a closed socket): the rest cannot be sent either.
        queue.length = 0;
        break;
      }
      queue.shift();
    }
    pending.delete(socket);
  };
  // `send` is inherited read-only from zeromq's native Socket: shadow it on this class.
  const queuedSend = function (this: object, message: unknown): unknown {
    const queue = pending.get(this);
    if (queue) {
      queue.push(message);
      return Promise.resolve();
    }
    try {
      return send.call(this, message);
    } catch (error) {
      if (!isBusy(error)) throw error;
      const waiting = [message];
      pending.set(this, waiting);
      setImmediate(drain, this, waiting);
      return Promise.resolve();
    }
  };
  Object.defineProperty(proto, "send", { value: queuedSend, writable: true, configurable: true });
  proto[QUEUED] = true;
}

/** {@link queueBusySends} on the zeromq Publisher a running tslab kernel sends its output with. */
function guardKernelOutput(): void {
  for (const mod of cachedModules(/[\\/]zeromq[\\/]lib[\\/]index\.js$/)) {
    const publisher = (mod.exports as { Publisher?: { prototype: object } } | undefined)
      ?.Publisher;
    try {
      if (publisher) queueBusySends(publisher);
    } catch {
      // An unexpected zeromq: leave it as it is (importing tomolab must not fail).
    }
  }
}
guardKernelOutput();

/**
 * The writer for the cell being executed, or undefined outside a Jupyter kernel (plain
 * Node, tests), or when `TOMOLAB_DISPLAY=off`.
 */
export function displayWriter(): DisplayWriter | undefined {
  if (override !== undefined) return override ?? undefined;
  if (process.env.TOMOLAB_DISPLAY === "off") return undefined;
  const w = findTslab()?.lastWriteDisplayData;
  return typeof w === "function" ? w : undefined;
}

/** True inside a tslab kernel that is executing (or has executed) a cell. */
export function inKernel(): boolean {
  return displayWriter() !== undefined;
}

/**
 * Route display output to `writer` instead of tslab (another front end, or tests);
 * `null` forces "no kernel"; `undefined` restores the automatic lookup.
 */
export function setDisplayWriter(writer: DisplayWriter | null | undefined): void {
  override = writer;
}

/** A fresh display id for outputs that are later updated in place. */
export function newDisplayId(): string {
  return randomBytes(8).toString("hex");
}

/**
 * Send one output with a MIME bundle. Returns false (and sends nothing) outside a kernel.
 * @param bundle - MIME type -> payload; binary payloads must already be base64 strings.
 */
export function sendDisplay(
  bundle: Record<string, unknown>,
  options: {
    metadata?: Record<string, unknown>;
    displayId?: string;
    update?: boolean;
    writer?: DisplayWriter;
  } = {},
): boolean {
  const writer = options.writer ?? displayWriter();
  if (!writer) return false;
  writer(
    {
      data: bundle,
      metadata: options.metadata ?? {},
      transient: options.displayId ? { display_id: options.displayId } : {},
    },
    options.update ?? false,
  );
  return true;
}
