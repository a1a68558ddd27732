// Contrast of the viewer's channels: one window [lo, hi] per channel, the toolbar's window
// inputs (one channel at a time when there are several) and "auto" (the kernel's percentiles).
import { el, field, select } from "./dom.js";
import type { ChannelPayload } from "./viewerTypes.js";

export class ContrastControls {
  /** Window [lo, hi] of every channel. */
  windows: [number, number][];
  /** Toolbar controls, in order: the labelled first control, the rest. */
  readonly elements: HTMLElement[];
  private channel = 0;
  private readonly lo = el("input");
  private readonly hi = el("input");
  private readonly channels: readonly ChannelPayload[];

  /** `onChange`: a window changed (draw again). */
  constructor(channels: readonly ChannelPayload[], onChange: () => void) {
    this.channels = channels;
    this.windows = this.initial();
    for (const input of [this.lo, this.hi]) {
      input.type = "number";
      input.step = "any";
      input.className = "tl-window";
      input.addEventListener("change", () => {
        this.windows[this.channel] = [Number(this.lo.value), Number(this.hi.value)];
        onChange();
      });
    }
    this.sync();
    const auto = el("button", "tl-auto", "auto");
    auto.title = "Contrast window from the 0.5 / 99.5 percentiles";
    auto.addEventListener("click", () => {
      this.windows = this.initial();
      this.sync();
      onChange();
    });
    if (channels.length > 1) {
      // the window inputs edit one channel at a time
      const which = select(
        "tl-windowChannel",
        channels.map((c, i) => [String(i), c.name] as const),
      );
      which.addEventListener("change", () => {
        this.channel = Number(which.value);
        this.sync();
      });
      this.elements = [field("window", which), this.lo, this.hi, auto];
    } else this.elements = [field("window", this.lo), this.hi, auto];
  }

  /** The kernel's windows (0.5 / 99.5 percentiles). */
  private initial(): [number, number][] {
    return this.channels.map((c) => [c.window[0], c.window[1]]);
  }

  /** The inputs show the edited channel's window. */
  private sync(): void {
    const [lo, hi] = this.windows[this.channel];
    this.lo.value = String(+lo.toPrecision(6));
    this.hi.value = String(+hi.toPrecision(6));
  }
}
