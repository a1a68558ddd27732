// Content hashes and stamp files, so setup steps can tell they are already done.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { root } from "./paths.mjs";

/** sha256 (hex) of strings and/or file contents, in order. Missing files hash as "<missing>". */
export function hashOf(...parts) {
  const hash = createHash("sha256");
  for (const part of parts) {
    if (part && typeof part === "object" && "file" in part) {
      // Names relative to the checkout, so moving it keeps build stamps valid.
      hash.update(`file:${path.relative(root, part.file)}\0`);
      hash.update(fs.existsSync(part.file) ? fs.readFileSync(part.file) : "<missing>");
    } else {
      hash.update(`str:${String(part)}\0`);
    }
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** sha256 over every file below `dirs` (recursive, sorted), skipping `exclude` names. */
export function hashTree(
  dirs,
  exclude = new Set([
    "node_modules",
    "lib",
    "dist",
    "labextension",
    "__pycache__",
    ".ipynb_checkpoints",
  ]),
) {
  const files = [];
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    const stat = fs.statSync(dir);
    if (stat.isFile()) {
      files.push(dir);
      return;
    }
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (exclude.has(entry.name) || entry.name.endsWith(".tsbuildinfo")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      // a symlinked file counts too (the extension's src/viewerTypes.ts is kernel-lib's)
      else if (entry.isFile() || (entry.isSymbolicLink() && fs.statSync(full).isFile()))
        files.push(full);
    }
  };
  for (const dir of dirs) walk(dir);
  files.sort();
  return hashOf(...files.map((file) => ({ file })));
}

/** Reads a stamp (a small text file); undefined when absent. */
export function readStamp(file) {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Writes a stamp, creating its folder. */
export function writeStamp(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${value}\n`);
}
