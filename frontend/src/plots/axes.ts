// Axis space and its ticks. A plot works in "axis space": the data on a linear axis, log10 of the data
// on a log axis (non-positive values have no place there and are dropped as NaN). Views, box and lasso
// vertices and density bins are all in axis space; a reversed axis only flips how it maps to pixels.
import { scaleLinear } from "d3-scale";

import type { ColumnArray, ColumnInfo } from "../sources/types";

/** A rectangle of axis space, x0 < x1 and y0 < y1 (reversal is the frame's business). */
export interface PlotView {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface Tick {
  /** Position in axis space. */
  at: number;
  label: string;
}

/** The values in axis space: log10 on a log axis (≤ 0 → NaN), NaN for every non-finite value. */
export function toAxis(values: ArrayLike<number>, log: boolean): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? NaN;
    out[i] = !Number.isFinite(v) ? NaN : log ? (v > 0 ? Math.log10(v) : NaN) : v;
  }
  return out;
}

/** A data value from its axis-space position. */
export function fromAxis(at: number, log: boolean): number {
  return log ? 10 ** at : at;
}

/** The finite minimum and maximum of `values`, or null when none is finite. */
export function finiteRange(values: ArrayLike<number>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? NaN;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The colour scale's limits for `values`: the 0.5 and 99.5 percentiles of the finite ones (a few
 * extreme rows would otherwise leave everything else one colour), from a sample of at most `sample`.
 */
export function colorLimits(values: ArrayLike<number>, sample = 100_000): [number, number] {
  const step = Math.max(1, Math.floor(values.length / sample));
  const finite: number[] = [];
  for (let i = 0; i < values.length; i += step) {
    const v = values[i] ?? NaN;
    if (Number.isFinite(v)) finite.push(v);
  }
  if (finite.length === 0) return [0, 1];
  finite.sort((a, b) => a - b);
  const at = (q: number): number =>
    finite[Math.min(finite.length - 1, Math.floor(q * finite.length))]!;
  return [at(0.005), at(0.995)];
}

/** `range` widened by `pad` of its span on each side; a single value gets a span of its own. */
export function padRange(range: [number, number] | null, pad = 0.04): [number, number] {
  if (!range) return [0, 1];
  const [lo, hi] = range;
  if (hi > lo) {
    const margin = (hi - lo) * pad;
    return [lo - margin, hi + margin];
  }
  const half = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
  return [lo - half, hi + half];
}

/** The view that shows every point of `xs` and `ys` (axis space) with a small margin. */
export function fitView(xs: ArrayLike<number>, ys: ArrayLike<number>[]): PlotView {
  const [x0, x1] = padRange(finiteRange(xs));
  let ylo = Infinity;
  let yhi = -Infinity;
  for (const y of ys) {
    const r = finiteRange(y);
    if (r) {
      ylo = Math.min(ylo, r[0]);
      yhi = Math.max(yhi, r[1]);
    }
  }
  const [y0, y1] = padRange(ylo <= yhi ? [ylo, yhi] : null);
  return { x0, x1, y0, y1 };
}

/** Maps axis space to the pixels of a plot area of `width` × `height` CSS pixels (y down). */
export class Frame {
  constructor(
    readonly view: PlotView,
    readonly width: number,
    readonly height: number,
    readonly xreverse: boolean,
    readonly yreverse: boolean,
  ) {}

  xToPx(x: number): number {
    const f = (x - this.view.x0) / (this.view.x1 - this.view.x0);
    return (this.xreverse ? 1 - f : f) * this.width;
  }

  // Pixel rows grow downward, so an ordinary y axis maps its top (y1) to row 0.
  yToPx(y: number): number {
    const f = (y - this.view.y0) / (this.view.y1 - this.view.y0);
    return (this.yreverse ? f : 1 - f) * this.height;
  }

  pxToX(px: number): number {
    const f = px / this.width;
    return this.view.x0 + (this.xreverse ? 1 - f : f) * (this.view.x1 - this.view.x0);
  }

  pxToY(py: number): number {
    const f = py / this.height;
    return this.view.y0 + (this.yreverse ? f : 1 - f) * (this.view.y1 - this.view.y0);
  }
}

/** The view zoomed by `factor` (< 1 zooms in) about the axis-space point (cx, cy). */
export function zoomView(view: PlotView, factor: number, cx: number, cy: number): PlotView {
  return {
    x0: cx + (view.x0 - cx) * factor,
    x1: cx + (view.x1 - cx) * factor,
    y0: cy + (view.y0 - cy) * factor,
    y1: cy + (view.y1 - cy) * factor,
  };
}

/** The view moved by (dx, dy) in axis space. */
export function panView(view: PlotView, dx: number, dy: number): PlotView {
  return { x0: view.x0 + dx, x1: view.x1 + dx, y0: view.y0 + dy, y1: view.y1 + dy };
}

const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/** 10 to the power `k`, written as people read it: plain from 0.01 to 1000, else 10 with a superscript. */
export function formatPower(k: number): string {
  if (k >= -2 && k <= 3) return String(Number((10 ** k).toPrecision(3)));
  const digits = String(Math.abs(k))
    .split("")
    .map((d) => SUPERSCRIPT[Number(d)] ?? d)
    .join("");
  return `10${k < 0 ? "⁻" : ""}${digits}`;
}

/**
 * About `count` tick positions for the axis-space interval [lo, hi] (either order).
 *
 * A linear axis gets round values; a log axis spanning a decade or more gets powers of ten (every
 * n-th when there are many), and a narrower log axis round data values placed at their log10.
 */
export function axisTicks(lo: number, hi: number, log: boolean, count = 6): Tick[] {
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) return [];
  if (!log) {
    const scale = scaleLinear().domain([a, b]);
    const format = scale.tickFormat(count);
    return scale.ticks(count).map((at) => ({ at, label: format(at) }));
  }
  if (b - a >= 1) {
    // `|| 0`: Math.ceil(-0.5) is -0, which prints as "0" but is no tick at 0 for a comparison.
    const first = Math.ceil(a) || 0;
    const last = Math.floor(b);
    const step = Math.max(1, Math.ceil((last - first + 1) / count));
    const ticks: Tick[] = [];
    for (let k = first; k <= last; k += step) ticks.push({ at: k, label: formatPower(k) });
    return ticks;
  }
  const scale = scaleLinear().domain([10 ** a, 10 ** b]);
  const format = scale.tickFormat(count);
  return scale
    .ticks(count)
    .filter((v) => v > 0)
    .map((v) => ({ at: Math.log10(v), label: format(v) }));
}

/** "flux [mJy]", or the bare name when the column has no unit; "log flux" on a log axis. */
export function axisLabel(name: string, column: ColumnInfo | undefined, log: boolean): string {
  const unit = column?.unit ? ` [${column.unit}]` : "";
  return `${log ? "log " : ""}${name}${unit}`;
}

/** Whether a plot can use the column: numbers (or booleans, times) with one value per row. */
export function isPlottable(column: ColumnInfo): boolean {
  return column.shape.length === 0 && column.kind !== "string" && column.kind !== "other";
}

/** The values as float64 (a copy only when they are not already; 64-bit integers through Number). */
export function asFloat64(values: ColumnArray): Float64Array {
  if (values instanceof Float64Array) return values;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array)
    return Float64Array.from(values, (v) => Number(v));
  return Float64Array.from(values);
}
