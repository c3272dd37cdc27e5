// The surface plot (`s`): the pixels around the cursor as a shaded 3-D surface on a canvas, drawn
// here (no WebGL: a 51 × 51 cut-out is 2,500 quads, which a 2-D canvas paints back to front at
// once). Drag to turn it (azimuth) and tilt it (elevation). x runs along FITS axis 1, y along axis 2,
// height is the pixel value between the cut-out's 1st and 99.5th percentiles.
import type { SurfaceResult } from "./results";

export interface SurfaceView {
  /** Radians about the vertical axis. */
  azimuth: number;
  /** Radians above the plane (0: edge on, π/2: from above). */
  elevation: number;
}

export const DEFAULT_VIEW: SurfaceView = { azimuth: -Math.PI / 5, elevation: Math.PI / 5 };

export interface Quad {
  /** Screen corners, CSS pixels. */
  corners: [number, number][];
  /** Depth for the painter's order (larger: further). */
  depth: number;
  /** Mean height, 0..1. */
  level: number;
  /** Lambert shade, 0..1. */
  shade: number;
}

/** The value range the height spans: robust percentiles of the finite values. */
export function heightRange(values: readonly (number | null)[]): [number, number] | null {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return null;
  finite.sort((a, b) => a - b);
  const at = (q: number): number =>
    finite[Math.min(finite.length - 1, Math.floor(q * (finite.length - 1)))] ?? 0;
  const lo = at(0.01);
  const hi = at(0.995);
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/**
 * The surface's quads projected for `view` into a `width` × `height` canvas, back to front. A quad
 * touching a blank (null) pixel is left out.
 */
export function projectSurface(
  s: SurfaceResult,
  view: SurfaceView,
  width: number,
  height: number,
): Quad[] {
  const nx = s.width;
  const ny = s.height;
  const range = heightRange(s.values);
  if (!range || nx < 2 || ny < 2) return [];
  const [lo, hi] = range;
  const span = Math.max(nx, ny);
  const ca = Math.cos(view.azimuth);
  const sa = Math.sin(view.azimuth);
  const ce = Math.cos(view.elevation);
  const se = Math.sin(view.elevation);
  const zScale = 0.45;
  // The unit plane turned about its centre spans up to √2 across; the height adds below the top.
  const scale = Math.min(width * 0.68, height * 0.85);
  const point = (
    i: number,
    j: number,
  ): { sx: number; sy: number; depth: number; z: number } | null => {
    const v = s.values[j * nx + i];
    if (v === null || v === undefined || !Number.isFinite(v)) return null;
    const z = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
    // Centred, unit-sized plane; the height in the same units.
    const x = (i - (nx - 1) / 2) / span;
    const y = (j - (ny - 1) / 2) / span;
    const xr = x * ca - y * sa;
    const yr = x * sa + y * ca;
    const h = z * zScale;
    return {
      sx: width / 2 + xr * scale,
      sy: height * 0.58 - (yr * se + h * ce) * scale,
      depth: yr * ce - h * se,
      z,
    };
  };
  const grid: (ReturnType<typeof point> | null)[] = [];
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) grid.push(point(i, j));
  const light = normalise([0.4, -0.5, 0.75]);
  const quads: Quad[] = [];
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const a = grid[j * nx + i];
      const b = grid[j * nx + i + 1];
      const c = grid[(j + 1) * nx + i + 1];
      const d = grid[(j + 1) * nx + i];
      if (!a || !b || !c || !d) continue;
      // The quad's normal in data space (a unit step in x and y, the heights' differences in z).
      const dzdx = ((b.z + c.z - a.z - d.z) / 2) * zScale * span;
      const dzdy = ((c.z + d.z - a.z - b.z) / 2) * zScale * span;
      const n = normalise([-dzdx, -dzdy, 1]);
      const shade = Math.max(0, n[0] * light[0] + n[1] * light[1] + n[2] * light[2]);
      quads.push({
        corners: [a, b, c, d].map((p) => [p.sx, p.sy] as [number, number]),
        depth: (a.depth + b.depth + c.depth + d.depth) / 4,
        level: (a.z + b.z + c.z + d.z) / 4,
        shade,
      });
    }
  }
  // Painter's order: the furthest first.
  quads.sort((p, q) => q.depth - p.depth);
  return quads;
}

function normalise(v: [number, number, number]): [number, number, number] {
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** A colour for height `level` (0..1) lit by `shade` (0..1): blue low, through teal, to warm high. */
export function surfaceColour(level: number, shade: number): string {
  const t = Math.min(1, Math.max(0, level));
  const r = 40 + 215 * Math.min(1, Math.max(0, (t - 0.35) / 0.65));
  const g = 70 + 150 * Math.sin(Math.PI * Math.min(1, t * 1.1));
  const b = 170 - 120 * t;
  const k = 0.35 + 0.65 * shade;
  return `rgb(${Math.round(r * k)}, ${Math.round(g * k)}, ${Math.round(b * k)})`;
}

/** Draws the surface into `canvas` (sized to its box, at the device's pixel ratio). */
export function drawSurface(
  canvas: HTMLCanvasElement,
  s: SurfaceResult,
  view: SurfaceView,
): number {
  const width = Math.max(50, canvas.clientWidth);
  const height = Math.max(50, canvas.clientHeight);
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext("2d");
  if (!ctx) return 0;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const quads = projectSurface(s, view, width, height);
  ctx.lineWidth = 0.4;
  for (const q of quads) {
    ctx.beginPath();
    q.corners.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    ctx.closePath();
    const colour = surfaceColour(q.level, q.shade);
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.strokeStyle = "rgba(0, 0, 0, 0.35)";
    ctx.stroke();
  }
  return quads.length;
}

/** Turns the surface as the pointer drags over the canvas; `changed` redraws. */
export function dragToTurn(
  canvas: HTMLCanvasElement,
  get: () => SurfaceView,
  set: (view: SurfaceView) => void,
): void {
  let last: [number, number] | null = null;
  canvas.addEventListener("pointerdown", (e) => {
    last = [e.clientX, e.clientY];
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!last) return;
    const [x, y] = last;
    last = [e.clientX, e.clientY];
    const v = get();
    set({
      azimuth: v.azimuth + (e.clientX - x) * 0.01,
      elevation: Math.min(Math.PI / 2, Math.max(0.05, v.elevation + (e.clientY - y) * 0.01)),
    });
  });
  const end = (): void => {
    last = null;
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
}
