// The image's WCS in the browser: GET /api/imaging/sky-transform samples ICRS positions on grids
// of viewer coordinates (one per CCD on a mosaic); here they are interpolated, as unit vectors
// (bilinear, then normalised: no trouble at RA 0/360 or at a pole), to within 0.05 px of the real
// WCS (the server refines the grid until it is). Sky → viewer inverts the interpolant with Newton
// steps in the tangent plane of the target, seeded from the nearest sample.
import { apiRequest } from "../api";
import type { ImageRef } from "./catalogue-layer";

export interface SkyTransform {
  toSky(x: number, y: number): [number, number] | null; // viewer → ICRS degrees
  /** As toSky, but a point in a mosaic's gap (or off the image) goes through the nearest CCD's
   *  grid, extrapolated: a region's vertex drawn there keeps a sky position (as the server does). */
  toSkyNear(x: number, y: number): [number, number] | null;
  toPixel(ra: number, dec: number): [number, number] | null; // ICRS → viewer
  /** At viewer (x, y): degrees per pixel, the angle (radians, CCW) from viewer +y to North, and whether East is at +x (mirrored). */
  local(x: number, y: number): { scale: number; north: number; eastRight: boolean } | null;
}

/** One grid as the endpoint sends it: sample (i, j) is at index j·nx + i. */
export interface SkyGrid {
  ccd?: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  nx: number;
  ny: number;
  ra: (number | null)[];
  dec: (number | null)[];
}

export interface SkyTransformAnswer {
  system: "icrs";
  grids: SkyGrid[];
}

type Vec = [number, number, number];
const DEG = Math.PI / 180;

export function unitVector(ra: number, dec: number): Vec {
  const a = ra * DEG;
  const d = dec * DEG;
  return [Math.cos(d) * Math.cos(a), Math.cos(d) * Math.sin(a), Math.sin(d)];
}

function toRaDec(v: Vec): [number, number] {
  const n = Math.hypot(v[0], v[1], v[2]);
  let ra = Math.atan2(v[1], v[0]) / DEG;
  if (ra < 0) ra += 360;
  if (ra >= 360) ra -= 360;
  return [ra, Math.asin(Math.max(-1, Math.min(1, v[2] / n))) / DEG];
}

const dot = (a: Vec, b: Vec): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** East and north unit vectors of the tangent plane at unit vector t. */
function tangentBasis(t: Vec): [Vec, Vec] {
  const rxy = Math.hypot(t[0], t[1]);
  // At a pole any east will do: take the RA-0 meridian's.
  const east: Vec = rxy < 1e-12 ? [0, 1, 0] : [-t[1] / rxy, t[0] / rxy, 0];
  const north: Vec = [
    t[1] * east[2] - t[2] * east[1],
    t[2] * east[0] - t[0] * east[2],
    t[0] * east[1] - t[1] * east[0],
  ];
  return [east, north];
}

class Grid {
  readonly vec: Float64Array;
  readonly sx: number;
  readonly sy: number;

  constructor(readonly g: SkyGrid) {
    this.vec = new Float64Array(g.nx * g.ny * 3);
    for (let k = 0; k < g.nx * g.ny; k++) {
      const ra = g.ra[k];
      const dec = g.dec[k];
      const v = ra == null || dec == null ? [NaN, NaN, NaN] : unitVector(ra, dec);
      this.vec.set(v, 3 * k);
    }
    this.sx = (g.x1 - g.x0) / (g.nx - 1);
    this.sy = (g.y1 - g.y0) / (g.ny - 1);
  }

  contains(x: number, y: number, tol = 0): boolean {
    const g = this.g;
    return x >= g.x0 - tol && x <= g.x1 + tol && y >= g.y0 - tol && y <= g.y1 + tol;
  }

  /** Squared distance from (x, y) to the grid's box (0 inside). */
  distance2(x: number, y: number): number {
    const g = this.g;
    const dx = Math.max(g.x0 - x, 0, x - g.x1);
    const dy = Math.max(g.y0 - y, 0, y - g.y1);
    return dx * dx + dy * dy;
  }

