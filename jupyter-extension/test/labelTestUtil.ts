// Helpers of the label tests: a store painted voxel by voxel, and a browser storage in memory.
import { LabelStore } from "../src/labelModel.js";
import type { Shape } from "../src/planes.js";

/** A store holding `dense` (x fastest), built voxel by voxel through painting. */
export function storeOf(shape: Shape, dense: ArrayLike<number>): LabelStore {
  const s = new LabelStore(shape);
  const [, ny, nx] = shape;
  for (let i = 0; i < dense.length; i++) {
    if (!dense[i]) continue;
    const z = Math.floor(i / (ny * nx));
    const y = Math.floor(i / nx) % ny;
    s.beginStroke(dense[i]);
    s.paintDisc("xy", z, i % nx, y, 0);
    s.endStroke();
  }
  return s;
}

/** A Storage over a Map, `map` (jsdom's localStorage is one per test file). */
export function memoryStorage(): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, String(v)),
    removeItem: (k: string) => void map.delete(k),
    clear: () => map.clear(),
  };
}
