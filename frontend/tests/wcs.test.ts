import { describe, expect, it } from "vitest";

import type { Region } from "../src/analysis/types";
import { storeRegion } from "../src/viewer/regions";
import { makeSkyTransform } from "../src/viewer/wcs";

import { DEG, S, gridOf, tan } from "./sky-fixtures";

function separationArcsec(a: [number, number], b: [number, number]): number {
  const cos =
    Math.sin(a[1] * DEG) * Math.sin(b[1] * DEG) +
    Math.cos(a[1] * DEG) * Math.cos(b[1] * DEG) * Math.cos((a[0] - b[0]) * DEG);
  return (Math.acos(Math.min(1, cos)) / DEG) * 3600;
}

describe("makeSkyTransform", () => {
  it("interpolates a gnomonic field to well under a twentieth of a pixel", () => {
    const sky = tan([150, 2], [1000, 750], [-S, 0, 0, S]);
    const t = makeSkyTransform({
      system: "icrs",
      grids: [gridOf(sky, [0, 0, 2000, 1500], 17, 13)],
    })!;
    for (const [x, y] of <[number, number][]>[
      [13.3, 17.9],
      [1000.5, 750.5],
      [1999, 1499],
      [777.7, 1234.5],
    ]) {
      const got = t.toSky(x, y)!;
      expect(separationArcsec(got, sky(x, y)) / 0.5).toBeLessThan(0.05);
    }
  });

  it("inverts the interpolant: toPixel(toSky(p)) is p", () => {
    const sky = tan([150, 2], [1000, 750], [-S, 0, 0, S]);
    const t = makeSkyTransform({
      system: "icrs",
      grids: [gridOf(sky, [0, 0, 2000, 1500], 17, 13)],
    })!;
    for (const [x, y] of <[number, number][]>[
      [0.2, 0.3],
      [1000.5, 750.5],
      [1999.9, 1499.9],
      [321.1, 1111.1],
    ]) {
      const [ra, dec] = t.toSky(x, y)!;
      const [px, py] = t.toPixel(ra, dec)!;
      expect(Math.hypot(px - x, py - y)).toBeLessThan(1e-5);
    }
  });

  it("handles a field across RA 0/360", () => {
    const sky = tan([359.98, -30], [1000, 750], [-S, 0, 0, S]);
    const grid = gridOf(sky, [0, 0, 2000, 1500], 17, 13);
    expect(Math.min(...(grid.ra as number[]))).toBeLessThan(1);
    expect(Math.max(...(grid.ra as number[]))).toBeGreaterThan(359);
    const t = makeSkyTransform({ system: "icrs", grids: [grid] })!;
    const [ra] = t.toSky(1, 750)!; // east is left: past RA 360
    expect(ra).toBeGreaterThanOrEqual(0);
    expect(ra).toBeLessThan(1);
    const back = t.toPixel(0.05, -30)!;
    expect(separationArcsec(sky(back[0], back[1]), [0.05, -30]) / 0.5).toBeLessThan(0.05);
    const wrapped = t.toPixel(359.95, -30)!;
    expect(separationArcsec(sky(wrapped[0], wrapped[1]), [359.95, -30]) / 0.5).toBeLessThan(0.05);
  });

  it("gives the local scale, north angle and handedness", () => {
    const plain = makeSkyTransform({
      system: "icrs",
      grids: [gridOf(tan([150, 2], [100, 100], [-S, 0, 0, S]), [0, 0, 200, 200], 5, 5)],
    })!;
    const a = plain.local(100, 100)!;
    expect(a.scale * 3600).toBeCloseTo(0.5, 6);
    expect(a.north).toBeCloseTo(0, 6);
    expect(a.eastRight).toBe(false);
    // Rotated by 90°: north along -x (CCW from +y), east along -y.
    const rotated = makeSkyTransform({
      system: "icrs",
      grids: [gridOf(tan([150, 2], [100, 100], [0, -S, -S, 0]), [0, 0, 200, 200], 5, 5)],
    })!.local(100, 100)!;
    expect(rotated.north).toBeCloseTo(Math.PI / 2, 6);
    expect(rotated.eastRight).toBe(false);
    // Mirrored: east at +x.
    const mirrored = makeSkyTransform({
      system: "icrs",
      grids: [gridOf(tan([150, 2], [100, 100], [S, 0, 0, S]), [0, 0, 200, 200], 5, 5)],
    })!.local(100, 100)!;
    expect(mirrored.north).toBeCloseTo(0, 6);
    expect(mirrored.eastRight).toBe(true);
  });

  it("finds the CCD of a mosaic that holds a position and extrapolates off the image", () => {
    const sky = tan([150, 2], [200, 100], [-S, 0, 0, S]);
    const t = makeSkyTransform({
      system: "icrs",
      grids: [gridOf(sky, [0, 0, 190, 200], 5, 5, 1), gridOf(sky, [210, 0, 400, 200], 5, 5, 2)],
    })!;
    const [ra, dec] = sky(300.5, 50.5);
    const [x, y] = t.toPixel(ra, dec)!;
    expect(Math.hypot(x - 300.5, y - 50.5)).toBeLessThan(1e-4);
    expect(t.toSky(200, 50)).toBeNull(); // the gap
    const off = sky(-100, 50);
    const [ox] = t.toPixel(off[0], off[1])!;
    expect(ox).toBeCloseTo(-100, 3);
  });

  it("places a point in a mosaic's gap through the nearest CCD (toSkyNear)", () => {
    const sky = tan([150, 2], [200, 100], [-S, 0, 0, S]);
    const t = makeSkyTransform({
      system: "icrs",
      grids: [gridOf(sky, [0, 0, 190, 200], 5, 5, 1), gridOf(sky, [210, 0, 400, 200], 5, 5, 2)],
    })!;
    // One WCS across both CCDs here, so the extrapolation is exact in the gap and off the image.
    for (const [x, y] of [
      [195, 50],
      [206, 120],
      [-20, 30],
    ] as const) {
      const got = t.toSkyNear(x, y)!;
      expect(separationArcsec(got, sky(x, y))).toBeLessThan(0.05 * 0.5);
    }
    expect(t.toSkyNear(100, 100)).toEqual(t.toSky(100, 100));
  });

  it("keeps a region drawn across a mosaic's gap in the sky frame", () => {
    const sky = tan([150, 2], [200, 100], [-S, 0, 0, S]);
    const t = makeSkyTransform({
      system: "icrs",
      grids: [gridOf(sky, [0, 0, 190, 200], 5, 5, 1), gridOf(sky, [210, 0, 400, 200], 5, 5, 2)],
    })!;
    const base: Region = {
      id: "r",
      shape: "polygon",
      frame: "image",
      points: [],
      size: null,
      angle: 0,
      text: "",
      color: "",
    };
    const drawn: [number, number][] = [
      [150, 50],
      [200, 60],
      [300, 150],
    ];
    const stored = storeRegion(base, { points: drawn, size: null, angle: 0 }, t);
    expect(stored.frame).toBe("sky");
    stored.points.forEach((p, k) => {
      const [x, y] = drawn[k]!;
      expect(separationArcsec(p, sky(x, y))).toBeLessThan(0.05 * 0.5);
    });
  });

  it("answers null without grids", () => {
    expect(makeSkyTransform({ system: "icrs", grids: [] })).toBeNull();
  });
});
