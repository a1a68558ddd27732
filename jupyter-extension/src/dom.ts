// Small DOM builders shared by the viewer's modules and the training panel.

/** A `tag` element with an optional class name and text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Canvas pixel [x, y] under a pointer event (the canvas may be shown scaled). */
export function canvasPoint(canvas: HTMLCanvasElement, e: MouseEvent): [number, number] {
  const r = canvas.getBoundingClientRect();
  return [
    ((e.clientX - r.left) * canvas.width) / r.width,
    ((e.clientY - r.top) * canvas.height) / r.height,
  ];
}

/** `<label class="tl-field">text control</label>` (toolbar fields: the name first). */
export function field(text: string, control: HTMLElement): HTMLElement {
  const l = el("label", "tl-field");
  l.append(document.createTextNode(text + " "), control);
  return l;
}

/** `<label class="tl-field">control text</label>` (check boxes: the box first). */
export function fieldAfter(control: HTMLElement, text: string): HTMLElement {
  const l = el("label", "tl-field");
  l.append(control, document.createTextNode(" " + text));
  return l;
}

/** A check box, ticked or not; `onChange` gets its state after each click. */
export function checkbox(
  className: string | undefined,
  checked: boolean,
  onChange?: (checked: boolean) => void,
): HTMLInputElement {
  const box = el("input", className);
  box.type = "checkbox";
  box.checked = checked;
  if (onChange) box.addEventListener("change", () => onChange(box.checked));
  return box;
}

/** An opacity slider (range input over [0, 1] in steps of 0.05); `onInput` gets its value. */
export function slider(
  className: string,
  value: number,
  onInput?: (value: number) => void,
): HTMLInputElement {
  const s = el("input", className);
  s.type = "range";
  s.min = "0";
  s.max = "1";
  s.step = "0.05";
  s.value = String(value);
  if (onInput) s.addEventListener("input", () => onInput(Number(s.value)));
  return s;
}

/** A `<select>` with one `<option>` per [value, text] pair. */
export function select(
  className: string | undefined,
  options: readonly (readonly [value: string, text: string])[],
): HTMLSelectElement {
  const s = el("select", className);
  for (const [value, text] of options) {
    const o = el("option", undefined, text);
    o.value = value;
    s.appendChild(o);
  }
  return s;
}
