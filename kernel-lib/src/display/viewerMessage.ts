// The kernel side of the viewer link: what each view has been told by its viewer (thresholds,
// label counts), its live trainer, and the entry point the extension calls with a message.
import { checkString } from "../util/checks.js";
import type { LiveTrainer } from "./training.js";
import { checkThresholds } from "./viewChecks.js";
import type { ViewerMessage } from "./viewerTypes.js";

/** What the kernel keeps per view. @internal */
export interface ViewState {
  thresholds?: number[];
  counts?: Record<string, number>;
  trainer?: LiveTrainer;
}

const views = new Map<string, ViewState>();
const handlers = new Map<string, (message: ViewerMessage) => unknown>();

/** Start keeping the state of a new view (called by `view()`). @internal */
export function registerView(viewId: string, state: ViewState): void {
  views.set(viewId, state);
}

/** The state kept for a view, or undefined for an unknown id. @internal */
export function viewState(viewId: string): ViewState | undefined {
  return views.get(viewId);
}

/**
 * Register what the kernel does with a viewer message type (replacing the built-in handling,
 * e.g. a custom "retrain" instead of the views' live trainers). The handler receives the
 * parsed message; its return value goes back to {@link viewerMessage}'s caller.
 */
export function onViewerMessage(
  type: ViewerMessage["type"],
  handler: ((message: ViewerMessage) => unknown) | undefined,
): void {
  if (handler) handlers.set(type, handler);
  else handlers.delete(type);
}

/**
 * Entry point of the kernel link: tomolab-jupyterlab executes
 * `viewerMessage(<JSON string literal>)` in the notebook's kernel. Only JSON crosses; it is
 * validated here. Thresholds and label counts are kept per view (see `ViewHandle`).
 * @returns What a registered handler returned, else true.
 */
export function viewerMessage(json: string): unknown {
  checkString(json, "json");
  const message = JSON.parse(json) as ViewerMessage;
  if (typeof message !== "object" || message === null || typeof message.viewId !== "string")
    throw new TypeError(
      `viewer message must be an object with a viewId, received ${json.slice(0, 200)}`,
    );
  const known = views.has(message.viewId);
  const state = views.get(message.viewId) ?? {};
  views.set(message.viewId, state);
  switch (message.type) {
    case "thresholds":
      state.thresholds = [...checkThresholds(message.thresholds, "message.thresholds")];
      break;
    case "labels-saved":
      state.counts = { ...message.counts };
      break;
    case "retrain":
      if (handlers.has("retrain")) break;
      if (!state.trainer)
        throw new RangeError(
          known
            ? `view ${message.viewId} has no live training (view(..., { training: true })) and no "retrain" handler is registered`
            : `this kernel does not know view ${message.viewId} (was the kernel restarted?): run the cell with view(..., { training: true }) again; painted labels are kept in the label file`,
        );
      return state.trainer.retrain(message);
    default:
      throw new RangeError(
        `unknown viewer message type ${JSON.stringify((message as { type?: unknown }).type)}`,
      );
  }
  const handler = handlers.get(message.type);
  return handler ? handler(message) : true;
}

/** Thresholds last applied in a viewer (the most recent view when no id is given). */
export function viewerThresholds(viewId?: string): number[] | undefined {
  const id = viewId ?? [...views.keys()].pop();
  return id ? views.get(id)?.thresholds?.slice() : undefined;
}
