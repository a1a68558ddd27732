// Keyboard and wheel conventions of the slice viewer inside a notebook: which keys the viewer
// keeps from JupyterLab, when it has them (focus, or the pointer over it), what the wheel does.
//
// JupyterLab's command-mode shortcuts ("a", "b", "d d", "1"-"7", arrows ...) are a keydown
// listener on the document (bubbling phase). While the viewer has the keys, its keys are
// handled here and stopped before they reach it:
//   - focus: a click in the viewer focuses it (ring); Esc hands the keys back to the notebook.
//   - hover: with the pointer over the viewer and no text field focused, the viewer's keys go
//     to the viewer too (a capture listener on the window, only while the pointer is over it);
//     other keys still reach the notebook. Focus is not moved on hover, so the notebook's
//     active cell and mode stay as they were.
// Wheel: plain wheel scrolls the notebook; Shift / Alt + wheel changes the slice; Ctrl / Cmd +
// wheel (and a trackpad pinch) zooms; with "wheel: slices" ticked, the plain wheel changes the
// slice while the viewer has the focus.

/** What a wheel event over the image does. */
export type WheelAction = "zoom" | "slice" | "page";

/** Modifier state of a wheel event (the fields of a WheelEvent the rule reads). */
export interface WheelModifiers {
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/**
 * The wheel convention: Ctrl / Cmd zooms, Shift / Alt changes the slice, the plain wheel
 * scrolls the page unless `wheelSlices` is on and the viewer has the focus.
 */
export function wheelAction(
  e: WheelModifiers,
  state: { focused: boolean; wheelSlices: boolean },
): WheelAction {
  if (e.ctrlKey || e.metaKey) return "zoom";
  if (e.shiftKey || e.altKey) return "slice";
  return state.wheelSlices && state.focused ? "slice" : "page";
}

/**
 * Slice step of a wheel event: +1 (wheel down / away) or -1, 0 for no movement. Browsers turn
 * Shift + wheel into a horizontal scroll (deltaX), which counts the same.
 */
export function wheelStep(e: { deltaX: number; deltaY: number }): number {
  const d = e.deltaY !== 0 ? e.deltaY : e.deltaX;
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

/** True for elements that take typed text: keys there belong to them, not to shortcuts. */
export function takesText(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== "string") return false;
  const tag = el.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select") return true;
  if (tag === "input") {
    const type = (el as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(
      type,
    );
  }
  return el.isContentEditable === true || el.closest?.(".cm-editor") != null;
}

const NAVIGATION_KEYS = new Set([
  "ArrowUp",
  "ArrowDown",
  "ArrowLeft",
  "ArrowRight",
  "PageUp",
  "PageDown",
  "Home",
  "End",
]);

/**
 * Keys the viewer keeps from JupyterLab while it has the keys: plain printable keys (letters,
 * digits, punctuation, also with Shift) and slice navigation. Ctrl / Cmd / Alt shortcuts,
 * Enter (Shift+Enter runs the cell), Tab and Esc are left to JupyterLab and the browser.
 */
export function isViewerKey(
  e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey">,
): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  return e.key.length === 1 || NAVIGATION_KEYS.has(e.key);
}

/**
 * JupyterLab shortcuts that still work while the viewer has the focus: Shift / Ctrl / Alt + Enter
 * (run the cell) and Ctrl / Cmd + S (save the notebook). Every other key stays in the viewer.
 */
export function passesToJupyter(
  e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">,
): boolean {
  if (e.key === "Enter") return e.shiftKey || e.ctrlKey || e.metaKey || e.altKey;
  return (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "s";
}

/** Rows of the viewer's help panel and the README's table: [input, action]. */
export const HELP_ROWS: [string, string][] = [
  [
    "click in the viewer",
    "the viewer takes the keys (blue ring); Esc gives them back to the notebook",
  ],
  [
    "pointer over the viewer",
    "its keys reach the viewer too (dashed ring), unless a text field has the focus",
  ],
  [
    "wheel",
    "scrolls the notebook (tick “wheel: slices” to change slices while the viewer has the focus)",
  ],
  ["Shift / Alt + wheel, ↑ / ↓, PageUp / PageDown (10), Home / End", "next / previous slice"],
  ["Ctrl / Cmd + wheel, trackpad pinch", "zoom at the cursor; “fit” resets"],
  ["drag with “pan”, the middle button or Shift", "pan"],
  ["B / E / F / N", "brush / eraser / fill / navigate"],
  ["1 – 9, [ / ]", "class, brush radius (the radius box follows)"],
  ["Ctrl+Z, Ctrl+Shift+Z (Ctrl+Y)", "undo, redo (per stroke)"],
  ["?", "this help"],
];

/**
 * Hover keys: while the pointer is over `node`, keydowns outside it whose target takes no text
 * are offered to `handle` first (window capture phase, before JupyterLab's document listener).
 * A key `handle` takes, or any other viewer key (see {@link isViewerKey}), stops there.
 */
export class HoverKeys {
  private over = false;
  /** Esc: hover keys are off until the pointer leaves and comes back. */
  private suspended = false;
  private readonly node: HTMLElement;
  private readonly handle: (e: KeyboardEvent) => boolean;
  private readonly onChange: () => void;

  /**
   * @param handle - The viewer's key handler: true when it acted on the key.
   * @param onChange - Called when the hover state changes (to redraw the ring).
   */
  constructor(node: HTMLElement, handle: (e: KeyboardEvent) => boolean, onChange: () => void) {
    this.node = node;
    this.handle = handle;
    this.onChange = onChange;
    this.onEnter = this.onEnter.bind(this);
    this.onLeave = this.onLeave.bind(this);
    this.onKey = this.onKey.bind(this);
  }

  /** True while the pointer is over the node. */
  get hovered(): boolean {
    return this.over;
  }

  /** True when keys typed now would go to the viewer without it having the focus. */
  get active(): boolean {
    return this.over && !this.suspended && !takesText(document.activeElement);
  }

  /** Hands the keys back (Esc) until the pointer leaves the node and enters it again. */
  suspend(): void {
    this.suspended = true;
    this.onChange();
  }

  attach(): void {
    this.node.addEventListener("pointerenter", this.onEnter);
    this.node.addEventListener("pointerleave", this.onLeave);
  }

  detach(): void {
    this.node.removeEventListener("pointerenter", this.onEnter);
    this.node.removeEventListener("pointerleave", this.onLeave);
    this.setOver(false);
  }

  private setOver(over: boolean): void {
    if (over === this.over) return;
    this.over = over;
    if (over) window.addEventListener("keydown", this.onKey, true);
    else window.removeEventListener("keydown", this.onKey, true);
    this.onChange();
  }

  private onEnter(): void {
    this.suspended = false;
    this.setOver(true);
  }

  private onLeave(): void {
    this.setOver(false);
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target as Node | null;
    // inside the viewer its own (bubbling) listener has the key; text fields keep theirs
    if ((target && this.node.contains(target)) || takesText(e.target)) return;
    if (!this.node.isConnected) {
      this.setOver(false);
      return;
    }
    if (this.suspended) return;
    const handled = this.handle(e);
    if (handled) e.preventDefault();
    if (handled || isViewerKey(e)) e.stopPropagation();
  }
}

/** The help panel (hidden until "?"): a table of {@link HELP_ROWS}. */
export function buildHelp(): HTMLElement {
  const box = document.createElement("div");
  box.className = "tl-help";
  box.hidden = true;
  const table = document.createElement("table");
  for (const [input, action] of HELP_ROWS) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.textContent = input;
    const td = document.createElement("td");
    td.textContent = action;
    tr.append(th, td);
    table.appendChild(tr);
  }
  box.appendChild(table);
  return box;
}

/**
 * Who has the keys: the viewer's node listener (focus inside it) and its {@link HoverKeys}
 * (pointer over it), the focus ring / dashed ring and the badge saying so, and Esc, which
 * gives the keys back to the notebook.
 */
export class ViewerKeys {
  /** "keys: viewer ..." badge (empty when the viewer does not have the keys). */
  readonly badge = document.createElement("span");
  private readonly node: HTMLElement;
  private readonly handle: (e: KeyboardEvent) => boolean;
  private readonly hover: HoverKeys;
  private attached = false;

