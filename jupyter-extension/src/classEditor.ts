// The painter's classes as the user edits them: add, rename, recolour (saved with the labels,
// `LabelFile.classes`), and the rules for class lists read from a label file.
import type { LabelClass } from "./viewerTypes.js";

/** Colours offered to new classes, in order (after those in use). */
export const NEW_CLASS_COLORS = [
  "#ef4444",
  "#a855f7",
  "#06b6d4",
  "#eab308",
  "#ec4899",
  "#84cc16",
  "#f97316",
  "#6366f1",
  "#14b8a6",
  "#78716c",
];

/** Longest class name accepted. */
export const MAX_CLASS_NAME = 40;

/** Smallest class id in 1..255 not in use. @throws RangeError when all 255 are taken. */
export function nextClassId(classes: readonly LabelClass[]): number {
  const used = new Set(classes.map((c) => c.id));
  for (let id = 1; id < 256; id++) if (!used.has(id)) return id;
  throw new RangeError("expected fewer than 255 classes (label values are bytes), received 255");
}

/** A colour for a new class: the first of {@link NEW_CLASS_COLORS} not in use. */
export function newClassColor(classes: readonly LabelClass[]): string {
  const used = new Set(classes.map((c) => c.color.toLowerCase()));
  return NEW_CLASS_COLORS.find((c) => !used.has(c)) ?? NEW_CLASS_COLORS[classes.length % 10];
}

/**
 * Why `name` cannot name class `id`, or undefined when it can: not empty, at most
 * {@link MAX_CLASS_NAME} characters, not the name of another class (case-insensitive).
 */
export function classNameProblem(
  name: string,
  classes: readonly LabelClass[],
  id: number,
): string | undefined {
  const n = name.trim();
  if (!n) return "a class needs a name";
  if (n.length > MAX_CLASS_NAME)
    return `class names have at most ${MAX_CLASS_NAME} characters, received ${n.length}`;
  const other = classes.find((c) => c.id !== id && c.name.toLowerCase() === n.toLowerCase());
  if (other) return `class ${other.id} is already called ${JSON.stringify(other.name)}`;
  return undefined;
}

/**
 * The classes of a label file, or undefined when they are not a usable list: ids distinct
 * integers in 1..255, names non-empty strings, colours "#rrggbb" (else the viewer keeps the
 * kernel's classes, and says so).
 */
