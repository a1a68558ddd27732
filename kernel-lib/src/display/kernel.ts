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

/**
 * tslab's `jupyter` module as loaded by the running kernel. tslab keeps the current cell's
 * writer in `lastWriteDisplayData` (what its own `display.raw` uses); it takes a whole
 * MIME bundle, so one output can carry both the plotly JSON and a static fallback. The
 * module is looked up in the shared CommonJS cache, so this works whichever tslab install
 * started the kernel, and never loads tslab into a plain Node process.
 */
function findTslab(): TslabJupyter | undefined {
  if (tslabJupyter) return tslabJupyter;
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const exports = mod?.exports as Partial<TslabJupyter> | undefined;
    if (exports && "lastWriteDisplayData" in exports) {
      tslabJupyter = exports as TslabJupyter;
      return tslabJupyter;
    }
  }
  return undefined;
}

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
