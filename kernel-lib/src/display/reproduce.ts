import { appendFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/** `$TOMOLAB_REPRODUCE_DIR` when set (by `npm run reproduce`), else undefined. */
export function reproduceDir(): string | undefined {
  const dir = process.env.TOMOLAB_REPRODUCE_DIR;
  return dir ? path.resolve(dir) : undefined;
}

/** Write a file synchronously through a temporary name and a rename; parent folders are created. */
export function writeFileAtomicSync(file: string, content: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/** Append one line (a newline is added), creating the folder. */
export function appendLineSync(file: string, line: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, line + "\n");
}
