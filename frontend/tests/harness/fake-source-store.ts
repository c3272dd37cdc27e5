// A SourceStore over a made-up catalogue of any size, computed from the row number, for the table
// harness (table-harness.html) and the browser tests that drive it before the real server exists.
// It answers like the rows endpoint (sorted, filtered, NaN as null), after a short delay as a
// network would, and records every rows request and every selection it is sent.
import type {
  ColumnArray,
  ColumnInfo,
  DensityResult,
  RowsPage,
  RowsQuery,
  SelectionListener,
  SelectionState,
  SourceDescription,
  SourceSpec,
  SourceStore,
} from "../../src/sources/types";
import type { ViewOrder } from "../../src/table/locate";

/** The fractional part of x (values spread evenly over [0, 1) by an irrational step). */
function frac(x: number): number {
  return x - Math.floor(x);
}

const COLUMNS: ColumnInfo[] = [
  col("ra", "float", "deg", "pos.eq.ra;meta.main", "Right ascension (ICRS)"),
  col("dec", "float", "deg", "pos.eq.dec;meta.main", "Declination (ICRS)"),
  col("g", "float", "mag", "phot.mag;em.opt.B", "g magnitude"),
  col("r", "float", "mag", "phot.mag;em.opt.R", "r magnitude"),
  col("mag", "float", "mag", "phot.mag", "Magnitude; blank for every 97th row"),
  col("flags", "int", null, "meta.code", "Extraction flags"),
  { ...col("name", "string", null, "meta.id", "Designation"), dtype: "<U14" },
];

const ROW_NUMBER: ColumnInfo = {
  ...col("index", "int", null, null, "The row number in the file, from 0."),
  dtype: "int64",
};

function col(
  name: string,
  kind: ColumnInfo["kind"],
  unit: string | null,
  ucd: string | null,
  description: string,
): ColumnInfo {
  return {
    name,
    kind,
    dtype: kind === "int" ? "int32" : "float64",
    unit,
    ucd,
    description,
    shape: [],
  };
}

/** The value of column `name` at row `i`. */
export function value(name: string, i: number): number | string | null {
  switch (name) {
    case "index":
      return i;
    case "ra":
      return 360 * frac(i * 0.6180339887);
    case "dec":
      return -90 + 180 * frac(i * 0.7548776662);
    case "g":
      return 14 + 10 * frac(i * 0.569840291) + 0.5;
    case "r":
      return 14 + 10 * frac(i * 0.569840291);
    case "mag":
      return i % 97 === 0 ? null : 14 + 10 * frac(i * 0.569840291) + 0.2;
    case "flags":
      return i % 8;
    case "name":
      return `J${String(i).padStart(7, "0")}`;
    default:
      throw new Error(`No column named ${name}.`);
  }
}

/** A tiny filter language: `col < n`, `col > n`, joined by `&`; else the server's kind of refusal. */
function parseFilter(text: string): (i: number) => boolean {
  const tests = text.split("&").map((part, k) => {
    const m = /^\s*([A-Za-z_]\w*)\s*(<=|>=|<|>|==)\s*(-?[\d.]+)\s*$/.exec(part);
    if (!m) throw new Error(`The filter is not an expression this table knows (at part ${k + 1}).`);
    const [, name, op, number] = m as unknown as [string, string, string, string];
    if (!COLUMNS.some((c) => c.name === name)) {
      throw new Error(`Unknown column "${name}" at position ${text.indexOf(name) + 1}.`);
    }
    const n = Number(number);
    return (i: number): boolean => {
      const v = value(name, i);
      if (typeof v !== "number") return false;
      return op === "<"
        ? v < n
        : op === ">"
          ? v > n
          : op === "<="
            ? v <= n
            : op === ">="
              ? v >= n
              : v === n;
    };
  });
  return (i) => tests.every((t) => t(i));
}

function evaluateSelection(state: SelectionState, rows: number): Uint8Array {
  const mask = new Uint8Array(rows);
  switch (state.kind) {
    case "rows":
      for (const r of state.rows) if (r >= 0 && r < rows) mask[r] = 1;
      return mask;
    case "and":
    case "or": {
      const parts = state.of.map((s) => evaluateSelection(s, rows));
      for (let i = 0; i < rows; i++) {
        mask[i] =
          state.kind === "and"
            ? parts.every((p) => p[i])
              ? 1
              : 0
            : parts.some((p) => p[i])
              ? 1
              : 0;
      }
      return mask;
    }
    case "not": {
      const inner = evaluateSelection(state.of[0], rows);
      for (let i = 0; i < rows; i++) mask[i] = inner[i] ? 0 : 1;
      return mask;
    }
    case "range":
      for (let i = 0; i < rows; i++) {
        const v = value(state.column, i);
        if (
          typeof v === "number" &&
          (state.lo === null || v >= state.lo) &&
          (state.hi === null || v <= state.hi)
        )
          mask[i] = 1;
      }
      return mask;
    default:
      throw new Error(`The harness does not evaluate ${state.kind} selections.`);
  }
}

