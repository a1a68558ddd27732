// @vitest-environment jsdom
// The save status line and its retry schedule (saveStatus.ts), and the page events a saver
// follows (pageEvents.ts).
import { afterEach, describe, expect, it, vi } from "vitest";
import { followPage } from "../src/pageEvents.js";
import { SaveStatus, errorText, formatDelay, retryDelay } from "../src/saveStatus.js";

describe("retry schedule", () => {
  it("grows by the factor from initialMs and stays at maxMs", () => {
    // 250 * 3^(n-1): 250, 750, 2250, 6750, then capped at 10000
    expect(
      [1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, { initialMs: 250, factor: 3, maxMs: 10_000 })),
    ).toEqual([250, 750, 2250, 6750, 10_000, 10_000]);
    expect(retryDelay(1e6)).toBe(60_000); // no overflow to Infinity / NaN for long outages
    expect(() => retryDelay(1.5)).toThrow(/failures must be an integer >= 1, received 1.5/);
    expect(() => retryDelay(1, { factor: 0.5 })).toThrow(/factor >= 1.*received 1000, 0.5, 60000/);
  });

  it("words delays in seconds below a minute, else minutes", () => {
    expect([1000, 1400, 59_000, 60_000, 90_000, 600_000].map(formatDelay)).toEqual([
      "1 s",
      "1 s",
      "59 s",
      "1 min",
      "2 min",
      "10 min",
    ]);
    expect(errorText(new Error("HTTP 403"))).toBe("HTTP 403");
    expect(errorText("offline")).toBe("offline");
  });
});

describe("SaveStatus", () => {
  it("shows state and line, the button only while unsaved or failed", () => {
    const host = document.createElement("div");
    host.append(document.createElement("p")); // replaced
    let clicks = 0;
    const s = new SaveStatus(host, () => clicks++);
    const button = host.querySelector<HTMLButtonElement>(".tl-saveNow")!;
    expect(host.children).toHaveLength(2);
    expect(button.hidden).toBe(true);
    expect(s.show("dirty", "unsaved changes", "")).toBe("unsaved changes");
    expect(host.dataset.state).toBe("dirty");
    expect(button.hidden).toBe(false);
    expect(s.show("saved", "saved 12:00", "storage full")).toBe("saved 12:00 (storage full)");
    expect(host.querySelector(".tl-saveText")!.textContent).toBe("saved 12:00 (storage full)");
    expect(button.hidden).toBe(true);
    s.show("error", "save failed", "");
    expect(button.hidden).toBe(false);
    button.click();
    expect(clicks).toBe(1);
    s.retrying(4000, 3);
    expect(host.dataset.retryMs).toBe("4000");
    expect(host.dataset.failures).toBe("3");
  });
});

describe("followPage", () => {
  afterEach(() => vi.useRealTimers());

  function page() {
    const doc = Object.assign(new EventTarget(), { visibilityState: "visible" });
    const win = Object.assign(new EventTarget(), { document: doc });
    const log: string[] = [];
    let unsaved = false;
    const stop = followPage(win as unknown as Window, {
      unsaved: () => unsaved,
      keep: () => log.push("keep"),
      back: () => log.push("back"),
      online: () => log.push("online"),
    });
    return { win, doc, log, stop, setUnsaved: (u: boolean) => (unsaved = u) };
  }

  it("warns on leaving and keeps a draft only while strokes are unsaved", () => {
    const p = page();
    const leave = () => {
      const e = new Event("beforeunload", { cancelable: true });
      p.win.dispatchEvent(e);
      return e.defaultPrevented;
    };
    expect(leave()).toBe(false);
    p.win.dispatchEvent(new Event("pagehide"));
    expect(p.log).toEqual([]);
    p.setUnsaved(true);
    expect(leave()).toBe(true);
    p.win.dispatchEvent(new Event("pagehide"));
    p.doc.visibilityState = "hidden";
    p.doc.dispatchEvent(new Event("visibilitychange"));
    expect(p.log).toEqual(["keep", "keep", "keep"]);
  });

  it("comes back at most once a second (focus and visibilitychange come in pairs); online; stop", () => {
    vi.useFakeTimers({ now: 10_000 });
    const p = page();
    p.win.dispatchEvent(new Event("focus"));
    p.doc.dispatchEvent(new Event("visibilitychange")); // visible: a second "back" 0 ms later
    vi.advanceTimersByTime(999);
    p.win.dispatchEvent(new Event("focus"));
    expect(p.log).toEqual(["back"]);
    vi.advanceTimersByTime(1);
    p.win.dispatchEvent(new Event("focus"));
    p.win.dispatchEvent(new Event("online"));
    expect(p.log).toEqual(["back", "back", "online"]);
    p.stop();
    vi.advanceTimersByTime(5000);
    p.win.dispatchEvent(new Event("focus"));
    p.win.dispatchEvent(new Event("online"));
    p.setUnsaved(true);
    p.win.dispatchEvent(new Event("pagehide"));
    expect(p.log).toEqual(["back", "back", "online"]);
  });

  it("follows nothing without a window", () => {
    expect(() =>
      followPage(null, { unsaved: () => true, keep() {}, back() {}, online() {} })(),
    ).not.toThrow();
  });
});
