// @vitest-environment jsdom
// The training panel against a fake kernel whose futures the test settles: request coalescing
// in live mode, progress, results (status, importances, overlay), errors.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { RetrainMessage } from "../src/training.js";
import type { ViewPlane } from "../src/viewerTypes.js";
import { FakeKernel } from "./fakeKernel.js";
import { OPTIONS, smallResult } from "./trainingFixtures.js";

type Server = typeof import("../src/server.js");
type PanelModule = typeof import("../src/trainingPanel.js");
let server: Server;
let TrainingPanel: PanelModule["TrainingPanel"];
beforeAll(async () => {
  server = await import("../src/server.js");
  ({ TrainingPanel } = await import("../src/trainingPanel.js"));
});

const CLASSES = [
  { id: 1, name: "void", color: "#0000ff" },
  { id: 2, name: "NMC", color: "#ff0000" },
];

describe("TrainingPanel with a fake kernel", () => {
  let kernel: FakeKernel;
  let view: { plane: ViewPlane; slice: number; labelsPath: string | undefined };
  let changes = 0;
  let panel: InstanceType<PanelModule["TrainingPanel"]>;
  const msg = (i: number) => kernel.requests[i].message as RetrainMessage;

  beforeEach(() => {
    vi.useFakeTimers();
    kernel = new FakeKernel();
    server.setServerContext({} as never, () => kernel);
    view = { plane: "xy", slice: 2, labelsPath: "vol.labels.json" };
    changes = 0;
    panel = new TrainingPanel(OPTIONS, {
      viewId: "v",
      classes: CLASSES,
      send: (m, onResult) => server.sendRetrain(document.body, m, onResult),
      view: () => view,
      onChange: () => changes++,
    });
    document.body.appendChild(panel.element);
  });
  afterEach(() => {
    panel.dispose();
    panel.element.remove();
    vi.useRealTimers();
  });

  const q = <T extends Element = HTMLElement>(s: string) => panel.element.querySelector<T>(s)!;

  it("builds the picker grid from the options and the initial selection", () => {
    const rows = [...panel.element.querySelectorAll<HTMLElement>("tr.tl-pickerRow")];
    expect(rows.map((r) => r.dataset.filter ?? r.dataset.tailored)).toEqual([
      "GaussianSmoothing",
      "GaussianGradientMagnitude",
      "StructureTensorEigenvalues",
      "ZForwardDifference",
      "ZWindowMean",
    ]);
    // checkboxes only where the filter allows the scale: 3 + 2 + 2 cells, 2 tailored
    expect(panel.element.querySelectorAll("input.tl-pick").length).toBe(9);
    expect(panel.element.querySelectorAll("td.tl-mod-disabled").length).toBe(2);
    const ticked = [...panel.element.querySelectorAll<HTMLInputElement>("input.tl-pick")]
      .filter((b) => b.checked)
      .map((b) => b.dataset.key);
    expect(ticked).toEqual([
      "GaussianSmoothing@0.3",
      "GaussianSmoothing@1.6",
      "GaussianGradientMagnitude@0.7",
      "ZWindowMean",
    ]);
    expect(q<HTMLInputElement>('input[data-input="SE2"]').checked).toBe(true);
    expect(q(".tl-pickerTailored").textContent).toContain("params 1, 2");
    // column shortcut: sigma 0.7 for every filter; row shortcut off again
    q<HTMLButtonElement>('button.tl-pickColumn[data-scale="0.7"]').click();
    expect(panel.selection().filters).toEqual({
      GaussianSmoothing: [0.3, 0.7, 1.6],
      GaussianGradientMagnitude: [0.7],
      StructureTensorEigenvalues: [0.7],
    });
    q<HTMLButtonElement>('tr[data-filter="GaussianSmoothing"] button.tl-pickRow').click();
    expect(panel.selection().filters.GaussianSmoothing).toBeUndefined();
    q<HTMLButtonElement>("button.tl-pickNone").click();
    expect(q<HTMLButtonElement>("button.tl-train").disabled).toBe(true);
    q<HTMLButtonElement>("button.tl-pickAll").click();
    expect(JSON.parse(panel.element.dataset.selection!).tailored).toEqual([
      "ZForwardDifference",
      "ZWindowMean",
    ]);
  });

  it("Train sends one request; progress, then done: status, importances, overlay", async () => {
    q<HTMLButtonElement>("button.tl-train").click();
    await vi.advanceTimersByTimeAsync(0);
    expect(kernel.requests.length).toBe(1);
    const m = msg(0);
    expect(m).toMatchObject({
      type: "retrain",
      viewId: "v",
      labelsPath: "vol.labels.json",
      plane: "xy",
      slice: 2,
    });
    expect(m.selection).toEqual(panel.selection());
    kernel.requests[0].result({
      version: 1,
      viewId: "v",
      requestId: m.requestId,
      status: "progress",
      stage: "training",
      fraction: 0.4,
    });
    expect(panel.element.dataset.state).toBe("running");
    expect(q<HTMLProgressElement>("progress.tl-trainProgress").value).toBeCloseTo(0.4);
    expect(q(".tl-trainStage").textContent).toBe("training 40%");
    kernel.requests[0].result(smallResult(m.requestId, 2));
    kernel.requests[0].reply("ok");
    await vi.advanceTimersByTimeAsync(0);
    expect(panel.element.dataset.state).toBe("done");
    expect(panel.element.dataset.prediction).toBe("xy:2");
    expect(q(".tl-trainStatus").textContent).toContain(
      "samples void 120 · NMC 80 | 7 channels | oob error 3.1%",
    );
    expect(changes).toBeGreaterThan(0);
    // importances: sorted list with bars, cells shaded relative to the top one
    const items = [...panel.element.querySelectorAll<HTMLElement>("li.tl-importance")];
    expect(items.map((li) => li.dataset.key)).toEqual([
      "GaussianSmoothing@1.6",
      "GaussianGradientMagnitude@0.7",
      "ZWindowMean",
      "GaussianSmoothing@0.3",
    ]);
    expect(items[1].querySelector<HTMLElement>(".tl-importanceBar")!.style.width).toBe("60%");
    expect(items[0].querySelector(".tl-importanceValue")!.textContent).toBe("0.500");
    expect(q('td[data-key="GaussianSmoothing@1.6"]').dataset.importance).toBe("1.000");
    expect(q('td[data-key="ZWindowMean"]').dataset.importance).toBe("0.300");
    expect(q('td[data-key="StructureTensorEigenvalues@0.7"]').dataset.importance).toBeUndefined();
    // overlay only for the predicted plane and slice
    const ov = panel.overlay("xy", 2)!;
    expect([...ov.prediction!]).toEqual([1, 1, 2, 2, 1, 0]);
    expect(ov.uncertainty).toBeUndefined(); // uncertainty is off by default
    expect(panel.overlay("xy", 3)).toBeUndefined();
    expect(panel.readout("xy", 2, 2, 0)).toBe("predicted NMC 0.80  uncertainty 0.39");
    view = { ...view, slice: 3 };
    panel.viewChanged(); // not live: marked stale, nothing sent
    expect(panel.element.dataset.predictionShown).toBe("stale");
    await vi.advanceTimersByTimeAsync(1000);
    expect(kernel.requests.length).toBe(1);
  });

  it("live mode: debounces, keeps one request in flight and coalesces queued ones", async () => {
    q<HTMLInputElement>("input.tl-liveUpdate").click();
    expect(panel.element.dataset.live).toBe("true");
    await vi.advanceTimersByTimeAsync(300);
    expect(kernel.requests.length).toBe(1); // first prediction of the shown slice
    // slice changes while the first request runs: one queued request, for the last slice
    for (const s of [3, 4, 5, 6]) {
      view = { ...view, slice: s };
      panel.viewChanged();
      await vi.advanceTimersByTimeAsync(100);
    }
    await vi.advanceTimersByTimeAsync(300);
    panel.labelsSaved();
    await vi.advanceTimersByTimeAsync(300);
    expect(kernel.requests.length).toBe(1);
    expect(panel.element.dataset.state).toBe("running");
    expect(q(".tl-trainStage").textContent).toContain("another request queued");
    kernel.requests[0].result(smallResult(msg(0).requestId, 2));
    kernel.requests[0].reply("ok");
    await vi.advanceTimersByTimeAsync(0);
    expect(kernel.requests.length).toBe(2);
    expect(msg(1).slice).toBe(6);
    expect(panel.element.dataset.predictionShown).toBe("stale");
    // debounce: calls 100 ms apart collapse into one request 300 ms after the last
    kernel.requests[1].result(smallResult(msg(1).requestId, 6));
    kernel.requests[1].reply("ok");
    await vi.advanceTimersByTimeAsync(0);
    expect(panel.element.dataset.predictionShown).toBe("current");
    for (const s of [7, 8, 9]) {
      view = { ...view, slice: s };
      panel.viewChanged();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(kernel.requests.length).toBe(2);
    await vi.advanceTimersByTimeAsync(200);
    expect(kernel.requests.length).toBe(3);
    expect(msg(2).slice).toBe(9);
    // a result for another request id (an old answer) is ignored
    kernel.requests[2].result(smallResult(msg(1).requestId, 9));
    expect(panel.element.dataset.prediction).toBe("xy:6");
    kernel.requests[2].result(smallResult(msg(2).requestId, 9));
    kernel.requests[2].reply("ok");
    await vi.advanceTimersByTimeAsync(0);
    // back to a slice whose prediction is current and nothing changed: nothing sent
    panel.viewChanged();
    await vi.advanceTimersByTimeAsync(500);
    expect(kernel.requests.length).toBe(3);
    // labels saved: retrain even for the same slice
    panel.labelsSaved();
    await vi.advanceTimersByTimeAsync(300);
    expect(kernel.requests.length).toBe(4);
  });

  it("live mode: a queued view-only request is dropped when the answer already shows the view", async () => {
    q<HTMLInputElement>("input.tl-liveUpdate").click();
    await vi.advanceTimersByTimeAsync(300);
    expect(kernel.requests.length).toBe(1);
    view = { ...view, slice: 3 };
    panel.viewChanged();
    await vi.advanceTimersByTimeAsync(300); // queued (slice 3)
    view = { ...view, slice: 2 };
    panel.viewChanged();
    await vi.advanceTimersByTimeAsync(300); // still queued: slice 2 has no result yet
    expect(q(".tl-trainStage").textContent).toContain("another request queued");
    kernel.requests[0].result(smallResult(msg(0).requestId, 2));
    kernel.requests[0].reply("ok");
    await vi.advanceTimersByTimeAsync(0);
    expect(kernel.requests.length).toBe(1);
    expect(q(".tl-trainStage").textContent).toBe("");
    expect(panel.element.dataset.predictionShown).toBe("current");
    // a label save folded into the queue is not view-only: it is sent
    view = { ...view, slice: 4 };
    panel.viewChanged();
    await vi.advanceTimersByTimeAsync(300);
    expect(kernel.requests.length).toBe(2);
    view = { ...view, slice: 5 };
    panel.viewChanged();
    await vi.advanceTimersByTimeAsync(300);
    panel.labelsSaved();
    view = { ...view, slice: 4 };
    await vi.advanceTimersByTimeAsync(300);
    kernel.requests[1].result(smallResult(msg(1).requestId, 4));
    kernel.requests[1].reply("ok");
    await vi.advanceTimersByTimeAsync(0);
    expect(kernel.requests.length).toBe(3);
    expect(msg(2).slice).toBe(4);
  });

  it("shows errors: error replies, error results, no kernel, no label file", async () => {
    q<HTMLButtonElement>("button.tl-train").click();
    await vi.advanceTimersByTimeAsync(0);
    kernel.requests[0].iopub({
      header: { msg_type: "stream" },
      content: {
        name: "stderr",
        text: "RangeError: live retraining needs a random-forest engine\n",
      },
    });
    kernel.requests[0].reply("error");
    await vi.advanceTimersByTimeAsync(0);
    const status = q(".tl-trainStatus");
    expect(panel.element.dataset.state).toBe("error");
    expect(status.dataset.state).toBe("error");
    expect(status.textContent).toBe(
      "training failed: kernel: RangeError: live retraining needs a random-forest engine",
    );
    q<HTMLButtonElement>("button.tl-train").click();
    await vi.advanceTimersByTimeAsync(0);
    const id = msg(1).requestId;
    kernel.requests[1].result({
      version: 1,
      viewId: "v",
      requestId: id,
      status: "error",
      message: "only one class is labelled",
    });
    kernel.requests[1].reply("ok");
    await vi.advanceTimersByTimeAsync(0);
    expect(status.textContent).toBe("training failed: only one class is labelled");
    // an ok reply with no result at all
    q<HTMLButtonElement>("button.tl-train").click();
    await vi.advanceTimersByTimeAsync(0);
    kernel.requests[2].reply("ok");
    await vi.advanceTimersByTimeAsync(0);
    expect(status.textContent).toContain("without a training result");
    server.setServerContext({} as never, () => null);
    q<HTMLButtonElement>("button.tl-train").click();
    await vi.advanceTimersByTimeAsync(0);
    expect(status.textContent).toBe("training failed: no running kernel for this notebook");
    view = { ...view, labelsPath: undefined };
    q<HTMLButtonElement>("button.tl-train").click();
    await vi.advanceTimersByTimeAsync(0);
    expect(status.textContent).toContain("labels are not saved to a file yet");
    expect(kernel.requests.length).toBe(3);
  });
});