  /** The bilinear interpolant (not normalised) at (x, y); outside, the edge cell extrapolated. */
  at(x: number, y: number): Vec | null {
    const g = this.g;
    const fx = (x - g.x0) / this.sx;
    const fy = (y - g.y0) / this.sy;
    const i = Math.min(Math.max(Math.floor(fx), 0), g.nx - 2);
    const j = Math.min(Math.max(Math.floor(fy), 0), g.ny - 2);
    const tx = fx - i;
    const ty = fy - j;
    const k00 = 3 * (j * g.nx + i);
    const k01 = k00 + 3 * g.nx;
    const v = this.vec;
    const w00 = (1 - tx) * (1 - ty);
    const w10 = tx * (1 - ty);
    const w01 = (1 - tx) * ty;
    const w11 = tx * ty;
    const out: Vec = [0, 0, 0];
    for (let a = 0; a < 3; a++) {
      out[a] =
        w00 * v[k00 + a]! + w10 * v[k00 + 3 + a]! + w01 * v[k01 + a]! + w11 * v[k01 + 3 + a]!;
    }
    return Number.isFinite(out[0]) ? out : null;
  }

  /** The sample nearest (largest dot product) to unit vector t, as viewer (x, y), and its dot. */
  nearest(t: Vec): { x: number; y: number; dot: number } {
    const g = this.g;
    let best = -2;
    let bk = 0;
    for (let k = 0; k < g.nx * g.ny; k++) {
      const v = this.vec;
      const d = v[3 * k]! * t[0] + v[3 * k + 1]! * t[1] + v[3 * k + 2]! * t[2];
      if (d > best) {
        best = d;
        bk = k;
      }
    }
    return {
      x: g.x0 + (bk % g.nx) * this.sx,
      y: g.y0 + Math.floor(bk / g.nx) * this.sy,
      dot: best,
    };
  }

  /** Newton steps on the interpolant's gnomonic offset from t; null when they do not converge. */
  invert(t: Vec, seed: { x: number; y: number }): [number, number] | null {
    const [east, north] = tangentBasis(t);
    const offset = (x: number, y: number): [number, number] | null => {
      const p = this.at(x, y);
      if (!p) return null;
      const pt = dot(p, t);
      if (pt <= 0) return null; // the far side of the sky
      return [dot(p, east) / pt, dot(p, north) / pt];
    };
    let x = seed.x;
    let y = seed.y;
    const h = 1e-3 * Math.min(this.sx, this.sy);
    for (let iter = 0; iter < 30; iter++) {
      const f = offset(x, y);
      const fx = offset(x + h, y);
      const fy = offset(x, y + h);
      if (!f || !fx || !fy) return null;
      const a = (fx[0] - f[0]) / h;
      const b = (fy[0] - f[0]) / h;
      const c = (fx[1] - f[1]) / h;
      const d = (fy[1] - f[1]) / h;
      const det = a * d - b * c;
      if (!Number.isFinite(det) || det === 0) return null;
      let dx = (-d * f[0] + b * f[1]) / det;
      let dy = (c * f[0] - a * f[1]) / det;
      // Never more than a few cells at once: the interpolant is piecewise.
      const limit = 4 * Math.max(this.sx, this.sy);
      const len = Math.hypot(dx, dy);
      if (len > limit) {
        dx *= limit / len;
        dy *= limit / len;
      }
      x += dx;
      y += dy;
      if (Math.hypot(dx, dy) < 1e-7) return [x, y];
    }
    const f = offset(x, y);
    // Converged slowly but well enough: the offset is a ten-billionth of a radian (20 µas).
    return f && Math.hypot(f[0], f[1]) < 1e-10 ? [x, y] : null;
  }
}

