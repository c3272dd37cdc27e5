import { afterEach, describe, expect, it, vi } from "vitest";

import { basename, debounce, formatSize, formatValue } from "../src/util";

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

describe("debounce", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs once after the last call's delay, and says while a call waits", () => {
    vi.useFakeTimers();
    const calls: number[] = [];
    const later = debounce((n: number) => calls.push(n), 100);
    expect(later.pending()).toBe(false);
    later(1);
    vi.advanceTimersByTime(60);
    later(2);
    expect(later.pending()).toBe(true);
    vi.advanceTimersByTime(60);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(40);
    expect(calls).toEqual([2]);
    expect(later.pending()).toBe(false);
    later(3);
    later.cancel();
    expect(later.pending()).toBe(false);
    later(4);
    later.flush();
    expect(calls).toEqual([2, 4]);
    expect(later.pending()).toBe(false);
  });
});
