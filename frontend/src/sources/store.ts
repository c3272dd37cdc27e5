// One data source on the page (a table of a file, or a folder's header index): its description,
// its columns as typed arrays (fetched once per page), pages of rows, and the live selection with
// its one mask that every plot, table and overlay of the source shares.
import { ApiError, csrfToken, errorFrom, parseJson } from "../api";
import { decodeColumn, evaluateLocally, unpackMask } from "./local";
import type {
  ColumnArray,
  DensityQuery,
  DensityResult,
  RowsPage,
  RowsQuery,
  SelectionListener,
  SelectionState,
  SourceDescription,
  SourceSpec,
  SourceStore,
} from "./types";

/** The fetch the store uses (the page's; tests pass their own server). */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface StoreContext {
  fetch?: Fetch;
  /** This page's selection: relay it (and save it with the workspace) if the user may. */
  selected(store: HttpSourceStore, state: SelectionState | null, origin: string): void;
}

/** The values a column is sent as: float32 (what plots draw, half the bytes) or the table's own. */
export type ColumnDtype = "float32" | "native";

const OFFLINE = "The server cannot be reached; check the connection and try again.";

/** The query string naming a source (`path`, `table`, or `kind=headers` for a folder's index). */
export function sourceParams(spec: SourceSpec): URLSearchParams {
  const params = new URLSearchParams({ path: spec.path });
  if (spec.kind === "headers") params.set("kind", "headers");
  else params.set("table", String(spec.table));
  return params;
}

export class HttpSourceStore implements SourceStore {
  readonly id: string;
  private _spec: SourceSpec;
  private _selection: SelectionState | null = null;
  // The mask of the selection above (or its promise), shared by every view of the source.
  private _mask: Uint8Array | Promise<Uint8Array | null> | null = null;
  private selectionSeq = 0;
  private description: Promise<SourceDescription> | null = null;
  private described: SourceDescription | null = null;
  private readonly columns = new Map<string, Promise<ColumnArray>>();
  // The columns already here, by what was asked (a column's name or an expression): the
  // selections a page can evaluate itself.
  private readonly held = new Map<string, ColumnArray>();
  private readonly listeners = new Set<SelectionListener>();
  private readonly fetcher: Fetch;

  constructor(
    spec: SourceSpec,
    private readonly context: StoreContext,
  ) {
    this.id = spec.id;
    this._spec = spec;
    this.fetcher = context.fetch ?? ((input, init) => fetch(input, init));
  }

  get spec(): SourceSpec {
    return { ...this._spec, current: this._selection };
  }

  get selection(): SelectionState | null {
    return this._selection;
  }

  /** A new spec from the workspace: derived columns whose expression changed are fetched again. */
  setSpec(spec: SourceSpec): void {
    const before = new Map(this._spec.derived.map((d) => [d.name, d.expr]));
    const after = new Map(spec.derived.map((d) => [d.name, d.expr]));
    for (const [name, expr] of before) {
      if (after.get(name) !== expr) this.columns.delete(`${name}\u0000float32`);
      if (after.get(name) !== expr) this.columns.delete(`${name}\u0000native`);
    }
    if (spec.path !== this._spec.path || spec.table !== this._spec.table) {
      this.description = null;
      this.described = null;
      this.columns.clear();
      this.held.clear();
    }
    this._spec = { ...spec, current: this._selection };
  }

  // -------------------------------------------------------------------------------------------
  // Reads

  describe(): Promise<SourceDescription> {
    if (!this.description) {
      const url = `/api/sources/describe?${sourceParams(this._spec).toString()}`;
      const promise = this.getJson<SourceDescription>(url).then((d) => {
        this.described = d;
        return d;
      });
      this.description = promise;
      // A failure is not cached: the next ask tries again.
      promise.catch(() => {
        if (this.description === promise) this.description = null;
      });
    }
    return this.description;
  }

  /** The expression a name stands for: a derived column's, else the name itself. */
  resolve(nameOrExpr: string): string {
    return this._spec.derived.find((d) => d.name === nameOrExpr)?.expr ?? nameOrExpr;
  }

  column(nameOrExpr: string, dtype: ColumnDtype = "float32"): Promise<ColumnArray> {
    const key = `${nameOrExpr}\u0000${dtype}`;
    let promise = this.columns.get(key);
    if (!promise) {
      promise = this.fetchColumn(nameOrExpr, dtype);
      this.columns.set(key, promise);
      const held = promise;
      held.then(
        (values) => this.held.set(nameOrExpr, values),
        () => {
          if (this.columns.get(key) === held) this.columns.delete(key);
        },
      );
    }
    return promise;
  }

