// The source store as the plots see it (contract of issue 10: frontend/src/sources/types.ts on the
// i10-front branch). Written here in the same shape until that branch lands; then this module only
// re-exports those types.

/** A column of a source as `/api/sources/describe` lists it. */
export interface ColumnInfo {
  name: string;
  kind: "float" | "int" | "bool" | "string" | "time" | "other";
  dtype: string;
  unit: string | null;
  ucd: string | null;
  description: string | null;
  shape: number[];
}

export interface SourceDescription {
  path: string;
  name: string;
  rows: number;
  columns: ColumnInfo[];
  notes?: string[];
}

/** The selection state (workers/sources/selection.py); box/lasso vertices in the plot's axis space. */
export type SelectionState =
  | {
      kind: "box";
      x: string;
      y: string;
      x0: number;
      x1: number;
      y0: number;
      y1: number;
      xscale: "linear" | "log";
      yscale: "linear" | "log";
    }
  | {
      kind: "lasso";
      x: string;
      y: string;
      points: [number, number][];
      xscale: "linear" | "log";
      yscale: "linear" | "log";
    }
  | { kind: "range"; column: string; lo: number | null; hi: number | null }
  | { kind: "rows"; rows: number[] }
  | { kind: "expr"; expr: string }
  | { kind: "and" | "or" | "not"; of: SelectionState[] };

export type ColumnValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array;

/** `/api/sources/density`: ranges in data units; with a log scale the bins are even in log10. */
export interface DensityQuery {
  x: string;
  y: string;
  nx: number;
  ny: number;
  xlo: number;
  xhi: number;
  ylo: number;
  yhi: number;
  xscale: "linear" | "log";
  yscale: "linear" | "log";
  /** Count only the rows of the current selection (the POST variant). */
  selected?: boolean;
}

export interface DensityResult {
  /** ny*nx counts, row 0 = lowest y. */
  counts: Float32Array;
  nx: number;
  ny: number;
  ranges: { xlo: number; xhi: number; ylo: number; yhi: number };
}

export interface RowsPage {
  total: number;
  start: number;
  index: number[];
  columns: string[];
  cells: (number | string | boolean | null)[][];
}

export type SelectionListener = (
  state: SelectionState | null,
  mask: Uint8Array | null,
  origin: string,
) => void;

export interface SourceStore {
  readonly id: string;
  describe(): Promise<SourceDescription>;
  column(nameOrExpr: string): Promise<ColumnValues>;
  rows(q: {
    start: number;
    count: number;
    sort?: string;
    desc?: boolean;
    filter?: string;
    columns?: string[];
  }): Promise<RowsPage>;
  readonly selection: SelectionState | null;
  mask(): Promise<Uint8Array | null>;
  select(state: SelectionState | null, origin: string): void;
  onSelection(listener: SelectionListener): () => void;
  density(q: DensityQuery): Promise<DensityResult>;
}
