import { describe, expect, it } from "vitest";

import { basename, formatSize, formatValue } from "../src/util";

describe("formatting", () => {
  it("shows sizes in decimal units", () => {
    expect(formatSize(0)).toBe("0 B");
    expect(formatSize(999)).toBe("999 B");
    expect(formatSize(1500)).toBe("1.5 kB");
    expect(formatSize(3_553_920)).toBe("3.6 MB");
    expect(formatSize(42_000_000_000)).toBe("42 GB");
  });

  it("shows pixel values compactly", () => {
    expect(formatValue(null)).toBe("NaN");
    expect(formatValue(1234)).toBe("1234");
    expect(formatValue(3.14159265)).toBe("3.14159");
    expect(formatValue(1.5e-7)).toBe("1.50000e-7");
    expect(formatValue([1, 2, 3])).toBe("1, 2, 3");
  });

  it("takes the last part of a path", () => {
    expect(basename("home/alice/m13.fits")).toBe("m13.fits");
    expect(basename("")).toBe("");
  });
});