  private async fetchColumn(nameOrExpr: string, dtype: ColumnDtype): Promise<ColumnArray> {
    const d = await this.describe();
    const params = sourceParams(this._spec);
    const expr = this.resolve(nameOrExpr);
    if (d.columns.some((c) => c.name === expr)) params.set("column", expr);
    else params.set("expr", expr);
    params.set("dtype", dtype);
    // The file's identity makes the URL immutable: the browser's cache keeps it for good.
    params.set("v", d.identity);
    const response = await this.request(`/api/sources/column?${params.toString()}`);
    const rows = Number(response.headers.get("X-Toyz-Rows") ?? d.rows);
    return decodeColumn(
      await response.arrayBuffer(),
      response.headers.get("X-Toyz-Dtype") ?? "float32",
      rows,
    );
  }

  async rows(q: RowsQuery): Promise<RowsPage> {
    const start = Math.max(0, Math.floor(q.start));
    const count = Math.max(0, Math.min(500, Math.floor(q.count)));
    const sort = q.sort ? this.resolve(q.sort) : null;
    if (q.selection) {
      // Only the selected rows: the same query as a body, with the selection (a row set is long).
      const body: Record<string, unknown> = {
        path: this._spec.path,
        table: this._spec.table,
        start,
        count,
        sort,
        desc: q.desc === true,
        filter: q.filter || null,
        columns: q.columns && q.columns.length > 0 ? q.columns : null,
        selection: this.resolved(q.selection),
      };
      if (this._spec.kind === "headers") body["kind"] = "headers";
      const response = await this.request("/api/sources/rows", {
        method: "POST",
        body: JSON.stringify(body),
      });
      return parseJson(await response.text()) as RowsPage;
    }
    const params = sourceParams(this._spec);
    params.set("start", String(start));
    params.set("count", String(count));
    if (sort) params.set("sort", sort);
    if (q.desc) params.set("desc", "true");
    if (q.filter) params.set("filter", q.filter);
    if (q.columns) params.set("columns", q.columns.join(","));
    return this.getJson<RowsPage>(`/api/sources/rows?${params.toString()}`);
  }

  async density(q: DensityQuery): Promise<DensityResult> {
    const params = sourceParams(this._spec);
    params.set("x", this.resolve(q.x));
    params.set("y", this.resolve(q.y));
    params.set("nx", String(q.nx));
    params.set("ny", String(q.ny));
    for (const key of ["xlo", "xhi", "ylo", "yhi"] as const) {
      const value = q[key];
      if (value !== null && value !== undefined) params.set(key, String(value));
    }
    params.set("xscale", q.xscale ?? "linear");
    params.set("yscale", q.yscale ?? "linear");
    let response: Response;
    if (q.selection) {
      // Counting the selected rows: the same query as a body, with the selection.
      const body: Record<string, unknown> = Object.fromEntries(params);
      for (const key of ["table", "nx", "ny", "xlo", "xhi", "ylo", "yhi"])
        if (key in body) body[key] = Number(body[key]);
      body["selection"] = this.resolved(q.selection);
      response = await this.request("/api/sources/density", {
        method: "POST",
        body: JSON.stringify(body),
      });
    } else {
      response = await this.request(`/api/sources/density?${params.toString()}`);
    }
    const counts = decodeColumn(await response.arrayBuffer(), "float32") as Float32Array;
    // X-Toyz-Bins "nx,ny" and X-Toyz-Range "xlo,xhi,ylo,yhi" (the axes' space: log10 on log axes).
    const [nx, ny] = (response.headers.get("X-Toyz-Bins") ?? `${q.nx},${q.ny}`)
      .split(",")
      .map(Number);
    const range = (response.headers.get("X-Toyz-Range") ?? "").split(",").map(Number);
    const at = (i: number, fallback: number | null | undefined): number =>
      range.length === 4 && Number.isFinite(range[i]) ? range[i]! : Number(fallback ?? Number.NaN);
    return {
      counts,
      nx: nx ?? q.nx,
      ny: ny ?? q.ny,
      ranges: { xlo: at(0, q.xlo), xhi: at(1, q.xhi), ylo: at(2, q.ylo), yhi: at(3, q.yhi) },
    };
  }

  // -------------------------------------------------------------------------------------------
  // The selection

  mask(): Promise<Uint8Array | null> {
    const mask = this._mask;
    if (mask === null) return Promise.resolve(null);
    return mask instanceof Uint8Array ? Promise.resolve(mask) : mask;
  }

