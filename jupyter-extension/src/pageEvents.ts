// The page events a label saver follows: leaving the page (warn while strokes are unsaved, and
// keep them in browser storage), hiding it (keep them), coming back to it (look for saves made
// elsewhere meanwhile) and the connection coming back (retry a failed save).

/** What the saver does on page events (see {@link followPage}). */
export interface PageHooks {
  /** True while strokes are unsaved: leaving the page then warns, hiding it keeps a draft. */
  unsaved(): boolean;
  /** Keeps the unsaved strokes in browser storage. */
  keep(): void;
  /** The page is back (focus or shown again; at most once a second). */
  back(): void;
  /** The browser is online again. */
  online(): void;
}

/**
 * Follows beforeunload, pagehide, focus and online of `win` and visibilitychange of its
 * document (nothing when `win` is null).
 * @returns a function that stops following them.
 */
export function followPage(win: Window | null, hooks: PageHooks): () => void {
  if (!win) return () => undefined;
  let lastBack = 0;
  const onPageHide = (): void => {
    if (hooks.unsaved()) hooks.keep();
  };
  const onFocus = (): void => {
    if (Date.now() - lastBack < 1000) return; // focus and visibilitychange come in pairs
    lastBack = Date.now();
    hooks.back();
  };
  const onBeforeUnload = (e: BeforeUnloadEvent): void => {
    if (!hooks.unsaved()) return;
    hooks.keep();
    e.preventDefault();
    e.returnValue = "Label strokes are not saved yet.";
  };
  const onVisibility = (): void => {
    if (win.document.visibilityState === "hidden") onPageHide();
    else onFocus();
  };
  const onOnline = (): void => hooks.online();
  const listen = (on: boolean): void => {
    const m = on ? "addEventListener" : "removeEventListener";
    win[m]("beforeunload", onBeforeUnload);
    win[m]("pagehide", onPageHide);
    win[m]("focus", onFocus);
    win[m]("online", onOnline);
    win.document[m]("visibilitychange", onVisibility);
  };
  listen(true);
  return () => listen(false);
}
