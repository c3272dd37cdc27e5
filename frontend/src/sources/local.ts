// The pure parts of the source store: typed arrays from the server's binary answers, and the
// selections the page can evaluate itself on columns it already holds (no round trip).
import type { AxisScale, ColumnArray, SelectionState } from "./types";

type ColumnConstructor = {
  new (buffer: ArrayBuffer): ColumnArray;
  readonly BYTES_PER_ELEMENT: number;
};

const DTYPES: Record<string, ColumnConstructor> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
};

/**
 * The typed array that `buffer` holds as the server's `X-Toyz-Dtype` names it (little-endian,
 * as every browser's typed arrays are on the machines Toyz runs on).
 */
export function decodeColumn(buffer: ArrayBuffer, dtype: string, rows?: number): ColumnArray {
  const make = DTYPES[dtype.trim().replace(/^[<|]/, "").toLowerCase()];
  if (!make)
    throw new Error(`The server sent a column of type ${dtype}, which the page cannot read.`);
  if (buffer.byteLength % make.BYTES_PER_ELEMENT !== 0)
    throw new Error("The server sent a truncated column; reload the page.");
  const values = new make(buffer);
  if (rows !== undefined && values.length !== rows)
    throw new Error(`The server sent ${values.length} values for ${rows} rows; reload the page.`);
  return values;
}

/** One byte per row (0/1) from `np.packbits(mask, bitorder="little")` of `rows` rows. */
export function unpackMask(packed: Uint8Array, rows: number): Uint8Array {
  if (packed.length < Math.ceil(rows / 8))
    throw new Error("The server sent a truncated selection; reload the page.");
  const mask = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) mask[i] = (packed[i >> 3]! >> (i & 7)) & 1;
  return mask;
}

/** How many rows a mask selects. */
export function countMask(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i]!;
  return n;
}

/** A value in a plot's axis space: log10 on log axes (non-positive values have no place: NaN). */
function axisValue(value: number, scale: AxisScale): number {
  if (scale !== "log") return value;
  return value > 0 ? Math.log10(value) : Number.NaN;
}

function toNumber(values: ColumnArray, i: number): number {
  return Number(values[i]);
}

/**
 * Whether point `(x, y)` lies inside `polygon` (even-odd rule; vertices in order, the polygon
 * closed implicitly).
 */
export function insidePolygon(x: number, y: number, polygon: readonly [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    // The edge crosses the horizontal through y, and the crossing lies right of x.
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * What the page needs of a source to evaluate a selection itself: the row count and the
 * columns it already holds (by column name or expression), or null for one it does not hold.
 */
export interface HeldColumns {
  rows: number;
  held(nameOrExpr: string): ColumnArray | null;
}

/** The columns and expressions a selection reads (an `expr` selection reads an unknown set). */
export function selectionColumns(state: SelectionState): string[] {
  switch (state.kind) {
    case "box":
    case "lasso":
      return [state.x, state.y];
    case "range":
      return [state.column];
    case "rows":
    case "expr":
      return [];
    case "and":
    case "or":
    case "not":
      return state.of.flatMap(selectionColumns);
  }
}

/**
 * The mask of `state` (1 byte per row) when it can be evaluated here with the columns held, else
 * null (then the server evaluates it). NaN never selects, as on the server.
 */
export function evaluateLocally(state: SelectionState, data: HeldColumns): Uint8Array | null {
  const n = data.rows;
  switch (state.kind) {
    case "box": {
      const xs = data.held(state.x);
      const ys = data.held(state.y);
      if (!xs || !ys || xs.length !== n || ys.length !== n) return null;
      const [x0, x1] = [Math.min(state.x0, state.x1), Math.max(state.x0, state.x1)];
      const [y0, y1] = [Math.min(state.y0, state.y1), Math.max(state.y0, state.y1)];
      const mask = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const x = axisValue(toNumber(xs, i), state.xscale);
        const y = axisValue(toNumber(ys, i), state.yscale);
        // Comparisons with NaN are false: NaN rows stay unselected.
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) mask[i] = 1;
      }
      return mask;
    }
    case "lasso": {
      const xs = data.held(state.x);
      const ys = data.held(state.y);
      if (!xs || !ys || xs.length !== n || ys.length !== n || state.points.length < 3) return null;
      let [bx0, bx1, by0, by1] = [Infinity, -Infinity, Infinity, -Infinity];
      for (const [px, py] of state.points) {
        bx0 = Math.min(bx0, px);
        bx1 = Math.max(bx1, px);
        by0 = Math.min(by0, py);
        by1 = Math.max(by1, py);
      }
      const mask = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const x = axisValue(toNumber(xs, i), state.xscale);
        const y = axisValue(toNumber(ys, i), state.yscale);
        // The bounding box first: most rows of a small lasso are rejected at once.
        if (!(x >= bx0 && x <= bx1 && y >= by0 && y <= by1)) continue;
        if (insidePolygon(x, y, state.points)) mask[i] = 1;
      }
      return mask;
    }
    case "range": {
      const vs = data.held(state.column);
      if (!vs || vs.length !== n) return null;
      const lo = state.lo ?? -Infinity;
      const hi = state.hi ?? Infinity;
      const mask = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = toNumber(vs, i);
        if (v >= lo && v <= hi) mask[i] = 1;
      }
      return mask;
    }
    case "rows": {
      const mask = new Uint8Array(n);
      for (const row of state.rows) if (Number.isInteger(row) && row >= 0 && row < n) mask[row] = 1;
      return mask;
    }
    case "expr":
      return null;
    case "and":
    case "or": {
      const parts: Uint8Array[] = [];
      for (const part of state.of) {
        const mask = evaluateLocally(part, data);
        if (!mask) return null;
        parts.push(mask);
      }
      const out = new Uint8Array(n).fill(state.kind === "and" ? 1 : 0);
      for (const mask of parts) {
        if (state.kind === "and") for (let i = 0; i < n; i++) out[i]! &= mask[i]!;
        else for (let i = 0; i < n; i++) out[i]! |= mask[i]!;
      }
      return out;
    }
    case "not": {
      const inner = state.of[0] ? evaluateLocally(state.of[0], data) : null;
      if (!inner) return null;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = inner[i]! ^ 1;
      return out;
    }
  }
}

/** JSON with sorted keys: equal states give equal strings (cache keys, change detection). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
          a < b ? -1 : a > b ? 1 : 0,
        ),
      );
    }
    return v;
  });
}