  /** @param handle - The viewer's key handler: true when it acted on the key. */
  constructor(node: HTMLElement, handle: (e: KeyboardEvent) => boolean) {
    this.node = node;
    this.handle = handle;
    this.badge.className = "tl-keysBadge";
    this.onKeyDown = this.onKeyDown.bind(this);
    this.onFocusChange = this.onFocusChange.bind(this);
    this.hover = new HoverKeys(node, handle, () => this.update());
  }

  /** True while the focus is inside the viewer. */
  get focused(): boolean {
    return this.node.contains(document.activeElement);
  }

  attach(): void {
    this.attached = true;
    this.node.addEventListener("keydown", this.onKeyDown);
    this.node.addEventListener("focusin", this.onFocusChange);
    this.node.addEventListener("focusout", this.onFocusChange);
    this.hover.attach();
  }

  detach(): void {
    this.attached = false;
    this.node.removeEventListener("keydown", this.onKeyDown);
    this.node.removeEventListener("focusin", this.onFocusChange);
    this.node.removeEventListener("focusout", this.onFocusChange);
    this.hover.detach();
  }

  /**
   * Keys with the focus in the viewer: they act there and never reach JupyterLab's shortcuts
   * (a document listener), except run-the-cell and save ({@link passesToJupyter}); typing in
   * the viewer's own fields stays in them; Esc gives the keys back to the notebook.
   */
  private onKeyDown(e: KeyboardEvent): void {
    if (e.key === "Escape") {
      this.release();
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    if (passesToJupyter(e)) return;
    e.stopPropagation();
    if (takesText(e.target)) return;
    if (this.handle(e)) e.preventDefault();
  }

  /** Esc: the notebook takes the focus back (command mode); hover keys pause until re-entry. */
  release(): void {
    this.hover.suspend();
    const notebook = this.node.closest<HTMLElement>(".jp-Notebook");
    if (notebook) notebook.focus({ preventScroll: true });
    else if (this.focused) (document.activeElement as HTMLElement).blur();
    this.update();
  }

  private onFocusChange(): void {
    // on focusout the element taking the focus is not known yet
    setTimeout(() => this.update(), 0);
  }

  /** Sets the rings (classes tl-mod-keys / tl-mod-hoverKeys), data-keys and the badge. */
  update(): void {
    if (!this.attached) return;
    const state = this.focused ? "focus" : this.hover.active ? "hover" : "";
    this.node.dataset.keys = state;
    this.node.classList.toggle("tl-mod-keys", state === "focus");
    this.node.classList.toggle("tl-mod-hoverKeys", state === "hover");
    this.badge.textContent =
      state === "focus"
        ? "keys: viewer (Esc: notebook)"
        : state === "hover"
          ? "keys: viewer (pointer over it)"
          : "";
  }
}

/** What the toolbar's view tools call. */
export interface ViewToolHooks {
  onWheelSlices: (on: boolean) => void;
  /** Export at a scale factor (see exportView.ts EXPORT_SCALES). */
  onExport: (factor: number) => void;
  onHelp: () => void;
}

/** The toolbar's end: "wheel: slices", export scale + "export PNG", "?" help. */
export function buildViewTools(scales: readonly number[], hooks: ViewToolHooks): HTMLElement[] {
  const wheel = document.createElement("input");
  wheel.className = "tl-wheelSlices";
  wheel.type = "checkbox";
  wheel.addEventListener("change", () => hooks.onWheelSlices(wheel.checked));
  const wheelField = document.createElement("label");
  wheelField.className = "tl-field";
  wheelField.append(document.createTextNode("wheel: slices "), wheel);
  wheelField.title =
    "Ticked: the plain wheel changes the slice while the viewer has the focus (click it first). Otherwise the wheel scrolls the notebook; Shift / Alt + wheel always changes the slice, Ctrl + wheel zooms.";
  const scale = document.createElement("select");
  scale.className = "tl-exportScale";
  for (const f of scales) {
    const o = document.createElement("option");
    o.value = String(f);
    o.textContent = `${f}x`;
    scale.appendChild(o);
  }
  scale.value = scales.includes(2) ? "2" : String(scales[0]);
  scale.title = "Resolution of the exported PNG (x the canvas size)";
  const exp = document.createElement("button");
  exp.className = "tl-exportPng";
  exp.textContent = "export PNG";
  exp.title = "Save the view as shown (overlays, labels, scale bar) as a PNG";
  exp.addEventListener("click", () => hooks.onExport(Number(scale.value)));
  const help = document.createElement("button");
  help.className = "tl-helpButton";
  help.textContent = "?";
  help.title = "Keys, mouse and wheel (?)";
  help.addEventListener("click", () => hooks.onHelp());
  return [wheelField, scale, exp, help];
}
