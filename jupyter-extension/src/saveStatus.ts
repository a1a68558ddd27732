// The label save status: its state and line, the "save now" button (shown while unsaved or
// failed), and the retry schedule of failed saves (capped exponential backoff).

export type SaveState = "saved" | "saving" | "dirty" | "error" | "readonly";

/** Options of {@link retryDelay}. */
export interface BackoffOptions {
  /** Delay after the first failure, in ms. @default 1000 */
  initialMs?: number;
  /** Growth per further failure. @default 2 */
  factor?: number;
  /** Largest delay, in ms. @default 60000 */
  maxMs?: number;
}

/**
 * Delay before the next save attempt after `failures` consecutive failed ones:
 * initialMs * factor^(failures - 1), capped at maxMs (1, 2, 4, ... 32, 60, 60 s by default).
 */
export function retryDelay(failures: number, options: BackoffOptions = {}): number {
  const { initialMs = 1000, factor = 2, maxMs = 60_000 } = options;
  if (!Number.isInteger(failures) || failures < 1)
    throw new RangeError(`failures must be an integer >= 1, received ${failures}`);
  if (!(initialMs > 0) || !(factor >= 1) || !(maxMs >= initialMs))
    throw new RangeError(
      `backoff needs initialMs > 0, factor >= 1, maxMs >= initialMs, received ${initialMs}, ${factor}, ${maxMs}`,
    );
  return Math.min(maxMs, initialMs * factor ** Math.min(failures - 1, 64));
}

/** A delay as the status shows it: whole seconds below a minute, else whole minutes. */
export function formatDelay(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/** The message of an error (or the thrown value as text). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The status line of a saver and its "save now" button, in `host` (its children are replaced). */
export class SaveStatus {
  private readonly text: HTMLSpanElement;
  private readonly button: HTMLButtonElement;

  constructor(
    private readonly host: HTMLElement,
    saveNow: () => void,
  ) {
    this.text = document.createElement("span");
    this.text.className = "tl-saveText";
    this.button = document.createElement("button");
    this.button.className = "tl-saveNow";
    this.button.textContent = "save now";
    this.button.title = "Save the labels now (also retries a failed save)";
    this.button.hidden = true;
    this.button.addEventListener("click", saveNow);
    host.replaceChildren(this.text, this.button);
  }

  /**
   * Shows `state` (host's data-state) and `text`, followed by `(note)` when there is a note.
   * @returns the line shown.
   */
  show(state: SaveState, text: string, note: string): string {
    const full = note ? `${text} (${note})` : text;
    this.text.textContent = full;
    this.host.dataset.state = state;
    this.button.hidden = state !== "error" && state !== "dirty";
    return full;
  }

  /** Records the retry scheduled after `failures` failed saves (host's data-retry-ms / data-failures). */
  retrying(delayMs: number, failures: number): void {
    this.host.dataset.retryMs = String(delayMs);
    this.host.dataset.failures = String(failures);
  }
}