export function readClasses(value: unknown): LabelClass[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: LabelClass[] = [];
  const ids = new Set<number>();
  for (const c of value as Partial<LabelClass>[]) {
    if (!c || typeof c !== "object") return undefined;
    const { id, name, color } = c;
    if (typeof id !== "number" || !Number.isInteger(id) || id < 1 || id > 255 || ids.has(id))
      return undefined;
    if (typeof name !== "string" || !name.trim()) return undefined;
    if (typeof color !== "string" || !/^#[0-9a-f]{6}$/i.test(color)) return undefined;
    ids.add(id);
    out.push({ id, name, color });
  }
  return out;
}

/**
 * Classes after loading a label file: the file's (names and colours edited in a viewer win, in
 * their order), then the kernel's classes whose id the file does not have.
 */
export function mergeClasses(
  fileClasses: readonly LabelClass[],
  kernelClasses: readonly LabelClass[],
): LabelClass[] {
  const ids = new Set(fileClasses.map((c) => c.id));
  return [...fileClasses, ...kernelClasses.filter((c) => !ids.has(c.id))].map((c) => ({ ...c }));
}

/** A class button of the paint bar: swatch and name; `key` is its 1 - 9 shortcut (0: none). */
export function classButton(c: LabelClass, key: number, onClick: () => void): HTMLButtonElement {
  const b = el("button", "tl-class");
  b.dataset.classId = String(c.id);
  const sw = el("span", "tl-swatch");
  sw.style.background = c.color;
  b.append(sw, document.createTextNode(c.name));
  b.title = `${c.name} (class ${c.id}${key ? `, key ${key}` : ""})`;
  b.addEventListener("click", onClick);
  return b;
}

/** What the editor needs from the viewer. */
export interface ClassEditorHooks {
  /** Painted voxels per class id (a class with voxels cannot be removed). */
  counts: () => Record<string, number>;
  /** Called after every change of the list (the viewer redraws, saves). */
  onChange: () => void;
  /** Whether edits can be saved (false: they stay in this view only, the editor says so). */
  canSave: () => boolean;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * The class editor: one row per class (colour picker, name, remove when unpainted) and
 * "+ class". It edits `classes` in place (the viewer, its training panel and the label saver
 * hold the same array).
 */
export class ClassEditor {
  readonly element = el("div", "tl-classEditor");
  private readonly classes: LabelClass[];
  private readonly hooks: ClassEditorHooks;
  private readonly rows = el("div", "tl-classRows");
  private readonly note = el("span", "tl-classNote");
  private readonly problem = el("span", "tl-classProblem");
  /** Applies each row's typed name (before the rows are rebuilt, so no typing is lost). */
  private pending: (() => void)[] = [];

  constructor(classes: LabelClass[], hooks: ClassEditorHooks) {
    this.classes = classes;
    this.hooks = hooks;
    const add = el("button", "tl-addClass", "+ class");
    add.title = "Add a class (next free id, keys 1 - 9 follow the order)";
    add.addEventListener("click", () => this.add());
    this.element.append(this.rows, add, this.note, this.problem);
    this.element.hidden = true;
    this.refresh();
  }

  /** Adds a class with the next free id and an unused colour. @returns its id. */
  add(name?: string): number {
    const id = nextClassId(this.classes);
    let label = name ?? `class ${id}`;
    for (let k = 2; classNameProblem(label, this.classes, id); k++) label = `class ${id} (${k})`;
    this.classes.push({ id, name: label, color: newClassColor(this.classes) });
    this.changed();
    return id;
  }

  /** Renames class `id`. @returns the problem when the name is not accepted (nothing changes). */
  rename(id: number, name: string): string | undefined {
    const c = this.classes.find((x) => x.id === id);
    if (!c) return `no class ${id}`;
    const problem = classNameProblem(name, this.classes, id);
    if (problem) return problem;
    if (c.name === name.trim()) return undefined;
    c.name = name.trim();
    this.hooks.onChange(); // the row already shows the name: no rebuild (it would drop the focus)
    return undefined;
  }

  /** Recolours class `id` ("#rrggbb"). */
  recolor(id: number, color: string): void {
    const c = this.classes.find((x) => x.id === id);
    if (!c || !/^#[0-9a-f]{6}$/i.test(color) || c.color === color.toLowerCase()) return;
    c.color = color.toLowerCase();
    this.hooks.onChange(); // no rebuild: that would close an open colour picker
  }

  /** Removes class `id` when no voxel is painted with it and it is not the last class. */
  remove(id: number): boolean {
    const i = this.classes.findIndex((x) => x.id === id);
    if (i < 0 || this.classes.length === 1 || (this.hooks.counts()[String(id)] ?? 0) > 0)
      return false;
    this.classes.splice(i, 1);
    this.changed();
    return true;
  }

  private changed(): void {
    this.hooks.onChange();
    this.refresh();
  }

  /** Rebuilds the rows from the class list (after adding / removing, or a loaded file). */
  refresh(): void {
    // names being typed are applied first, so the rows built below hold them
    const pending = this.pending;
    this.pending = [];
    for (const apply of pending) apply();
    const counts = this.hooks.counts();
    this.rows.replaceChildren(
      ...this.classes.map((c, i) => {
        const row = el("div", "tl-classRow");
        row.dataset.classId = String(c.id);
        const color = el("input", "tl-classColor");
        color.type = "color";
        color.value = c.color;
        color.title = `Colour of class ${c.id}`;
        color.addEventListener("input", () => this.recolor(c.id, color.value));
        const name = el("input", "tl-className");
        name.type = "text";
        name.value = c.name;
        name.maxLength = MAX_CLASS_NAME;
        name.title = `Name of class ${c.id}${i < 9 ? ` (key ${i + 1})` : ""}`;
        const apply = (): void => {
          const current = this.classes.find((x) => x.id === c.id);
          if (!current || name.value.trim() === current.name) return;
          const problem = this.rename(c.id, name.value);
          this.problem.textContent = problem ?? "";
          if (problem) name.value = current.name;
        };
        this.pending.push(apply);
        name.addEventListener("change", apply);
        name.addEventListener("keydown", (e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            apply();
          }
        });
        const painted = counts[String(c.id)] ?? 0;
        const remove = el("button", "tl-removeClass", "×");
        remove.disabled = painted > 0 || this.classes.length === 1;
        remove.title = painted
          ? `${painted} voxels are painted with this class: erase them to remove it`
          : "Remove this class";
        remove.addEventListener("click", () => this.remove(c.id));
        row.append(el("span", "tl-classId", String(c.id)), color, name, remove);
        return row;
      }),
    );
    this.note.textContent = this.hooks.canSave()
      ? "saved with the labels"
      : "kept in this view only (the labels are not saved here)";
  }
}
