import { checkFinite, checkNonNegative, checkOneOf, checkString } from "../util/checks.js";
import { displayWriter, newDisplayId, sendDisplay, type DisplayWriter } from "./kernel.js";

export interface ProgressOptions {
  /** Text in front of the bar, e.g. "features". @default "progress" */
  label?: string;
  /** Fewest milliseconds between two redraws (the final one is always drawn). @default 200 */
  minInterval?: number;
  /** Fewest milliseconds between two lines when the stream is not a terminal. @default 10000 */
  lineInterval?: number;
  /**
   * Where to draw: "auto" (the notebook inside a kernel, else `stream`: one line rewritten
   * with \r on a terminal, occasional lines otherwise), or one of those forced, or "silent".
   * @default "auto"
   */
  mode?: "auto" | "kernel" | "tty" | "lines" | "silent";
  /** Stream for the terminal modes. @default process.stderr */
  stream?: { write(s: string): unknown; isTTY?: boolean };
  /** Clock in milliseconds (tests). @default performance.now */
  now?: () => number;
}

/** A running progress display. */
export interface Progress {
  /** Report `done` units finished (of the total), with an optional note. Cheap: redraws are throttled. */
  update(done: number, note?: string): void;
  /** Mark as finished: the bar goes to 100 % with the elapsed time. */
  done(note?: string): void;
  /** Mark as failed with the error's message (does not throw). */
  fail(err?: unknown): void;
  /** `(done, total) => void` for APIs with an `onProgress` callback, e.g. `mapBlocks`. */
  readonly onProgress: (done: number, total: number) => void;
}

/** "0.8 s", "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(Math.floor(s % 60)).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

type State = "running" | "done" | "failed";

const MODES: readonly NonNullable<ProgressOptions["mode"]>[] = [
  "auto",
  "kernel",
  "tty",
  "lines",
  "silent",
];

/**
 * A progress bar for long computations: in a tslab kernel one notebook output updated in
 * place (an HTML bar with percent, elapsed time and ETA); in a terminal one stderr line
 * rewritten with `\r`; in logs (stderr not a terminal) a line every `lineInterval`. Redraws
 * are throttled to at most one per `minInterval`.
 *
 * @param total - Number of units of work (blocks, slices, trees); 0 when unknown.
 * @param options - Label, throttling, output mode.
 * @example
 * const p = progress(blocks.length, { label: "features" });
 * await mapBlocks(volume, fn, { onProgress: p.onProgress });
 * p.done();
 */
export function progress(total: number, options: ProgressOptions = {}): Progress {
  checkNonNegative(total, "total");
  const label = checkString(options.label ?? "progress", "label");
  const now = options.now ?? (() => performance.now());
  const minInterval = checkNonNegative(options.minInterval ?? 200, "minInterval");
  const lineInterval = checkNonNegative(options.lineInterval ?? 10_000, "lineInterval");
  const stream = options.stream ?? process.stderr;
  let mode = checkOneOf(options.mode ?? "auto", "mode", MODES);
  let writer: DisplayWriter | undefined;
  if (mode === "auto" || mode === "kernel") {
    writer = displayWriter();
    mode = writer ? "kernel" : mode === "kernel" ? "silent" : stream.isTTY ? "tty" : "lines";
  }
  const displayId = newDisplayId();
  const start = now();
  let count = 0;
  let last = -Infinity;
  let shown = false;
  let state: State = "running";
  let lastNote: string | undefined;
  let lastWidth = 0;

  function describe(
    t: number,
    note?: string,
    error?: string,
  ): { text: string; fraction: number | undefined } {
    const elapsed = t - start;
    const fraction = total > 0 ? Math.min(1, count / total) : undefined;
    const parts: string[] = [];
    if (fraction !== undefined) parts.push(`${Math.floor(fraction * 100)}%`, `${count}/${total}`);
    else parts.push(`${count} done`);
    parts.push(`elapsed ${formatDuration(elapsed)}`);
    if (state === "running" && fraction !== undefined && count > 0 && count < total) {
      parts.push(`ETA ${formatDuration((elapsed * (total - count)) / count)}`);
    }
    let text = `${label}: ${parts.join(" | ")}`;
    if (state === "failed") text += ` | FAILED: ${error ?? "error"}`;
    else if (note) text += ` | ${note}`;
    return { text, fraction };
  }

  function bar(fraction: number | undefined): string {
    if (fraction === undefined) return "";
    const n = 20;
    const full = Math.round(fraction * n);
    return `[${"#".repeat(full)}${"-".repeat(n - full)}] `;
  }

  function draw(final: boolean, note?: string, error?: string): void {
    const t = now();
    const { text, fraction } = describe(t, note, error);
    last = t;
    if (mode === "silent") return;
    if (mode === "kernel") {
      const colour = state === "failed" ? "#D55E00" : state === "done" ? "#009E73" : "#0072B2";
      const pct = fraction === undefined ? 100 : fraction * 100;
      const html =
        `<div style="font-family:sans-serif;font-size:13px;display:flex;align-items:center;gap:8px">` +
        `<div style="width:240px;height:12px;background:#e6e6e6;border-radius:3px;overflow:hidden;flex:none">` +
        `<div style="width:${pct.toFixed(1)}%;height:100%;background:${colour}"></div></div>` +
        `<span>${escapeHtml(text)}</span></div>`;
      sendDisplay({ "text/html": html, "text/plain": text }, { displayId, update: shown, writer });
      shown = true;
      return;
    }
    const line = `${bar(fraction)}${text}`;
    if (mode === "tty") {
      const pad = lastWidth > line.length ? " ".repeat(lastWidth - line.length) : "";
      stream.write(`\r${line}${pad}${final ? "\n" : ""}`);
      lastWidth = line.length;
    } else {
      stream.write(`${line}\n`);
    }
    shown = true;
  }

  function update(done: number, note?: string): void {
    if (state !== "running") return;
    checkFinite(done, "done");
    count = done;
    if (note !== undefined) lastNote = note;
    const t = now();
    const interval = mode === "lines" ? lineInterval : minInterval;
    if (shown && t - last < interval) return;
    draw(false, lastNote);
  }

  return {
    update,
    done(note?: string) {
      if (state !== "running") return;
      state = "done";
      if (total > 0) count = Math.max(count, total);
      draw(true, note ?? lastNote);
    },
    fail(err?: unknown) {
      if (state !== "running") return;
      state = "failed";
      const message =
        err instanceof Error ? err.message : err === undefined ? undefined : String(err);
      draw(true, undefined, message);
    },
    onProgress: (done: number, newTotal: number) => {
      if (typeof newTotal === "number" && Number.isFinite(newTotal) && newTotal >= 0)
        total = newTotal;
      update(done);
    },
  };
}
