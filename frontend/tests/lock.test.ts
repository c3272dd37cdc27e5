import { describe, expect, it } from "vitest";

import { viewThrough, type LockView } from "../src/viewer/lock";
import { makeSkyTransform, type SkyTransform } from "../src/viewer/wcs";

import { S, gridOf, image, screen, tan } from "./sky-fixtures";

const STARS: [number, number][] = [
  [150.0, 2.0],
  [150.01, 2.005],
  [149.995, 1.99],
];

function expectSameScreen(from: LockView, a: SkyTransform, to: LockView, b: SkyTransform): void {
  for (const [ra, dec] of STARS) {
    const pa = screen(from, a.toPixel(ra, dec)!);
    const pb = screen(to, b.toPixel(ra, dec)!);
    expect(Math.hypot(pa[0] - pb[0], pa[1] - pb[1])).toBeLessThan(0.05);
  }
}

describe("viewThrough", () => {
  const plain = image([-S, 0, 0, S], [200, 150]);
  const from: LockView = { center: [180.5, 160.25], resolution: 0.7, rotation: 0, mirrored: false };

  it("shows the same sky centre at the same scale on a shifted, finer grid", () => {
    const finer = image([-S / 2, 0, 0, S / 2], [120, 80]);
    const to = viewThrough(from, plain, finer)!;
    expect(to.resolution).toBeCloseTo(1.4, 6);
    expect(to.rotation).toBeCloseTo(0, 6);
    expect(to.mirrored).toBe(false);
    expectSameScreen(from, plain, to, finer);
  });

  it("turns the view of an image rotated by 90 degrees", () => {
    const rotated = image([0, -S, -S, 0], [150, 200]);
    const to = viewThrough(from, plain, rotated)!;
    expect(Math.abs(to.rotation)).toBeCloseTo(Math.PI / 2, 6);
    expect(to.mirrored).toBe(false);
    expectSameScreen(from, plain, to, rotated);
  });

  it("mirrors the view of a mirrored image", () => {
    const mirrored = image([S, 0, 0, S], [200, 150]);
    const to = viewThrough(from, plain, mirrored)!;
    expect(to.mirrored).toBe(true);
    expectSameScreen(from, plain, to, mirrored);
  });

  it("follows a rotated, mirrored viewer back to a plain one", () => {
    const odd = image([0, S, S, 0], [150, 200]); // transposed: rotated and mirrored
    const start: LockView = { center: [160, 190], resolution: 2, rotation: 0.3, mirrored: true };
    const to = viewThrough(start, odd, plain)!;
    expectSameScreen(start, odd, to, plain);
  });

  it("locks a focal plane whose centre falls in the gap between two CCDs", () => {
    // Two CCDs of one WCS with a gap between them, fitted in a viewer: the view's centre is in the gap.
    const sky = tan([150, 2], [200, 150], [-S, 0, 0, S]);
    const mosaic = makeSkyTransform({
      system: "icrs",
      grids: [gridOf(sky, [0, 0, 190, 300], 5, 5, 1), gridOf(sky, [210, 0, 400, 300], 5, 5, 2)],
    })!;
    const fitted: LockView = { center: [200, 150], resolution: 1.5, rotation: 0, mirrored: false };
    const to = viewThrough(fitted, mosaic, plain);
    expect(to).not.toBeNull();
    expectSameScreen(fitted, mosaic, to!, plain);
  });
});
