import { sharedDataDisabled, sharedDataPath } from "../io/sharedData.js";
import { checkString } from "../util/checks.js";
import { displayHtml } from "./show.js";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The path of an optional real-data file (`../shared/data/<relative>`), or `undefined` after
 * showing a visible "skipped" note, so a notebook's real-data cells run on every machine:
 * `const file = realData("isbi2012-membrane/image", "the ISBI 2012 TEM stack"); if (file) ...`.
 * @param relative - Path inside the shared data folder.
 * @param what - What the data is, for the note (e.g. "taufactor's NMC cathode").
 * @returns The absolute path when present, else `undefined` (and the note is displayed).
 */
export function realData(relative: string, what: string): string | undefined {
  checkString(relative, "relative", true);
  checkString(what, "what");
  const file = sharedDataPath(relative);
  if (file) return file;
  const why = sharedDataDisabled()
    ? "TOMOLAB_SHARED_DATA=none hides the shared data folder"
    : "it is not on this machine (place the public data at ../shared/data beside the project, or set TOMOLAB_SHARED_DATA to its folder)";
  displayHtml(
    `<div style="border-left:4px solid #f59e0b;padding:4px 8px"><b>Skipped:</b> ${escapeHtml(what)} ` +
      `(<code>${escapeHtml(relative)}</code>): ${escapeHtml(why)}. ` +
      `The cells that use it do nothing; everything else runs on the project's own samples.</div>`,
  );
  return undefined;
}
