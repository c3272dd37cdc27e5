import { describe, expect, it } from "vitest";

import { viewThrough, type LockView } from "../src/viewer/lock";
import { makeSkyTransform, type SkyGrid, type SkyTransform } from "../src/viewer/wcs";

const DEG = Math.PI / 180;

/** A gnomonic WCS: viewer (x, y) → ICRS degrees, with a CD matrix in degrees per pixel. */
function tan(
  crval: [number, number],
  crpix: [number, number],
  cd: [number, number, number, number],
): (x: number, y: number) => [number, number] {
  const [a0, d0] = [crval[0] * DEG, crval[1] * DEG];
  return (x, y) => {
    const u = x - 0.5 - crpix[0];
    const v = y - 0.5 - crpix[1];
    const xi = (cd[0] * u + cd[1] * v) * DEG;
    const eta = (cd[2] * u + cd[3] * v) * DEG;
    const denom = Math.cos(d0) - eta * Math.sin(d0);
    let ra = (a0 + Math.atan2(xi, denom)) / DEG;
    ra = ((ra % 360) + 360) % 360;
    const dec = Math.atan2(Math.sin(d0) + eta * Math.cos(d0), Math.hypot(xi, denom)) / DEG;
    return [ra, dec];
  };
}

function gridOf(
  sky: (x: number, y: number) => [number, number],
  box: [number, number, number, number],
  nx: number,
  ny: number,
  ccd?: number,
): SkyGrid {
  const [x0, y0, x1, y1] = box;
  const ra: number[] = [];
  const dec: number[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const [r, d] = sky(x0 + ((x1 - x0) * i) / (nx - 1), y0 + ((y1 - y0) * j) / (ny - 1));
      ra.push(r);
      dec.push(d);
    }
  }
  return { ccd, x0, y0, x1, y1, nx, ny, ra, dec };
}

const S = 0.5 / 3600;

function image(cd: [number, number, number, number], crpix: [number, number]): SkyTransform {
  const sky = tan([150, 2], crpix, cd);
  return makeSkyTransform({ system: "icrs", grids: [gridOf(sky, [0, 0, 400, 300], 9, 7)] })!;
}

/** Where a viewer point lands on screen (CSS pixels from the map's centre, y up). */
function screen(view: LockView, p: [number, number]): [number, number] {
  const dx = (p[0] - view.center[0]) / view.resolution;
  const dy = (p[1] - view.center[1]) / view.resolution;
  // OpenLayers turns the map clockwise by the rotation.
  const c = Math.cos(-view.rotation);
  const s = Math.sin(-view.rotation);
  const x = c * dx - s * dy;
  const y = s * dx + c * dy;
  return [view.mirrored ? -x : x, y];
}

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
});
