// A SourceStore over generated columns held in the page: what the plots' browser tests and benchmark
// draw, with no server behind it. It answers like the real store: box and lasso selections evaluated on
// the columns, one mask per selection shared by every listener, density counts binned here.
import { toAxis } from "../axes";
import { boxMask, lassoMask } from "../geometry";
import type {
  ColumnArray,
  ColumnInfo,
  DensityQuery,
  DensityResult,
  RowsPage,
  SelectionListener,
  SelectionState,
  SourceDescription,
  SourceSpec,
  SourceStore,
} from "../../sources/types";

/** A small deterministic generator (mulberry32), so every run draws the same points. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

function info(name: string, unit: string | null, kind: ColumnInfo["kind"] = "float"): ColumnInfo {
  return {
    name,
    kind,
    dtype: kind === "int" ? "int32" : "float64",
    unit,
    ucd: null,
    description: null,
    shape: [],
  };
}

/**
 * Columns of `rows` rows: `x`, `y` a square grid (x = i mod side, y = i div side), `mag` and `flux`
 * (flux ≤ 0 for 1 row in 50, to show what a log axis drops), `colour` (g − r) and `id`.
 */
export function generate(rows: number, seed = 1): Map<string, Float64Array> {
  const side = Math.ceil(Math.sqrt(rows));
  const next = random(seed);
  const x = new Float64Array(rows);
  const y = new Float64Array(rows);
  const mag = new Float64Array(rows);
  const flux = new Float64Array(rows);
  const colour = new Float64Array(rows);
  const id = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    x[i] = i % side;
    y[i] = Math.floor(i / side);
    mag[i] = 18 + 1.5 * gauss(next);
    flux[i] = i % 50 === 7 ? -1 : 10 ** (-0.4 * (mag[i]! - 25));
    colour[i] = 0.6 + 0.3 * gauss(next) + 0.05 * (mag[i]! - 18);
    id[i] = i;
  }
  return new Map([
    ["x", x],
    ["y", y],
    ["mag", mag],
    ["flux", flux],
    ["colour", colour],
    ["id", id],
  ]);
}

const UNITS: Record<string, string | null> = {
  x: "pix",
  y: "pix",
  mag: "mag",
  flux: "mJy",
  colour: "mag",
  id: null,
};

export class FakeStore implements SourceStore {
  selection: SelectionState | null = null;
  /** Selections received, in order (tests read them). */
  readonly received: { state: SelectionState | null; origin: string; at: number }[] = [];
  private currentMask: Uint8Array | null = null;
  private readonly listeners = new Set<SelectionListener>();
  readonly rowCount: number;

  readonly spec: SourceSpec;

  constructor(
    readonly id: string,
    private readonly columns: Map<string, Float64Array>,
  ) {
    this.rowCount = columns.values().next().value?.length ?? 0;
    this.spec = {
      id,
      kind: "file",
      path: "harness/generated.csv",
      table: 0,
      name: "generated",
      derived: [],
      selections: [],
      current: null,
    };
  }

  describe(): Promise<SourceDescription> {
    // As the server's: the row number "index" first, then the table's columns.
    const columns = [
      info("index", null, "int"),
      ...[...this.columns.keys()].map((n) =>
        info(n, UNITS[n] ?? null, n === "id" ? "int" : "float"),
      ),
      { ...info("name", null, "string"), dtype: "<U8" },
    ];
    return Promise.resolve({
      path: this.spec.path,
      name: this.spec.name,
      kind: "file",
      format: "csv",
      identity: "harness",
      tables: [{ index: 0, name: "generated", rows: this.rowCount, columns: columns.length }],
      table: 0,
      rows: this.rowCount,
      columns,
      sky: null,
      pixel: { x: "x", y: "y" },
      notes: [],
    });
  }

  column(name: string): Promise<ColumnArray> {
    const values =
      this.columns.get(name) ??
      (name === "index" ? Float64Array.from({ length: this.rowCount }, (_, i) => i) : undefined);
    if (!values) return Promise.reject(new Error(`The source has no column ${name}.`));
    return Promise.resolve(values);
  }