/** A SkyTransform from the endpoint's grids; null when there are none (no WCS). */
export function makeSkyTransform(answer: SkyTransformAnswer): SkyTransform | null {
  const grids = answer.grids.filter((g) => g.nx >= 2 && g.ny >= 2).map((g) => new Grid(g));
  if (grids.length === 0) return null;
  // On a mosaic the later CCD wins where two overlap, as the tiles paint them.
  const gridAt = (x: number, y: number): Grid | null => {
    for (let k = grids.length - 1; k >= 0; k--) {
      const grid = grids[k]!;
      if (grid.contains(x, y)) return grid;
    }
    return null;
  };
  const closest = (x: number, y: number): Grid => {
    let best = grids[0]!;
    for (const g of grids) if (g.distance2(x, y) < best.distance2(x, y)) best = g;
    return best;
  };

  return {
    toSky(x, y) {
      const grid = gridAt(x, y);
      const p = grid?.at(x, y);
      return p ? toRaDec(p) : null;
    },
    toSkyNear(x, y) {
      const p = (gridAt(x, y) ?? closest(x, y)).at(x, y);
      return p ? toRaDec(p) : null;
    },
    toPixel(ra, dec) {
      if (!Number.isFinite(ra) || !Number.isFinite(dec) || Math.abs(dec) > 90) return null;
      const t = unitVector(ra, dec);
      const seeds = grids.map((g) => ({ g, s: g.nearest(t) })).sort((a, b) => b.s.dot - a.s.dot);
      let fallback: [number, number] | null = null;
      for (const { g, s } of seeds) {
        const found = g.invert(t, s);
        if (!found) continue;
        if (g.contains(found[0], found[1], 1e-6)) return found;
        fallback ??= found;
      }
      // Off the image (or in a gap): the nearest CCD's edge extrapolated, for locking and regions.
      return fallback;
    },
    local(x, y) {
      const grid = gridAt(x, y) ?? closest(x, y);
      const h = 0.5;
      const p = grid.at(x, y);
      const px = grid.at(x + h, y);
      const mx = grid.at(x - h, y);
      const py = grid.at(x, y + h);
      const my = grid.at(x, y - h);
      if (!p || !px || !mx || !py || !my) return null;
      const n0 = Math.hypot(...p);
      const t: Vec = [p[0] / n0, p[1] / n0, p[2] / n0];
      const [east, north] = tangentBasis(t);
      const proj = (v: Vec): [number, number] => {
        const vt = dot(v, t);
        return [dot(v, east) / vt, dot(v, north) / vt];
      };
      const [ex1, nx1] = proj(px);
      const [ex0, nx0] = proj(mx);
      const [ey1, ny1] = proj(py);
      const [ey0, ny0] = proj(my);
      // Radians per pixel: d(East)/dx, d(East)/dy, d(North)/dx, d(North)/dy.
      const a = (ex1 - ex0) / (2 * h);
      const b = (ey1 - ey0) / (2 * h);
      const c = (nx1 - nx0) / (2 * h);
      const d = (ny1 - ny0) / (2 * h);
      const det = a * d - b * c;
      if (!Number.isFinite(det) || det === 0) return null;
      // The pixel direction in which North grows and East does not: J⁻¹ (0, 1).
      const vx = -b / det;
      const vy = a / det;
      return {
        scale: Math.sqrt(Math.abs(det)) / DEG,
        north: Math.atan2(-vx, vy),
        eastRight: det > 0,
      };
    },
  };
}

const cache = new Map<string, Promise<SkyTransform | null>>();

/** The image's SkyTransform (null without a WCS), fetched once per image and kept. */
export function skyTransformFor(image: ImageRef): Promise<SkyTransform | null> {
  const key = `${image.path}\n${image.hdu}\n${image.plane}`;
  let found = cache.get(key);
  if (!found) {
    const query = new URLSearchParams({
      path: image.path,
      hdu: String(image.hdu),
      plane: String(image.plane),
    });
    found = apiRequest<SkyTransformAnswer>("GET", `/api/imaging/sky-transform?${query}`).then(
      makeSkyTransform,
    );
    // A failure is not kept: the next call asks again.
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}

/** Forget the cached transforms (e.g. when a file is rewritten; tests). */
export function forgetSkyTransforms(): void {
  cache.clear();
}
