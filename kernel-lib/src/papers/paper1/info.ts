// What Osenberg et al. publish about each of the six methods: name, our record key, awe on the real data.
import type { Paper1MethodId, Paper1MethodInfo } from "./types.js";

/** Per method: name, key for `record("paper1.awe.<key>")`, published awe (percent) full field of view and crop. */
const PUBLISHED: Record<Paper1MethodId, [name: string, key: string, full: number, crop: number]> = {
  "3.1": ["double threshold (SE2)", "double_threshold", 60.8, 30.8],
  "3.2": ["triple threshold (SE2)", "triple_threshold", 30.8, 24.9],
  "3.3": ["z-gradient + InLens threshold", "z_gradient", 23.2, 16.5],
  "3.4": ["random forest, SE2", "rf_se2", 12.3, 17.6],
  "3.5": ["random forest, SE2 + InLens + difference", "rf_all", 10.3, 16.2],
  "3.6": ["random forest, all + tailored z", "rf_tailored", 6.1, 11.0],
};

function methodInfo(id: Paper1MethodId): Readonly<Paper1MethodInfo> {
  const [name, key, full, crop] = PUBLISHED[id];
  return { id, name, key, published: { full, crop } };
}

/** Method 3.1 as published: awe 60.8 % (full field of view), 30.8 % (crop). */
export const PAPER1_DOUBLE_THRESHOLD = methodInfo("3.1");
/** Method 3.2 as published: awe 30.8 % (full field of view), 24.9 % (crop). */
export const PAPER1_TRIPLE_THRESHOLD = methodInfo("3.2");
/** Method 3.3 as published: awe 23.2 % (full field of view), 16.5 % (crop). */
export const PAPER1_Z_GRADIENT = methodInfo("3.3");
/** Method 3.4 as published: awe 12.3 % (full field of view), 17.6 % (crop). */
export const PAPER1_RF_SE2 = methodInfo("3.4");
/** Method 3.5 as published: awe 10.3 % (full field of view), 16.2 % (crop). */
export const PAPER1_RF_ALL = methodInfo("3.5");
/** Method 3.6 as published: awe 6.1 % (full field of view), 11.0 % (crop). */
export const PAPER1_RF_TAILORED = methodInfo("3.6");

/** Name, record key and published awe (percent; full field of view and crop inside an NMC particle) of each method. */
export const PAPER1_METHODS: Readonly<Record<Paper1MethodId, Omit<Paper1MethodInfo, "id">>> =
  Object.fromEntries(
    [
      PAPER1_DOUBLE_THRESHOLD,
      PAPER1_TRIPLE_THRESHOLD,
      PAPER1_Z_GRADIENT,
      PAPER1_RF_SE2,
      PAPER1_RF_ALL,
      PAPER1_RF_TAILORED,
    ].map(({ id, ...rest }) => [id, rest]),
  ) as Record<Paper1MethodId, Omit<Paper1MethodInfo, "id">>;
