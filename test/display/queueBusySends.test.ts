import { describe, expect, it } from "vitest";
import { queueBusySends } from "../../kernel-lib/src/display/kernel.js";

/**
 * A stand-in for zeromq 6's native socket: every `every`-th send is delayed to the next turn of
 * the event loop, and until then `send` throws EBUSY, as zeromq 6.8 does. `send` is read-only on
 * the base prototype, as there.
 */
function fakeSocketClass(every: number) {
  class Base {
    delivered: unknown[] = [];
    busy = false;
    count = 0;
  }
  Object.defineProperty(Base.prototype, "send", {
    writable: false,
    value: function (this: Base, message: unknown) {
      if (this.busy) {
        const error = new Error("Socket is busy writing") as Error & { code: string };
        error.code = "EBUSY";
        throw error;
      }
      if (++this.count % every === 0) {
        this.busy = true;
        setImmediate(() => {
          this.delivered.push(message);
          this.busy = false;
        });
      } else this.delivered.push(message);
      return Promise.resolve();
    },
  });
  class Publisher extends Base {}
  return Publisher;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("queueBusySends (tslab output over zeromq 6)", () => {
  it("without it, a burst loses its messages to EBUSY", () => {
    const Publisher = fakeSocketClass(8);
    const s = new Publisher() as unknown as { send(m: unknown): unknown };
    expect(() => {
      for (let i = 0; i < 20; i++) s.send(i);
    }).toThrow(/busy/);
  });

  it("with it, every message of a burst arrives, in order, and later sends too", async () => {
    const Publisher = fakeSocketClass(8);
    queueBusySends(Publisher);
    queueBusySends(Publisher); // idempotent
    const s = new Publisher();
    const send = (m: unknown) => (s as unknown as { send(m: unknown): unknown }).send(m);
    for (let i = 0; i < 100; i++) send(i);
    expect(s.delivered.length).toBeLessThan(100); // some are waiting
    await flush();
    for (let i = 100; i < 120; i++) send(i);
    await flush();
    expect(s.delivered).toEqual(Array.from({ length: 120 }, (_, i) => i));
  });

  it("other errors still throw", () => {
    class Base {}
    Object.defineProperty(Base.prototype, "send", {
      value: () => {
        throw new Error("Socket is closed");
      },
    });
    class Publisher extends Base {}
    queueBusySends(Publisher);
    expect(() => (new Publisher() as unknown as { send(m: unknown): unknown }).send(1)).toThrow(
      /closed/,
    );
  });
});
