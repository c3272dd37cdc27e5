// Box and lasso geometry in axis space: the vertices a gesture sends, and the rows they hold (a store
// evaluates a box or lasso on columns the page holds with these, without asking the server).

export type Vertex = [number, number];

/** Whether (x, y) lies inside the polygon (even-odd rule; a point on an edge may fall either way). */
export function insidePolygon(x: number, y: number, polygon: readonly Vertex[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] ?? [0, 0];
    const [xj, yj] = polygon[j] ?? [0, 0];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** 1 for each row whose (xs, ys) (axis space) lies in the polygon, else 0 (NaN never does). */
export function lassoMask(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  polygon: readonly Vertex[],
): Uint8Array {
  const mask = new Uint8Array(xs.length);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const [px, py] of polygon) {
    x0 = Math.min(x0, px);
    x1 = Math.max(x1, px);
    y0 = Math.min(y0, py);
    y1 = Math.max(y1, py);
  }
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] ?? NaN;
    const y = ys[i] ?? NaN;
    // The bounding box first: most rows of a small lasso are far outside it.
    if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue;
    if (insidePolygon(x, y, polygon)) mask[i] = 1;
  }
  return mask;
}

/** 1 for each row inside the closed box [x0, x1] × [y0, y1] (axis space). */
export function boxMask(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
): Uint8Array {
  const mask = new Uint8Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] ?? NaN;
    const y = ys[i] ?? NaN;
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) mask[i] = 1;
  }
  return mask;
}

/**
 * A lasso path fit for the selection state: vertices at least `minStep` pixels apart (the pointer
 * reports many more), then at most `max` of them (every k-th) since the state allows 2000.
 */
export function simplifyPath(points: readonly Vertex[], minStep = 2, max = 2000): Vertex[] {
  const kept: Vertex[] = [];
  for (const p of points) {
    const last = kept[kept.length - 1];
    if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= minStep) kept.push(p);
  }
  if (kept.length <= max) return kept;
  const step = kept.length / max;
  const out: Vertex[] = [];
  for (let i = 0; i < max; i++) {
    const p = kept[Math.floor(i * step)];
    if (p) out.push(p);
  }
  return out;
}

/** How many bytes of `mask` are 1. */
export function countSelected(mask: Uint8Array | null): number {
  if (!mask) return 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] ? 1 : 0;
  return n;
}
