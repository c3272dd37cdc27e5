import { describe, expect, it } from "vitest";

import {
  DEFAULT_BLINK,
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS,
  alignedView,
  frameName,
  indexAfterMove,
  indexAfterRemove,
  moveItem,
  parseBlink,
  parseFrames,
  stepIndex,
} from "../src/viewer/blink";
import type { LockView } from "../src/viewer/lock";

import { S, image as exposure, screen } from "./sky-fixtures";

const STAR: [number, number] = [150.004, 2.003];

describe("alignedView", () => {
  // Three dithered exposures of one field; the third rotated by 90° (another camera angle).
  const frames = [
    exposure([-S, 0, 0, S], [200, 150]),
    exposure([-S, 0, 0, S], [212.3, 141.7]),
    exposure([0, -S, -S, 0], [150, 200]),
  ];
  const first: LockView = {
    center: [190.5, 170.25],
    resolution: 0.5,
    rotation: 0,
    mirrored: false,
  };

  it("keeps a star on the same screen pixel from frame to frame, by WCS", () => {
    const where = screen(first, frames[0]!.toPixel(...STAR)!);
    let view = first;
    for (const [a, b] of [
      [0, 1],
      [1, 2],
      [2, 0],
    ] as const) {
      view = alignedView(view, frames[a]!, frames[b]!, "wcs");
      const p = screen(view, frames[b]!.toPixel(...STAR)!);
      expect(Math.hypot(p[0] - where[0], p[1] - where[1])).toBeLessThan(0.05);
    }
    // Round the whole set: back where it started (no drift).
    expect(view.center[0]).toBeCloseTo(first.center[0], 3);
    expect(view.center[1]).toBeCloseTo(first.center[1], 3);
    expect(view.resolution).toBeCloseTo(first.resolution, 6);
    expect(Math.abs(view.rotation)).toBeLessThan(1e-6);
  });

  it("shifts the view by the dither between consecutive exposures", () => {
    const to = alignedView(first, frames[0]!, frames[1]!, "wcs");
    expect(to.center[0] - first.center[0]).toBeCloseTo(12.3, 2);
    expect(to.center[1] - first.center[1]).toBeCloseTo(-8.3, 2);
  });

  it("keeps the viewer coordinates by pixel, or when a frame has no WCS", () => {
    expect(alignedView(first, frames[0]!, frames[1]!, "pixel")).toEqual(first);
    expect(alignedView(first, frames[0]!, null, "wcs")).toEqual(first);
  });
});

describe("frame list", () => {
  it("steps forward and back, wrapping around", () => {
    expect(stepIndex(0, 3, 1)).toBe(1);
    expect(stepIndex(2, 3, 1)).toBe(0);
    expect(stepIndex(0, 3, -1)).toBe(2);
    expect(stepIndex(0, 0, 1)).toBe(0);
  });

  it("moves a frame and follows the frame shown", () => {
    expect(moveItem(["a", "b", "c"], 0, 2)).toEqual(["b", "c", "a"]);
    expect(moveItem(["a", "b", "c"], 2, 1)).toEqual(["a", "c", "b"]);
    expect(indexAfterMove(0, 0, 2)).toBe(2); // the shown one moved
    expect(indexAfterMove(1, 0, 2)).toBe(0); // one before it moved after it
    expect(indexAfterMove(1, 2, 0)).toBe(2); // one after it moved before it
    expect(indexAfterMove(0, 1, 2)).toBe(0);
  });

  it("shows a neighbour after a removal", () => {
    expect(indexAfterRemove(2, 0, 2)).toBe(1);
    expect(indexAfterRemove(1, 1, 2)).toBe(1);
    expect(indexAfterRemove(2, 2, 2)).toBe(1);
    expect(indexAfterRemove(0, 0, 0)).toBe(0);
  });

  it("reads saved frames, dropping what names no picture, keeping display settings only", () => {
    const frames = parseFrames([
      { path: "a.fits", hdu: 0, plane: 0, cmap: "viridis", lo: 1, hi: 9, limits: "user", junk: 1 },
      { path: "", hdu: 0, plane: 0 },
      { path: "b.fits", hdu: 1.5, plane: 0 },
      { path: "c.fits", hdu: -1, plane: 2 },
      "nonsense",
    ]);
    expect(frames).toEqual([
      { path: "a.fits", hdu: 0, plane: 0, cmap: "viridis", lo: 1, hi: 9, limits: "user" },
      { path: "c.fits", hdu: -1, plane: 2 },
    ]);
    expect(parseFrames(null)).toEqual([]);
  });

  it("reads the saved blink, clamping the interval", () => {
    expect(parseBlink(undefined)).toEqual(DEFAULT_BLINK);
    expect(parseBlink({ on: true, interval_ms: 5, index: 2, align: "pixel" })).toEqual({
      on: true,
      interval_ms: MIN_INTERVAL_MS,
      index: 2,
      align: "pixel",
    });
    expect(parseBlink({ interval_ms: 1e9, index: -1, align: "x" })).toEqual({
      on: false,
      interval_ms: MAX_INTERVAL_MS,
      index: 0,
      align: "wcs",
    });
  });

  it("names a frame by file, HDU and plane", () => {
    expect(frameName({ path: "night/exp1.fits", hdu: 0, plane: 0 })).toBe("exp1.fits");
    expect(frameName({ path: "m.fits", hdu: -1, plane: 3 })).toBe("m.fits · mosaic · plane 3");
  });
});
