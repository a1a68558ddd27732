import { readFileSync } from "node:fs";
import { expectedError } from "../../util/checks.js";
import { forestFromJSON, type RandomForest } from "./model.js";

/**
 * Read a forest saved as JSON text (`JSON.stringify(forest)`) from a file and
 * restore it with {@link forestFromJSON}; errors name the file and the field.
 * @param file - Path of the JSON file (relative to the kernel's working directory).
 * @returns The forest.
 * @throws RangeError when the file is missing, not JSON or not a valid forest.
 * @example
 * ```ts
 * writeFileSync("forest.json", JSON.stringify(forest));
 * const again = loadForest("forest.json");
 * ```
 */
export function loadForest(file: string): RandomForest {
  if (typeof file !== "string") throw expectedError("file", "a path string", file, TypeError);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new RangeError(`cannot read forest file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RangeError(`forest file ${file} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return forestFromJSON(json as Parameters<typeof forestFromJSON>[0], {
    source: `forest file ${file}`,
  });
}
