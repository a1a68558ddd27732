import { describe, expect, it } from "vitest";
import { checkVolumes } from "../../kernel-lib/src/volume/check.js";
import { zeros } from "../../kernel-lib/src/volume/index.js";

describe("checkVolumes", () => {
  it("checks each volume and that all have the first one's shape, naming them", () => {
    const a = zeros([2, 3, 4], "uint8");
    const b = zeros([2, 3, 4], "float32");
    const c = zeros([2, 3, 5], "uint8");
    expect(() => checkVolumes({ image: a, markers: b })).not.toThrow();
    expect(() => checkVolumes({ image: a, markers: b, mask: c })).toThrow(
      "`mask` (shape 2x3x5) must have the shape of `image` (shape 2x3x4)",
    );
    expect(() => checkVolumes({ image: a, markers: { data: [1] } })).toThrow(/markers/);
    expect(() => checkVolumes({ image: 7 })).toThrow(/image/);
  });
});