export class FakeSourceStore implements SourceStore {
  readonly spec: SourceSpec;
  /** Every rows request, in order. */
  readonly requests: RowsQuery[] = [];
  /** Every selection sent, with its origin. */
  readonly selections: { state: SelectionState | null; origin: string }[] = [];
  /** Milliseconds before a rows answer. */
  delay = 20;
  /** The next rows request is refused with this sentence (a server that cannot sort, say). */
  refuseNext: string | null = null;
  private current: SelectionState | null = null;
  private currentMask: Uint8Array | null = null;
  private readonly listeners = new Set<SelectionListener>();
  private readonly orders = new Map<string, Uint32Array>();

  constructor(
    readonly id: string,
    readonly total: number,
  ) {
    this.spec = {
      id,
      kind: "file",
      path: "catalogues/fake.fits",
      table: 0,
      name: "fake.fits",
      derived: [],
      selections: [],
      current: null,
    };
  }

  get selection(): SelectionState | null {
    return this.current;
  }

  describe(): Promise<SourceDescription> {
    return Promise.resolve({
      path: this.spec.path,
      name: this.spec.name,
      kind: "file",
      format: "fits",
      identity: "fake-1",
      tables: [{ index: 0, name: "CATALOG", rows: this.total, columns: COLUMNS.length }],
      table: 0,
      rows: this.total,
      // As the server: its row-number column first, which the view shows as "#".
      columns: [ROW_NUMBER, ...COLUMNS].map((c, index) => ({ ...c, index })),
      sky: { ra: "ra", dec: "dec" },
      pixel: null,
      notes: [],
    });
  }

  column(): Promise<ColumnArray> {
    return Promise.reject(new Error("The table harness serves no columns."));
  }

  density(): Promise<DensityResult> {
    return Promise.reject(new Error("The table harness serves no density."));
  }

  async rows(q: RowsQuery): Promise<RowsPage> {
    this.requests.push({ ...q });
    await new Promise((resolve) => setTimeout(resolve, this.delay));
    const refusal = this.refuseNext;
    this.refuseNext = null;
    if (refusal !== null) throw new Error(refusal);
    const order = this.order(
      { sort: q.sort ?? null, desc: q.desc ?? false, filter: q.filter ?? null },
      q.selection ?? null,
    );
    const columns = q.columns ?? COLUMNS.map((c) => c.name);
    const count = Math.min(q.count, 500);
    const index: number[] = [];
    const cells: RowsPage["cells"] = [];
    const total = order ? order.length : this.total;
    for (let p = q.start; p < Math.min(q.start + count, total); p++) {
      const row = order ? order[p]! : p;
      index.push(row);
      cells.push(columns.map((name) => value(name, row)));
    }
    return { total, start: q.start, index, columns, cells };
  }

  mask(): Promise<Uint8Array | null> {
    return Promise.resolve(this.currentMask);
  }

  select(state: SelectionState | null, origin: string): void {
    this.selections.push({ state, origin });
    this.current = state;
    this.currentMask = state === null ? null : evaluateSelection(state, this.total);
    for (const listener of this.listeners) listener(state, this.currentMask, origin);
  }

  onSelection(listener: SelectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** POST /api/sources/locate: the view position of the first selected row. */
  locate(q: ViewOrder & { selection: SelectionState }): Promise<number | null> {
    const mask = evaluateSelection(q.selection, this.total);
    const order = this.order(q, null);
    if (!order) {
      const at = mask.indexOf(1);
      return Promise.resolve(at < 0 ? null : at);
    }
    for (let p = 0; p < order.length; p++) if (mask[order[p]!]) return Promise.resolve(p);
    return Promise.resolve(null);
  }

  /** Row numbers in view order, or null for file order. */
  private order(q: ViewOrder, selection: SelectionState | null): Uint32Array | null {
    if (q.sort === null && q.filter === null && selection === null) return null;
    let rows: Uint32Array;
    if (q.sort === null) {
      rows = Uint32Array.from({ length: this.total }, (_, i) => i);
    } else {
      const key = `${q.sort}:${q.desc}`;
      let sorted = this.orders.get(key);
      if (!sorted) {
        sorted = this.sortBy(q.sort, q.desc);
        this.orders.set(key, sorted);
      }
      rows = sorted;
    }
    if (q.filter !== null) {
      const key = `${q.sort}:${q.desc}:${q.filter}`;
      let kept = this.orders.get(key);
      if (!kept) {
        const keep = parseFilter(q.filter);
        kept = rows.filter((i) => keep(i));
        this.orders.set(key, kept);
      }
      rows = kept;
    }
    if (selection !== null) {
      const mask = evaluateSelection(selection, this.total);
      rows = rows.filter((i) => mask[i] === 1);
    }
    return rows;
  }

  private sortBy(name: string, desc: boolean): Uint32Array {
    const keys = new Float64Array(this.total);
    const text = COLUMNS.find((c) => c.name === name)?.kind === "string";
    for (let i = 0; i < this.total; i++) {
      const v = text ? i : value(name, i);
      keys[i] = typeof v === "number" ? v : Number.NaN;
    }
    const rows = Uint32Array.from({ length: this.total }, (_, i) => i);
    // NaN last either way, as the server sorts.
    rows.sort((a, b) => {
      const x = keys[a]!;
      const y = keys[b]!;
      if (Number.isNaN(x)) return Number.isNaN(y) ? a - b : 1;
      if (Number.isNaN(y)) return -1;
      return (desc ? y - x : x - y) || a - b;
    });
    return rows;
  }
}
