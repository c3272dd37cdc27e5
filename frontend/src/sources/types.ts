// The shapes of data sources on the page (issue 10, /work/prompts/i10-contract.md "The front end"):
// what the server answers about a table, the selection state, the workspace's source specs, the
// store every plot, table and overlay of a source shares, and the tile elements of <toyz-app>.
// The REST shapes mirror apps/sources/schemas.py until `make types` generates them; then they
// become aliases of the generated ones (src/protocol.ts) and the names here stay.

// ---------------------------------------------------------------------------------------------
// What the server says about a table (GET /api/sources/describe)

export type ColumnKind = "float" | "int" | "bool" | "string" | "time" | "other";

export interface ColumnInfo {
  /** Unique within the table (duplicates were renamed "flux_2", with a note). */
  name: string;
  kind: ColumnKind;
  /** The numpy dtype of the values served, e.g. "float64", "int32", "<U12". */
  dtype: string;
  unit: string | null;
  ucd: string | null;
  description: string | null;
  /** [] for scalars; vector columns are listed but not plottable. */
  shape: number[];
  /** The column's position in the table. */
  index?: number;
}

export interface TableInfo {
  index: number;
  name: string;
  rows: number;
  columns: number;
}

export interface SourceDescription {
  path: string;
  name: string;
  kind: "file" | "headers";
  format: string;
  /** Changes with the file: the `v` of column URLs, so that cached columns stay right. */
  identity: string;
  tables: TableInfo[];
  table: number;
  rows: number;
  /** The columns, first the row number "index" (0-based, file order). */
  columns: ColumnInfo[];
  sky: { ra: string; dec: string } | null;
  pixel: { x: string; y: string } | null;
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// The selection state: JSON, the same on the socket, in the workspace and in POST /api/sources/mask

export type AxisScale = "linear" | "log";

/** A box in a plot's axis space: with "log" the bounds are log10 of the data. */
export interface BoxSelection {
  kind: "box";
  /** A column name or an expression. */
  x: string;
  y: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  xscale: AxisScale;
  yscale: AxisScale;
}

/** A polygon (3..2000 vertices) in a plot's axis space: with "log" the coordinates are log10. */
export interface LassoSelection {
  kind: "lasso";
  x: string;
  y: string;
  points: [number, number][];
  xscale: AxisScale;
  yscale: AxisScale;
}

/** lo <= column <= hi; a null bound is open. */
export interface RangeSelection {
  kind: "range";
  column: string;
  lo: number | null;
  hi: number | null;
}

/** Explicit row numbers (0-based, file order; at most 100,000). */
export interface RowsSelection {
  kind: "rows";
  rows: number[];
}

/** The rows where a boolean expression holds, e.g. "g - r > 1". */
export interface ExprSelection {
  kind: "expr";
  expr: string;
}

export interface CombinedSelection {
  kind: "and" | "or";
  of: SelectionState[];
}

export interface NotSelection {
  kind: "not";
  of: [SelectionState];
}

export type SelectionState =
  | BoxSelection
  | LassoSelection
  | RangeSelection
  | RowsSelection
  | ExprSelection
  | CombinedSelection
  | NotSelection;

// ---------------------------------------------------------------------------------------------
// The workspace's sources (saved with it; the `sources` socket message)

export interface DerivedColumn {
  name: string;
  expr: string;
}

export interface NamedSelection {
  name: string;
  state: SelectionState;
}

// A type, not an interface: it must fit the server's JSON objects.
export type SourceSpec = {
  /** Unique in the workspace; what tiles and overlays name as their `source`. */
  id: string;
  kind: "file" | "headers";
  /** The table file (kind "file") or the folder of the header index (kind "headers"). */
  path: string;
  /** The table's index in the file (0 for the first; FITS: the n-th table HDU). */
  table: number;
  /** What the page shows for it (the file's name, and the table's when a file holds several). */
  name: string;
  derived: DerivedColumn[];
  selections: NamedSelection[];
  /** The live selection, saved (debounced) so that a reopened workspace shows it again. */
  current: SelectionState | null;
};

// ---------------------------------------------------------------------------------------------
// Columns, rows and density from the server

/** A column as the server sends it: the typed array its X-Toyz-Dtype names. */
export type ColumnArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export interface RowsQuery {
  start: number;
  /** At most 500. */
  count: number;
  /** A column or an expression to sort by (NaN last). */
  sort?: string | null;
  desc?: boolean;
  /** A boolean expression: only the rows where it holds. */
  filter?: string | null;
  /** The columns (or expressions) to send; all of them when absent. */
  columns?: string[] | null;
  /** Only the rows this selection selects ("only selected"; POST /api/sources/rows). */
  selection?: SelectionState | null;
}

/** GET /api/sources/rows: `total` rows after the filter, `cells[i]` the values of row `index[i]`. */
export interface RowsPage {
  total: number;
  start: number;
  index: number[];
  columns: string[];
  /** NaN, inf and masked values come as null. */
  cells: (number | string | boolean | null)[][];
}

export interface DensityQuery {
  x: string;
  y: string;
  nx: number;
  ny: number;
  /** The binned range in data units (the server picks the data's range when absent). */
  xlo?: number | null;
  xhi?: number | null;
  ylo?: number | null;
  yhi?: number | null;
  xscale?: AxisScale;
  yscale?: AxisScale;
  /** Count only the rows of this selection (the POST variant). */
  selection?: SelectionState | null;
}

export interface DensityResult {
  /** ny * nx counts, row 0 = the lowest y. */
  counts: Float32Array;
  nx: number;
  ny: number;
  /** The ranges the bins cover, in the axes' space (log10 of the data on a log axis). */
  ranges: { xlo: number; xhi: number; ylo: number; yhi: number };
}

// ---------------------------------------------------------------------------------------------
// The store: one per source per page, shared by every view of that source

/** Called with the new state, its mask (1 byte per row, 0/1; null = nothing selected), and the tile that made it. */
export type SelectionListener = (
  state: SelectionState | null,
  mask: Uint8Array | null,
  origin: string,
) => void;

export interface SourceStore {
  readonly id: string;
  readonly spec: SourceSpec;
  /** The table's description (cached). */
  describe(): Promise<SourceDescription>;
  /**
   * A column or an expression's values (cached per page; a derived column's name gives its
   * expression), as float32 (the default: what plots draw) or as the table holds them ("native").
   */
  column(nameOrExpr: string, dtype?: "float32" | "native"): Promise<ColumnArray>;
  rows(q: RowsQuery): Promise<RowsPage>;
  /** The live selection, or null. */
  readonly selection: SelectionState | null;
  /** The live selection's mask: 1 byte per row (0/1), null = no selection. */
  mask(): Promise<Uint8Array | null>;
  /** Selects at once here, then relays it (not for view-only users); `origin` is the tile's id. */
  select(state: SelectionState | null, origin: string): void;
  /** Every selection change (this page's and collaborators'); returns an unsubscriber. */
  onSelection(listener: SelectionListener): () => void;
  density(q: DensityQuery): Promise<DensityResult>;
}

/** The workspace's sources on this page, kept in step with the server and the collaborators. */
export interface SourceRegistry {
  /** The specs in workspace order. */
  readonly specs: readonly SourceSpec[];
  /** The store of a source, or null when the workspace has no such source. */
  get(id: string): SourceStore | null;
  /** Adds a source (or returns the one for the same path and table) and saves the list. */
  add(
    spec: Omit<SourceSpec, "id" | "derived" | "selections" | "current"> & Partial<SourceSpec>,
  ): SourceStore;
  /** Changes a source's spec (name, derived columns, named selections) and saves the list. */
  update(id: string, change: Partial<Omit<SourceSpec, "id">>): void;
  remove(id: string): void;
  /** The source's file changed: every view of it reads it again (a new store under the same id). */
  reload?(id: string): void;
  /** Every change of the list (added, removed, renamed, derived columns, named selections). */
  onChange(listener: (specs: readonly SourceSpec[]) => void): () => void;
}

// ---------------------------------------------------------------------------------------------
// Tile elements of <toyz-app>

export type PlotKind = "scatter" | "line" | "histogram" | "density";

export type PlotState = {
  source: string;
  kind: PlotKind;
  x: string;
  y?: string | null;
  color?: string | null;
  cmap?: string | null;
  size?: number | null;
  shape?: string | null;
  xlog?: boolean;
  ylog?: boolean;
  xreverse?: boolean;
  yreverse?: boolean;
  series?: { y: string; color?: string | null }[];
  bins?: number | null;
  view?: { x0: number; x1: number; y0: number; y1: number } | null;
};

export type TableState = {
  source: string;
  sort?: string | null;
  desc?: boolean;
  filter?: string | null;
  columns?: string[] | null;
  scroll?: number;
  /** "Only selected": the view shows the source's selected rows only. */
  only?: boolean;
};

/** A catalogue drawn on an image viewer (its state's `overlays`). */
export type OverlayState = {
  source: string;
  ra?: string | null;
  dec?: string | null;
  x?: string | null;
  y?: string | null;
  color: string;
  shape: string;
  size: number;
  visible: boolean;
};

/** The kinds of tile the layout holds; others (from a newer page) are kept untouched. */
export type TileKind = "image" | "plot" | "table";

/**
 * What <toyz-app> needs of a tile's element (<toyz-image-viewer>, <toyz-plot>, <toyz-table>):
 * the app sets `tileId` and `sources` before it connects, then `state` from the layout.
 */
export interface TileElement extends HTMLElement {
  tileId: string;
  /** The workspace's sources (set by the app; plots and tables look their source up here). */
  sources: SourceRegistry | null;
  /** Saved in the layout; setting it applies a state from the server. */
  state: Record<string, unknown>;
  /** Releases what the tile holds (listeners, WebGL, timers) when it is closed. */
  dispose(): void;
}

/** Detail of `toyz-tile-state` (bubbles, composed): a tile's state changed by its user. */
export interface TileStateDetail {
  tileId: string;
  state: Record<string, unknown>;
}

/** Detail of `toyz-locate` (bubbles, composed): centre the focused image viewer on this place. */
export type LocateDetail = { ra: number; dec: number } | { x: number; y: number };

declare global {
  interface HTMLElementEventMap {
    "toyz-tile-state": CustomEvent<TileStateDetail>;
    "toyz-locate": CustomEvent<LocateDetail>;
  }
}
