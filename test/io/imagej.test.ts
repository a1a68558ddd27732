import { describe, expect, it } from "vitest";
import {
  formatImageJDescription,
  imagejInt,
  parseImageJDescription,
} from "../../kernel-lib/src/io/imagej.js";
import { nanometresPer, unescapeUnit } from "../../kernel-lib/src/io/units.js";

describe("length units", () => {
  it("converts the spellings ImageJ, tifffile and microscopes write to nanometres", () => {
    for (const u of ["micron", "um", "\u00b5m", "\u03bcm", "\\u00B5m", "Micron", " um "])
      expect(nanometresPer(u)).toBe(1000);
    expect(nanometresPer("nm")).toBe(1);
    expect(nanometresPer("mm")).toBe(1e6);
    expect(nanometresPer("cm")).toBe(1e7);
    expect(nanometresPer("m")).toBe(1e9);
    expect(nanometresPer("\u00c5")).toBe(0.1);
    for (const u of ["pixel", "inch", "", "sec"]) expect(nanometresPer(u)).toBeUndefined();
    expect(unescapeUnit("\\u00B5m")).toBe("\u00b5m");
  });
});

describe("ImageJ description", () => {
  it("parses key=value lines and ignores other descriptions", () => {
    const meta = parseImageJDescription(
      "ImageJ=1.54f\nimages=12\nchannels=2\nslices=6\nhyperstack=true\nunit=\\u00B5m\nspacing=0.5\n",
    );
    expect(meta).toEqual({
      ImageJ: "1.54f",
      images: "12",
      channels: "2",
      slices: "6",
      hyperstack: "true",
      unit: "\\u00B5m",
      spacing: "0.5",
    });
    expect(imagejInt(meta!, "slices", 1)).toBe(6);
    expect(imagejInt(meta!, "frames", 1)).toBe(1);
    expect(imagejInt({ slices: "-2" }, "slices", 1)).toBeNaN();
    expect(parseImageJDescription('{"shape": [5, 7, 9]}')).toBeNull();
    expect(parseImageJDescription(undefined)).toBeNull();
  });

  it("formats what ImageJ writes for a z stack, escaping non-ASCII units", () => {
    expect(formatImageJDescription({ slices: 300, unit: "nm", spacing: 10 })).toBe(
      "ImageJ=1.11a\nimages=300\nslices=300\nunit=nm\nspacing=10.0\nloop=false\n",
    );
    expect(formatImageJDescription({ slices: 1, unit: "\u00b5m", spacing: 0.25 })).toBe(
      "ImageJ=1.11a\nunit=\\u00B5m\nspacing=0.25\n",
    );
    expect(formatImageJDescription({ slices: 4 })).toBe(
      "ImageJ=1.11a\nimages=4\nslices=4\nloop=false\n",
    );
  });
});
