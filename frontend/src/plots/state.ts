// A plot's state (saved in the workspace layout, sent with `toyz-tile-state`): what it shows and how.
import type { PlotView } from "./axes";

export const PLOT_KINDS = ["scatter", "line", "histogram", "density"] as const;
export type PlotKind = (typeof PLOT_KINDS)[number];

export const MARKER_SHAPES = ["circle", "square", "diamond", "triangle"] as const;
export type MarkerShape = (typeof MARKER_SHAPES)[number];

/** More rows than this open as a density view (points saturate and draw slowly); switchable. */
export const DENSITY_ROWS = 200_000;
/** At most this many y columns on one chart (the first is `y`, the others `series`). */
export const MAX_SERIES = 8;

export interface PlotSeries {
  y: string;
  /** A CSS colour for the series (its default is the series palette's). */
  color?: string;
}

export interface PlotState {
  /** The source's id (SourceSpec.id). */
  source: string;
  kind: PlotKind;
  /** Column names or expressions; "" until chosen. */
  x: string;
  y: string;
  /** Colour by this column (scatter), or null for the series colours. */
  color: string | null;
  cmap: string;
  /** Marker diameter in CSS pixels. */
  size: number;
  shape: MarkerShape;
  xlog: boolean;
  ylog: boolean;
  xreverse: boolean;
  yreverse: boolean;
  /** Further y columns drawn on the same chart, after `y`. */
  series: PlotSeries[];
  /** Histogram bins. */
  bins: number;
  /** The visible rectangle in axis space (log10 on a log axis), or null to fit the data. */
  view: PlotView | null;
}

/** The colours of the series (matplotlib's tab10, which people read apart). */
export const SERIES_COLORS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
] as const;

export const DEFAULT_STATE: PlotState = {
  source: "",
  kind: "scatter",
  x: "",
  y: "",
  color: null,
  cmap: "viridis",
  size: 3,
  shape: "circle",
  xlog: false,
  ylog: false,
  xreverse: false,
  yreverse: false,
  series: [],
  bins: 50,
  view: null,
};

const CMAP_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const CSS_COLOR = /^#[0-9a-fA-F]{3,8}$/;

function text(value: unknown, fallback: string, max = 1000): string {
  return typeof value === "string" && value.length <= max ? value : fallback;
}

function flag(value: unknown): boolean {
  return value === true;
}

function clampNumber(value: unknown, lo: number, hi: number, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value)
    ? Math.min(hi, Math.max(lo, value))
    : fallback;
}

function viewOf(value: unknown): PlotView | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  const [x0, x1, y0, y1] = [v.x0, v.x1, v.y0, v.y1];
  if (![x0, x1, y0, y1].every((n) => typeof n === "number" && Number.isFinite(n))) return null;
  const view = { x0, x1, y0, y1 } as PlotView;
  return view.x0 < view.x1 && view.y0 < view.y1 ? view : null;
}

function seriesOf(value: unknown): PlotSeries[] {
  if (!Array.isArray(value)) return [];
  const out: PlotSeries[] = [];
  for (const item of value.slice(0, MAX_SERIES - 1)) {
    if (!item || typeof item !== "object") continue;
    const s = item as Record<string, unknown>;
    const y = text(s.y, "");
    if (!y) continue;
    const color = typeof s.color === "string" && CSS_COLOR.test(s.color) ? s.color : undefined;
    out.push(color ? { y, color } : { y });
  }
  return out;
}

/**
 * A whole, valid state from a saved one (any JSON): unknown or bad fields take their defaults, so an
 * older layout or a hand-edited one still opens.
 */
export function normalisePlotState(raw: unknown): PlotState {
  const s = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const kind = PLOT_KINDS.find((k) => k === s.kind) ?? DEFAULT_STATE.kind;
  const shape = MARKER_SHAPES.find((k) => k === s.shape) ?? DEFAULT_STATE.shape;
  const color = typeof s.color === "string" && s.color !== "" ? text(s.color, "") || null : null;
  return {
    source: text(s.source, ""),
    kind,
    x: text(s.x, ""),
    y: text(s.y, ""),
    color,
    cmap: typeof s.cmap === "string" && CMAP_NAME.test(s.cmap) ? s.cmap : DEFAULT_STATE.cmap,
    size: clampNumber(s.size, 1, 32, DEFAULT_STATE.size),
    shape,
    xlog: flag(s.xlog),
    ylog: flag(s.ylog),
    xreverse: flag(s.xreverse),
    yreverse: flag(s.yreverse),
    series: seriesOf(s.series),
    bins: Math.round(clampNumber(s.bins, 2, 1000, DEFAULT_STATE.bins)),
    view: viewOf(s.view),
  };
}

/** The y columns drawn: `y` then the series' (empty names left out). */
export function yColumns(state: PlotState): string[] {
  return [state.y, ...state.series.map((s) => s.y)].filter((y) => y !== "");
}

/** The colour of series `i`: its own, else the palette's. */
export function seriesColor(state: PlotState, i: number): string {
  const own = i > 0 ? state.series[i - 1]?.color : undefined;
  return own ?? SERIES_COLORS[i % SERIES_COLORS.length] ?? "#1f77b4";
}

/** What a first plot of a source shows: its first two plottable columns, as density when large. */
export function firstPlot(
  source: string,
  columns: readonly string[],
  rows: number,
  densityRows = DENSITY_ROWS,
): PlotState {
  return {
    ...DEFAULT_STATE,
    source,
    x: columns[0] ?? "",
    y: columns[1] ?? columns[0] ?? "",
    kind: rows > densityRows ? "density" : "scatter",
  };
}

/** The "linear"/"log" scale names of the selection state and the density query. */
export function scaleName(log: boolean): "linear" | "log" {
  return log ? "log" : "linear";
}