  /** The mask now when it is already known (or evaluated here), else null. */
  get maskNow(): Uint8Array | null {
    return this._mask instanceof Uint8Array ? this._mask : null;
  }

  select(state: SelectionState | null, origin: string): void {
    this.apply(state, origin);
    this.context.selected(this, state, origin);
  }

  /** A collaborator's (or the saved) selection: shown here, not relayed. */
  applyRemote(state: SelectionState | null, origin: string): void {
    this.apply(state, origin);
  }

  onSelection(listener: SelectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the server for the mask of any selection (e.g. to count a named one). */
  async serverMask(state: SelectionState): Promise<{ mask: Uint8Array; count: number }> {
    const d = await this.describe();
    const body: Record<string, unknown> = {
      path: this._spec.path,
      table: this._spec.table,
      selection: state,
    };
    if (this._spec.kind === "headers") body["kind"] = "headers";
    const response = await this.request("/api/sources/mask", {
      method: "POST",
      body: JSON.stringify(body),
    });
    const rows = Number(response.headers.get("X-Toyz-Rows") ?? d.rows);
    const mask = unpackMask(new Uint8Array(await response.arrayBuffer()), rows);
    const count = Number(response.headers.get("X-Toyz-Count") ?? Number.NaN);
    return { mask, count: Number.isFinite(count) ? count : mask.reduce((a, b) => a + b, 0) };
  }

  private apply(state: SelectionState | null, origin: string): void {
    const seq = ++this.selectionSeq;
    this._selection = state;
    if (state === null) {
      this._mask = null;
      this.emit(null, null, origin);
      return;
    }
    // A box or a lasso on columns this page holds: at once, with no round trip.
    const local = this.described ? this.evaluateHere(state) : null;
    if (local) {
      this._mask = local;
      this.emit(state, local, origin);
      return;
    }
    const promise = this.maskSoon(state).then(
      (mask) => {
        if (seq === this.selectionSeq) {
          this._mask = mask;
          this.emit(state, mask, origin);
        }
        return mask;
      },
      (error: unknown) => {
        console.warn("toyz: the selection could not be evaluated", error);
        if (seq === this.selectionSeq) {
          this._mask = null;
          this.emit(state, null, origin);
        }
        return null;
      },
    );
    this._mask = promise;
  }

  private evaluateHere(state: SelectionState): Uint8Array | null {
    if (!this.described) return null;
    return evaluateLocally(state, {
      rows: this.described.rows,
      held: (name) => this.held.get(name) ?? this.held.get(this.resolve(name)) ?? null,
    });
  }

  /** The mask once the description is here: evaluated here if it can be (a row set), else by the server. */
  private async maskSoon(state: SelectionState): Promise<Uint8Array> {
    if (!this.described) await this.describe();
    return this.evaluateHere(state) ?? (await this.serverMask(this.resolved(state))).mask;
  }

  /** The state with derived columns' names replaced by their expressions, for the server. */
  resolved(state: SelectionState): SelectionState {
    switch (state.kind) {
      case "box":
      case "lasso":
        return { ...state, x: this.resolve(state.x), y: this.resolve(state.y) };
      case "range":
        return { ...state, column: this.resolve(state.column) };
      case "and":
      case "or":
        return { kind: state.kind, of: state.of.map((s) => this.resolved(s)) };
      case "not":
        return { kind: "not", of: [this.resolved(state.of[0])] };
      default:
        return state;
    }
  }

  private emit(state: SelectionState | null, mask: Uint8Array | null, origin: string): void {
    for (const listener of this.listeners) {
      try {
        listener(state, mask, origin);
      } catch (error) {
        console.error("toyz: a selection listener failed", error);
      }
    }
  }

  // -------------------------------------------------------------------------------------------

  private async request(url: string, init?: RequestInit): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: "application/octet-stream, application/json",
    };
    if (init?.method && init.method !== "GET") {
      headers["X-CSRFToken"] = csrfToken();
      headers["Content-Type"] = "application/json";
    }
    let response: Response;
    try {
      response = await this.fetcher(url, { credentials: "same-origin", ...init, headers });
    } catch {
      throw new ApiError("offline", OFFLINE, 0);
    }
    if (!response.ok) throw errorFrom(response.status, parseJson(await response.text()));
    return response;
  }

  private async getJson<T>(url: string): Promise<T> {
    const response = await this.request(url);
    return parseJson(await response.text()) as T;
  }
}
