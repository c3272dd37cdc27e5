// Sky-transform fixtures shared by the unit tests: a gnomonic (TAN) field sampled on a grid the way
// the server's sky grid is, and where a viewer point lands on screen for a given view.
import type { LockView } from "../src/viewer/lock";
import { makeSkyTransform, type SkyGrid, type SkyTransform } from "../src/viewer/wcs";

export const DEG = Math.PI / 180;

/** Half an arcsecond per pixel, in degrees: the plate scale of the test images. */
export const S = 0.5 / 3600;

/** A gnomonic WCS: viewer (x, y) → ICRS degrees, with a CD matrix in degrees per pixel. */
export function tan(
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

/** Sample `sky` on an nx × ny grid spanning the viewer box [x0, y0, x1, y1], as the server does. */
export function gridOf(
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

/** A gnomonic image of 400 × 300 viewer pixels around (150, 2), sampled on a 9 × 7 grid. */
export function image(cd: [number, number, number, number], crpix: [number, number]): SkyTransform {
  const sky = tan([150, 2], crpix, cd);
  return makeSkyTransform({ system: "icrs", grids: [gridOf(sky, [0, 0, 400, 300], 9, 7)] })!;
}

/** Where a viewer point lands on screen (CSS pixels from the map's centre, y up). */
export function screen(view: LockView, p: [number, number]): [number, number] {
  const dx = (p[0] - view.center[0]) / view.resolution;
  const dy = (p[1] - view.center[1]) / view.resolution;
  // OpenLayers turns the map clockwise by the rotation.
  const c = Math.cos(-view.rotation);
  const s = Math.sin(-view.rotation);
  const x = c * dx - s * dy;
  const y = s * dx + c * dy;
  return [view.mirrored ? -x : x, y];
}