  rows(q: { start: number; count: number; columns?: string[] }): Promise<RowsPage> {
    const names = q.columns ?? [...this.columns.keys()];
    const index: number[] = [];
    for (let i = q.start; i < Math.min(this.rowCount, q.start + q.count); i++) index.push(i);
    return Promise.resolve({
      total: this.rowCount,
      start: q.start,
      index,
      columns: names,
      cells: index.map((i) => names.map((n) => this.columns.get(n)?.[i] ?? null)),
    });
  }

  mask(): Promise<Uint8Array | null> {
    return Promise.resolve(this.currentMask);
  }

  select(state: SelectionState | null, origin: string): void {
    this.received.push({ state, origin, at: performance.now() });
    this.selection = state;
    this.currentMask = state ? this.evaluate(state) : null;
    for (const listener of this.listeners) listener(state, this.currentMask, origin);
  }

  onSelection(listener: SelectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  density(q: DensityQuery): Promise<DensityResult> {
    const xs = toAxis(this.columns.get(q.x) ?? [], q.xscale === "log");
    const ys = toAxis(this.columns.get(q.y) ?? [], q.yscale === "log");
    const axis = (v: number | null | undefined, log: boolean): number =>
      log ? Math.log10(v ?? NaN) : (v ?? NaN);
    const full = (values: Float64Array): [number, number] => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of values) if (v === v) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      return lo <= hi ? [lo, hi] : [0, 1];
    };
    const [xlo, xhi] =
      q.xlo !== undefined && q.xlo !== null
        ? [axis(q.xlo, q.xscale === "log"), axis(q.xhi, q.xscale === "log")]
        : full(xs);
    const [ylo, yhi] =
      q.ylo !== undefined && q.ylo !== null
        ? [axis(q.ylo, q.yscale === "log"), axis(q.yhi, q.yscale === "log")]
        : full(ys);
    const counts = new Float32Array(q.nx * q.ny);
    const mask = q.selection ? this.evaluate(q.selection) : null;
    for (let i = 0; i < xs.length; i++) {
      if (mask && !mask[i]) continue;
      const fx = (xs[i]! - xlo) / (xhi - xlo);
      const fy = (ys[i]! - ylo) / (yhi - ylo);
      if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) continue;
      const bx = Math.min(q.nx - 1, Math.floor(fx * q.nx));
      const by = Math.min(q.ny - 1, Math.floor(fy * q.ny));
      counts[by * q.nx + bx]! += 1;
    }
    // The ranges in the axes' space, as the server's X-Toyz-Range.
    return Promise.resolve({ counts, nx: q.nx, ny: q.ny, ranges: { xlo, xhi, ylo, yhi } });
  }

  /** Rows of a selection state (box, lasso, range, rows, and, or, not). */
  evaluate(state: SelectionState): Uint8Array {
    const n = this.rowCount;
    switch (state.kind) {
      case "box": {
        const xs = toAxis(this.columns.get(state.x) ?? [], state.xscale === "log");
        const ys = toAxis(this.columns.get(state.y) ?? [], state.yscale === "log");
        return boxMask(xs, ys, state.x0, state.x1, state.y0, state.y1);
      }
      case "lasso": {
        const xs = toAxis(this.columns.get(state.x) ?? [], state.xscale === "log");
        const ys = toAxis(this.columns.get(state.y) ?? [], state.yscale === "log");
        return lassoMask(xs, ys, state.points);
      }
      case "range": {
        const v = this.columns.get(state.column) ?? new Float64Array(n);
        return Uint8Array.from(v, (x) =>
          (state.lo === null || x >= state.lo) && (state.hi === null || x <= state.hi) ? 1 : 0,
        );
      }
      case "rows": {
        const mask = new Uint8Array(n);
        for (const r of state.rows) if (r >= 0 && r < n) mask[r] = 1;
        return mask;
      }
      case "not": {
        const inner = state.of[0] ? this.evaluate(state.of[0]) : new Uint8Array(n);
        return inner.map((v) => (v ? 0 : 1));
      }
      case "and":
      case "or": {
        const parts = state.of.map((s) => this.evaluate(s));
        const out = new Uint8Array(n).fill(state.kind === "and" ? 1 : 0);
        for (const p of parts)
          for (let i = 0; i < n; i++)
            out[i] = state.kind === "and" ? out[i]! & p[i]! : out[i]! | p[i]!;
        return out;
      }
      default:
        return new Uint8Array(n);
    }
  }
}
