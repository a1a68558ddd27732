import { afterEach, describe, expect, it, vi } from "vitest";
import { idleSharedBytes, leaseShared } from "../../kernel-lib/src/parallel/scratch.js";
import { retainLimitBytes } from "../../kernel-lib/src/parallel/workerMemory.js";
import { allocate } from "../../kernel-lib/src/volume/dtype.js";
import type { Shape3, Spacing3 } from "../../kernel-lib/src/volume/types.js";

const shape: Shape3 = [2, 3, 4];
const spacing: Spacing3 = [1, 2, 3];

afterEach(() => {
  vi.useRealTimers();
});

describe("leaseShared", () => {
  it("returns a shared volume as it is, and copies a plain one into shared memory", () => {
    const shared = { data: allocate("uint16", 24, true), shape, spacing };
    const same = leaseShared(shared);
    expect(same.volume).toBe(shared);
    same.release();
    const plain = { data: Float32Array.from({ length: 24 }, (_, i) => i / 3), shape, spacing };
    const lease = leaseShared(plain);
    expect(lease.volume.data).toBeInstanceOf(Float32Array);
    expect(lease.volume.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(lease.volume.data)).toEqual(Array.from(plain.data));
    expect(lease.volume.shape).toEqual(shape);
    expect(lease.volume.spacing).toEqual(spacing);
    lease.release();
  });

  it("reuses an ended lease's buffer for the next copy of that size, never one in use", () => {
    vi.useFakeTimers();
    const before = idleSharedBytes();
    const a = { data: Uint8Array.from({ length: 24 }, (_, i) => i), shape, spacing };
    const b = { data: Uint8Array.from({ length: 24 }, (_, i) => 100 + i), shape, spacing };
    const first = leaseShared(a);
    const second = leaseShared(b);
    // Both in use: distinct buffers, each with its own contents.
    expect(second.volume.data.buffer).not.toBe(first.volume.data.buffer);
    expect(first.volume.data[5]).toBe(5);
    expect(second.volume.data[5]).toBe(105);
    const buffer = first.volume.data.buffer;
    first.release();
    first.release();
    expect(idleSharedBytes()).toBe(before + 24);
    // Same byte length, another type: the ended buffer, overwritten whole.
    const c = {
      data: Uint16Array.from({ length: 12 }, (_, i) => 7 * i),
      shape: [1, 3, 4] as Shape3,
      spacing,
    };
    const third = leaseShared(c);
    expect(third.volume.data.buffer).toBe(buffer);
    expect(Array.from(third.volume.data)).toEqual(Array.from(c.data));
    expect(idleSharedBytes()).toBe(before);
    third.release();
    second.release();
    expect(idleSharedBytes()).toBe(before + 48);
    // Idle buffers are dropped a second after the last release.
    vi.advanceTimersByTime(1001);
    expect(idleSharedBytes()).toBe(0);
    const fourth = leaseShared(a);
    expect(fourth.volume.data.buffer).not.toBe(buffer);
    fourth.release();
    vi.advanceTimersByTime(1001);
  });

  it("keeps no more than its limit of ended leases (by default retainLimitBytes())", () => {
    expect(retainLimitBytes()).toBeGreaterThanOrEqual(32 * 2 ** 20);
    vi.useFakeTimers();
    vi.advanceTimersByTime(1001);
    const limit = 1000;
    const n = Math.floor(limit / 3) + 1;
    const leases = [0, 1, 2].map(() =>
      leaseShared({ data: new Uint8Array(n), shape: [1, 1, n], spacing }, limit),
    );
    for (const lease of leases) lease.release();
    expect(idleSharedBytes()).toBe(2 * n);
    expect(idleSharedBytes()).toBeLessThanOrEqual(limit);
    vi.advanceTimersByTime(1001);
    expect(idleSharedBytes()).toBe(0);
  });
});
