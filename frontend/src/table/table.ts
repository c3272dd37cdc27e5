// <toyz-table>: the table view of a data source (a workspace tile). It scrolls through millions of
// rows by drawing only those on screen over a spacer of the table's height (pages.ts does the
// arithmetic and the fetching); the server sorts and filters (GET /api/sources/rows through the
// store; "only selected" POSTs the selection with the query). Rows of the source's selection are
// lit; clicking rows selects them for every view of the source, and a row with sky or pixel columns
// fires `toyz-locate` for the image viewer. A folder's header index (a night) shows its thumbnails
// and a double click on a row opens the exposure (`toyz-open-file`).
//
// Styles go through the CSSOM from refs (never style="" bindings: the pages' CSP refuses them).
import { LitElement, html, nothing, type TemplateResult } from "lit";
import { createRef, ref } from "lit/directives/ref.js";

import "./table.css";

import type {
  ColumnInfo,
  LocateDetail,
  RowsQuery,
  SelectionState,
  SourceDescription,
  SourceRegistry,
  SourceStore,
  TableState,
  TileElement,
} from "../sources/types";
import { debounce } from "../util";
import {
  cellText,
  columnTitle,
  columnWidth,
  formatCount,
  indexWidth,
  isRowNumberColumn,
  sortable,
  type Cell,
} from "./columns";
import { firstSelectedPosition } from "./locate";
import {
  ROW_HEIGHT,
  RowPager,
  landingAt,
  maxOffset,
  offsetForScroll,
  scrollForOffset,
  spacerHeight,
  type LoadedRow,
} from "./pages";
import { isSelected, rangeOfPositions, rangeTooLong, rowsState, toggleRow } from "./selection";

/** `toyz-locate` from a table: the place, and the row (file row number) it came from. */
export type TableLocateDetail = LocateDetail & { row: number };

/** The parts of a table's state that decide which rows it shows, in which order. */
interface ViewQuery {
  sort: string | null;
  desc: boolean;
  filter: string | null;
  columns: string[] | null;
  /** "Only selected": the source's selected rows alone. */
  only: boolean;
}

function queryOf(state: Record<string, unknown>): ViewQuery {
  const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
  const columns = Array.isArray(state.columns)
    ? state.columns.filter((c): c is string => typeof c === "string")
    : null;
  return {
    sort: text(state.sort),
    desc: state.desc === true,
    filter: text(state.filter),
    columns,
    only: state.only === true,
  };
}

function sameQuery(a: ViewQuery, b: ViewQuery): boolean {
  return (
    a.sort === b.sort &&
    a.desc === b.desc &&
    a.filter === b.filter &&
    a.only === b.only &&
    JSON.stringify(a.columns) === JSON.stringify(b.columns)
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function numeric(column: ColumnInfo): boolean {
  return column.kind === "float" || column.kind === "int";
}

/** The header index's column of thumbnail URLs, and the column naming each exposure's file. */
const THUMBNAIL_COLUMN = "thumbnail";
const PATH_COLUMN = "path";
/** A thumbnail cell is drawn as an image only when it points at the server's own thumbnails. */
const THUMBNAIL_URL = "/api/imaging/thumbnail?";
/** The thumbnail column's width in `ch`: a row-high image of any usual aspect. */
const THUMBNAIL_WIDTH = 6;

/** The URL of a thumbnail cell, or null when the cell is no such URL. */
export function thumbnailUrl(cell: unknown): string | null {
  return typeof cell === "string" && cell.startsWith(THUMBNAIL_URL) ? cell : null;
}

/** How many ones a mask holds. */
function countSelected(mask: Uint8Array | null): number {
  if (mask === null) return 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i]!;
  return n;
}

export class ToyzTable extends LitElement implements TileElement {
  static override properties = {
    tileId: { type: String },
    sources: { attribute: false },
    store: { attribute: false },
    _description: { state: true },
    _problem: { state: true },
    _filterError: { state: true },
    _notice: { state: true },
    _foreign: { state: true },
    _current: { state: true },
    _selectedCount: { state: true },
    _tick: { state: true },
  };

  declare tileId: string;
  /** The workspace's sources: the table shows `state.source` from here unless `store` is set. */
  declare sources: SourceRegistry | null;
  /** The source shown, given directly (a harness, a test); otherwise looked up in `sources`. */
  declare store: SourceStore | null;
  declare private _description: SourceDescription | null;
  declare private _problem: string | null;
  declare private _filterError: string | null;
  declare private _notice: string | null;
  declare private _foreign: boolean;
  declare private _current: number | null;
  declare private _selectedCount: number;
  /** Bumped when a page arrives or the view scrolls: draw again. */
  declare private _tick: number;

  private _state: Record<string, unknown> = {};
  private query: ViewQuery = { sort: null, desc: false, filter: null, columns: null, only: false };
  private attached: SourceStore | null = null;
  private pager: RowPager | null = null;
  private mask: Uint8Array | null = null;
  private shownMask: Uint8Array | null = null;
  /** When (performance.now()) the rows on screen last showed a new selection (benchmarks wait on it). */
  selectionShownAt: number | null = null;
  private unsubscribe: (() => void) | null = null;
  private unwatchSources: (() => void) | null = null;
  /** Virtual offset (pixels down the table at full height) of the view's top edge. */
  private offset = 0;
  /** The scrollTop we set ourselves, so that its scroll event does not round the offset. */
  private ownScrollTop = Number.NaN;
  /** The offset was set by the table (a key, a saved state): the bar follows it at the next draw. */
  private barBehind = false;
  private viewHeight = 0;
  private headerHeight = 0;
  private anchor: number | null = null;
  /** The order before the user's last change, until the new one's first page arrives. */
  private previousQuery: ViewQuery | null = null;
  /** A saved scroll position to restore once the view's row count is known. */
  private pendingScroll: number | null = null;
  private resize: ResizeObserver | null = null;
  private attaching = 0;
  private readonly scroller = createRef<HTMLDivElement>();
  private readonly sizer = createRef<HTMLDivElement>();
  private readonly pane = createRef<HTMLDivElement>();
  private readonly header = createRef<HTMLDivElement>();
  private readonly body = createRef<HTMLDivElement>();
  private readonly saveScroll = debounce(() => this.fireState(), 400);

  constructor() {
    super();
    this.tileId = "";
    this.sources = null;
    this.store = null;
    this._description = null;
    this._problem = null;
    this._filterError = null;
    this._notice = null;
    this._foreign = false;
    this._current = null;
    this._selectedCount = 0;
    this._tick = 0;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** The saved state {source, sort, desc, filter, columns, scroll, only}; setting it applies one. */
  get state(): Record<string, unknown> {
    return this._state;
  }

  set state(next: Record<string, unknown>) {
    const before = this._state;
    this._state = { ...next };
    const query = queryOf(this._state);
    const scroll = typeof next.scroll === "number" ? Math.max(Math.floor(next.scroll), 0) : 0;
    if (before.source !== next.source) {
      this.query = query;
      this.pendingScroll = scroll;
      void this.attach();
    } else if (!sameQuery(query, this.query)) {
      this.query = query;
      this.pendingScroll = scroll;
      this.restartPager();
    } else if (scroll !== this.firstShown()) {
      this.scrollToPosition(scroll, "top");
    }
  }

  /** The store shown now (for tests and the app). */
  get source(): SourceStore | null {
    return this.attached;
  }

  /** Rows in the view now (after the filter), or null before the first page. */
  get viewRows(): number | null {
    return this.pager?.total ?? null;
  }

  /** The view position of the top row shown. */
  firstShown(): number {
    return landingAt(this.offset).first;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize = new ResizeObserver(() => this.measure());
    if (this.attached === null) void this.attach();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
    this.resize = null;
  }

  override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has("sources")) {
      this.unwatchSources?.();
      // A source reloaded (its file was edited) comes as a new store under the same id.
      this.unwatchSources = this.sources?.onChange(() => this.requestUpdate("sources")) ?? null;
    }
    if ((changed.has("store") || changed.has("sources")) && this.resolveStore() !== this.attached) {
      void this.attach();
    }
    const scroller = this.scroller.value;
    if (scroller && this.resize) this.resize.observe(scroller);
    this.place();
    if (this.mask !== this.shownMask) {
      this.shownMask = this.mask;
      this.selectionShownAt = performance.now();
    }
  }

  /** Releases the store's listener, the pages and the timers (the tile was closed). */
  dispose(): void {
    this.attaching++;
    this.unwatchSources?.();
    this.unwatchSources = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.pager?.close();
    this.pager = null;
    this.attached = null;
    this.saveScroll.cancel();
    this.resize?.disconnect();
  }

  // -------------------------------------------------------------------------------------------
  // The source

  private resolveStore(): SourceStore | null {
    if (this.store) return this.store;
    const id = this._state.source;
    return typeof id === "string" && this.sources ? this.sources.get(id) : null;
  }

  private async attach(): Promise<void> {
    const store = this.resolveStore();
    if (store === this.attached) return;
    const attempt = ++this.attaching;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.pager?.close();
    this.pager = null;
    this.attached = store;
    this.mask = null;
    this._description = null;
    this._problem = null;
    if (store === null) return;
    try {
      const description = await store.describe();
      const mask = await store.mask();
      if (attempt !== this.attaching) return;
      this._description = description;
      this.setMask(mask);
      this.unsubscribe = store.onSelection((state, mask, origin) =>
        this.onSelection(state, mask, origin),
      );
      this.restartPager();
    } catch (error) {
      if (attempt === this.attaching) this._problem = messageOf(error);
    }
  }

  /**
   * The table's columns, but the server's row-number column: the "#" column shows it. A night's
   * thumbnails come first, where they are seen without scrolling sideways.
   */
  private tableColumns(): ColumnInfo[] {
    const columns = (this._description?.columns ?? []).filter((c, at) => !isRowNumberColumn(c, at));
    if (!this.isNight) return columns;
    return [
      ...columns.filter((c) => c.name === THUMBNAIL_COLUMN),
      ...columns.filter((c) => c.name !== THUMBNAIL_COLUMN),
    ];
  }

  /** Shown columns: the state's choice in table order, or all of them. */
  private shownColumns(): ColumnInfo[] {
    const all = this.tableColumns();
    const chosen = this.query.columns;
    return chosen === null ? all : all.filter((c) => chosen.includes(c.name));
  }

  /** Whether the source is a folder's header index (one row per exposure). */
  private get isNight(): boolean {
    return this._description?.kind === "headers";
  }

  /**
   * The columns fetched: those shown, the sky or pixel ones that a click locates by, and a header
   * index's file path that a double click opens.
   */
  private fetchedColumns(): string[] {
    const names = this.shownColumns().map((c) => c.name);
    const d = this._description;
    const path = this.isNight ? PATH_COLUMN : undefined;
    for (const extra of [d?.sky?.ra, d?.sky?.dec, d?.pixel?.x, d?.pixel?.y, path]) {
      if (extra && !names.includes(extra)) names.push(extra);
    }
    return names;
  }

  private rowsQuery(start: number, count: number, query = this.query): RowsQuery {
    const q: RowsQuery = {
      start,
      count,
      sort: query.sort,
      desc: query.desc,
      filter: query.filter,
      columns: this.fetchedColumns(),
    };
    if (query.only) q.selection = this.attached?.selection ?? null;
    return q;
  }

  /** Starts a new pager for the current view order (sort, filter, columns, only-selected). */
  private restartPager(): void {
    this.pager?.close();
    this.pager = null;
    const store = this.attached;
    if (!store || !this._description) return;
    const nothingSelected = this.query.only && store.selection === null;
    const pager: RowPager = new RowPager(
      (start, count) =>
        nothingSelected
          ? Promise.resolve({ total: 0, start, index: [], columns: [], cells: [] })
          : store.rows(this.rowsQuery(start, count)),
      {
        onPage: () => this.onPage(),
        onError: (error) => this.onRowsError(pager, error),
      },
    );
    this.pager = pager;
    this._problem = null;
    if (this.pendingScroll === null) this.offset = 0;
    this.barBehind = true;
    this.want();
    this.bump();
  }

  /**
   * A rows request failed. When a change of sort or columns is refused before any row came, the
   * view goes back to the order it had (its sentence shown); otherwise the sentence alone.
   */
  private onRowsError(pager: RowPager, error: unknown): void {
    const message = messageOf(error);
    const previous = this.previousQuery;
    if (pager === this.pager && pager.total === null && previous !== null) {
      this.previousQuery = null;
      this.query = previous;
      this.restartPager();
      this.fireState();
      this._notice = message;
      return;
    }
    this._problem = message;
  }

  private onPage(): void {
    // The new order works: no going back to the one before.
    this.previousQuery = null;
    if (this.pendingScroll !== null && this.pager?.total !== null) {
      const position = this.pendingScroll;
      this.pendingScroll = null;
      this.scrollToPosition(position, "top");
    }
    this.bump();
  }

  private onSelection(state: SelectionState | null, mask: Uint8Array | null, origin: string): void {
    this.setMask(mask);
    this._foreign = state !== null && origin !== this.tileId;
    this._notice = null;
    // Clicking rows of an "only selected" view keeps them in sight (a double click needs its row);
    // a selection made elsewhere asks the rows again.
    if (this.query.only && origin !== this.tileId) this.restartPager();
    this.bump();
  }

  private setMask(mask: Uint8Array | null): void {
    this.mask = mask;
    this._selectedCount = countSelected(mask);
  }

  // -------------------------------------------------------------------------------------------
  // Scrolling

  private measure(): void {
    const scroller = this.scroller.value;
    if (!scroller) return;
    this.headerHeight = this.header.value?.offsetHeight ?? 0;
    const view = Math.max(scroller.clientHeight - this.headerHeight, 0);
    if (view !== this.viewHeight) {
      this.viewHeight = view;
      this.offset = Math.min(this.offset, maxOffset(this.total(), view));
      // With a capped spacer the same offset sits elsewhere on a bar of another length.
      this.barBehind = true;
      this.want();
      this.bump();
    }
  }

  private total(): number {
    return this.pager?.total ?? 0;
  }

  /** How many rows fit on screen (the last may be cut). */
  private visibleCount(): number {
    return Math.ceil(this.viewHeight / ROW_HEIGHT) + 1;
  }

  private want(): void {
    const first = this.firstShown();
    this.pager?.want(first, first + this.visibleCount() - 1);
  }

  private onScroll(): void {
    const scroller = this.scroller.value;
    if (!scroller) return;
    // Not the scrollTop we set (NaN when none): the user scrolled, so the offset follows the bar.
    if (!(Math.abs(scroller.scrollTop - this.ownScrollTop) < 1)) {
      this.offset = offsetForScroll(scroller.scrollTop, this.viewHeight, this.total());
      this.ownScrollTop = Number.NaN;
      this.saveScroll();
    }
    this.want();
    this.bump();
  }

  /** Scrolls so that view position `position` is the top row ("top") or just in sight ("nearest"). */
  scrollToPosition(position: number, align: "top" | "nearest" = "top"): void {
    const total = this.total();
    let offset = position * ROW_HEIGHT;
    if (align === "nearest") {
      const bottom = (position + 1) * ROW_HEIGHT - this.viewHeight;
      if (offset >= this.offset && bottom <= this.offset) return;
      offset = offset < this.offset ? offset : bottom;
    }
    this.offset = Math.min(Math.max(offset, 0), maxOffset(total, this.viewHeight));
    this.barBehind = true;
    this.want();
    this.bump();
    this.saveScroll();
  }

  /** Sizes the spacer and the pane, and moves the rows by the top row's shift (CSSOM, not style=""). */
  private place(): void {
    const scroller = this.scroller.value;
    const sizer = this.sizer.value;
    const pane = this.pane.value;
    const body = this.body.value;
    if (!scroller || !sizer || !pane || !body) return;
    this.style.setProperty("--toyz-row-height", `${ROW_HEIGHT}px`);
    this.style.setProperty("--toyz-table-columns", this.gridColumns());
    pane.style.height = `${scroller.clientHeight}px`;
    // The pane sticks at the top while the sizer scrolls: its last scrollTop shows the last rows.
    sizer.style.height = `${this.headerHeight + spacerHeight(this.total())}px`;
    body.style.transform = `translateY(${-landingAt(this.offset).shift}px)`;
    if (this.barBehind) {
      // Set after the sizer's height, which bounds it; its scroll event then changes nothing.
      this.barBehind = false;
      scroller.scrollTop = scrollForOffset(this.offset, this.viewHeight, this.total());
      this.ownScrollTop = scroller.scrollTop;
    }
  }

  private gridColumns(): string {
    const rows = this._description?.rows ?? 0;
    const widths = [
      indexWidth(rows),
      ...this.shownColumns().map((c) =>
        this.isNight && c.name === THUMBNAIL_COLUMN ? THUMBNAIL_WIDTH : columnWidth(c),
      ),
    ];
    return widths.map((w) => `${w}ch`).join(" ");
  }

  private bump(): void {
    this._tick++;
  }

  // -------------------------------------------------------------------------------------------
  // The user's changes

  private fireState(): void {
    const saved: TableState = {
      source:
        typeof this._state.source === "string" ? this._state.source : (this.attached?.id ?? ""),
      sort: this.query.sort,
      desc: this.query.desc,
      filter: this.query.filter,
      columns: this.query.columns,
      scroll: this.firstShown(),
      only: this.query.only,
    };
    this._state = { ...this._state, ...saved };
    this.dispatchEvent(
      new CustomEvent("toyz-tile-state", {
        detail: { tileId: this.tileId, state: this._state },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private changeQuery(change: Partial<ViewQuery>, keepScroll = false): void {
    this.previousQuery = this.query;
    this.query = { ...this.query, ...change };
    this.pendingScroll = keepScroll ? this.firstShown() : null;
    this._current = null;
    this.anchor = null;
    this.restartPager();
    this.saveScroll.cancel();
    this.fireState();
  }

  /** A click on a header: sort by that column, then again to reverse; "#" goes back to file order. */
  sortBy(column: string | null): void {
    if (column === null) this.changeQuery({ sort: null, desc: false });
    else if (this.query.sort === column) this.changeQuery({ desc: !this.query.desc });
    else this.changeQuery({ sort: column, desc: false });
  }

  /** Applies a filter expression once the server has accepted it; its refusal is shown instead. */
  async applyFilter(text: string): Promise<void> {
    const filter = text.trim() === "" ? null : text.trim();
    const store = this.attached;
    if (!store || filter === this.query.filter) {
      this._filterError = null;
      return;
    }
    try {
      // One row asked first: a bad expression leaves the view as it was, with the sentence beside it.
      if (filter !== null) await store.rows(this.rowsQuery(0, 1, { ...this.query, filter }));
    } catch (error) {
      this._filterError = messageOf(error);
      return;
    }
    this._filterError = null;
    this.changeQuery({ filter });
  }

  private toggleColumn(name: string, shown: boolean): void {
    const all = this.tableColumns().map((c) => c.name);
    const now = new Set(this.query.columns ?? all);
    if (shown) now.add(name);
    else now.delete(name);
    const chosen = all.filter((c) => now.has(c));
    this.changeQuery({ columns: chosen.length === all.length ? null : chosen }, true);
  }

  private toggleOnlySelected(on: boolean): void {
    this.changeQuery({ only: on });
  }

  /** Scrolls to the first selected row of this view (another view selected). */
  async goToSelection(): Promise<void> {
    const store = this.attached;
    if (!store) return;
    try {
      const position = await firstSelectedPosition(store, this.query);
      if (position === null) {
        this._notice = "No selected row is in this view.";
        return;
      }
      this._foreign = false;
      this._current = position;
      this.scrollToPosition(position, "top");
    } catch (error) {
      this._notice = messageOf(error);
    }
  }

  private async onRowClick(event: MouseEvent, position: number): Promise<void> {
    const store = this.attached;
    const loaded = this.pager?.row(position) ?? null;
    if (!store || !loaded) return;
    this._current = position;
    this._notice = null;
    this.scroller.value?.focus({ preventScroll: true });
    if (event.shiftKey) {
      const range = rangeOfPositions(this.anchor, position);
      if (rangeTooLong(range)) {
        this._notice = "A range selects at most 100,000 rows; filter the view first.";
        return;
      }
      const rows = (await this.pager?.rowsBetween(range[0], range[1])) ?? [];
      store.select(rowsState(rows), this.tileId);
      return;
    }
    this.anchor = position;
    if (event.ctrlKey || event.metaKey) {
      const state = toggleRow(store.selection, loaded.row, isSelected(this.mask, loaded.row));
      store.select(state, this.tileId);
      return;
    }
    store.select(rowsState([loaded.row]), this.tileId);
    // An exposure's pointing is no place on the image shown: a night's rows open by double click.
    if (!this.isNight) this.locate(position);
  }

  /** A double click on a header index's row opens its exposure (`toyz-open-file`, bubbling). */
  openExposure(position: number): void {
    const loaded = this.pager?.row(position) ?? null;
    if (!loaded || !this.isNight) return;
    const path = this.cell(loaded, PATH_COLUMN);
    if (typeof path !== "string" || path === "") return;
    this.dispatchEvent(
      new CustomEvent("toyz-open-file", { detail: { path }, bubbles: true, composed: true }),
    );
  }

  /** Fires `toyz-locate` with the row's sky (else pixel) position, when it has one. */
  locate(position: number): void {
    const loaded = this.pager?.row(position) ?? null;
    const d = this._description;
    if (!loaded || !d) return;
    const value = (name: string): number | null => {
      const cell = this.cell(loaded, name);
      return typeof cell === "number" && Number.isFinite(cell) ? cell : null;
    };
    let detail: TableLocateDetail | null = null;
    if (d.sky) {
      const ra = value(d.sky.ra);
      const dec = value(d.sky.dec);
      if (ra !== null && dec !== null) detail = { ra, dec, row: loaded.row };
    }
    if (detail === null && d.pixel) {
      const x = value(d.pixel.x);
      const y = value(d.pixel.y);
      if (x !== null && y !== null) detail = { x, y, row: loaded.row };
    }
    if (detail === null) return;
    this.dispatchEvent(new CustomEvent("toyz-locate", { detail, bubbles: true, composed: true }));
  }

  private onKey(event: KeyboardEvent): void {
    const total = this.total();
    if (total === 0) return;
    const page = Math.max(this.visibleCount() - 2, 1);
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity,
    };
    if (event.key === "Enter" && this._current !== null) {
      event.preventDefault();
      if (this.isNight) this.openExposure(this._current);
      else this.locate(this._current);
      return;
    }
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    const from = this._current ?? this.firstShown() - (move > 0 ? 1 : 0);
    const to = Math.min(Math.max(from + move, 0), total - 1);
    this._current = to;
    this.scrollToPosition(to, "nearest");
  }

  private cell(loaded: LoadedRow, name: string): Cell | undefined {
    const at = loaded.columns.indexOf(name);
    return at < 0 ? undefined : loaded.cells[at];
  }

  // -------------------------------------------------------------------------------------------
  // Drawing

  protected override render(): TemplateResult {
    const d = this._description;
    if (!d) {
      return html`<div class="table-empty" data-testid="table-status">
        ${this._problem ?? (this.resolveStore() ? "Opening the table…" : "No source.")}
      </div>`;
    }
    return html`
      ${this.renderToolbar(d)}
      <div
        class="table-scroller"
        tabindex="0"
        data-testid="table-scroller"
        ${ref(this.scroller)}
        @scroll=${() => this.onScroll()}
        @keydown=${(e: KeyboardEvent) => this.onKey(e)}
      >
        <div class="table-sizer" ${ref(this.sizer)}>
          <div class="table-pane" ${ref(this.pane)}>
            ${this.renderHeader()}
            <div class="table-body" data-testid="table-body" ${ref(this.body)}>${this.renderRows()}</div>
          </div>
        </div>
      </div>
    `;
  }

  private renderToolbar(d: SourceDescription): TemplateResult {
    const total = this.pager?.total ?? null;
    const narrowed = this.query.filter !== null || this.query.only;
    const count =
      total === null
        ? "…"
        : narrowed
          ? `${formatCount(total)} of ${formatCount(d.rows)} rows`
          : `${formatCount(d.rows)} rows`;
    return html`<div class="table-toolbar">
      <form
        class="table-filter"
        @submit=${(e: Event) => {
          e.preventDefault();
          const input = (e.currentTarget as HTMLFormElement).elements.namedItem("filter");
          void this.applyFilter((input as HTMLInputElement).value);
        }}
      >
        <input
          name="filter"
          type="search"
          placeholder="Filter: g - r > 1 & mag < 20"
          aria-label="Filter expression"
          data-testid="table-filter"
          .value=${this.query.filter ?? ""}
        />
      </form>
      ${
        this._filterError
          ? html`<span class="table-error" data-testid="table-filter-error" role="alert"
            >${this._filterError}</span
          >`
          : nothing
      }
      <span class="table-count" data-testid="table-count">${count}</span>
      ${
        this._selectedCount > 0
          ? html`<span class="table-selected-count" data-testid="table-selected-count"
            >${formatCount(this._selectedCount)} selected</span
          >`
          : nothing
      }
      <span class="table-spacer"></span>
      ${
        this._foreign
          ? html`<button
            type="button"
            data-testid="table-go-selected"
            title="Scroll to the first selected row"
            @click=${() => void this.goToSelection()}
          >
            ↧ First selected
          </button>`
          : nothing
      }
      <label class="table-only" title="Show only the selected rows">
        <input
          type="checkbox"
          data-testid="table-only-selected"
          .checked=${this.query.only}
          @change=${(e: Event) => this.toggleOnlySelected((e.target as HTMLInputElement).checked)}
        />
        Only selected
      </label>
      ${this.renderChooser()}
      ${
        this._notice || this._problem
          ? html`<div class="table-notice" data-testid="table-notice" role="status">
            ${this._problem ?? this._notice}
          </div>`
          : nothing
      }
    </div>`;
  }

  private renderChooser(): TemplateResult {
    const shown = new Set(this.shownColumns().map((c) => c.name));
    const all = this.tableColumns();
    return html`<details class="table-chooser" data-testid="table-columns">
      <summary>Columns (${shown.size}/${all.length})</summary>
      <div class="table-chooser-list">
        ${all.map(
          (c) =>
            html`<label title=${columnTitle(c)}>
              <input
                type="checkbox"
                data-column=${c.name}
                .checked=${shown.has(c.name)}
                @change=${(e: Event) =>
                  this.toggleColumn(c.name, (e.target as HTMLInputElement).checked)}
              />
              ${c.name}
            </label>`,
        )}
      </div>
    </details>`;
  }

  private renderHeader(): TemplateResult {
    const arrow = (name: string | null): string =>
      this.query.sort === name && name !== null ? (this.query.desc ? " ▼" : " ▲") : "";
    return html`<div class="table-row table-header" role="row" ${ref(this.header)}>
      <div
        class="table-head table-index"
        role="columnheader"
        data-testid="table-head"
        data-column=""
        title="Row number in the file (click: file order)"
        @click=${() => this.sortBy(null)}
      >
        #
      </div>
      ${this.shownColumns().map(
        (c) =>
          html`<div
            class=${this.headClass(c)}
            role="columnheader"
            data-testid="table-head"
            data-column=${c.name}
            aria-sort=${
              this.query.sort === c.name ? (this.query.desc ? "descending" : "ascending") : "none"
            }
            title=${columnTitle(c)}
            @click=${() => (sortable(c) ? this.sortBy(c.name) : undefined)}
          >
            <span class="table-head-name">${c.name}${arrow(c.name)}</span>
            <span class="table-head-unit">${c.unit ?? ""}</span>
          </div>`,
      )}
    </div>`;
  }

  private headClass(column: ColumnInfo): string {
    const classes = ["table-head"];
    if (sortable(column)) classes.push("sortable");
    if (numeric(column)) classes.push("number");
    if (this.query.sort === column.name) classes.push("sorted");
    return classes.join(" ");
  }

  private renderRows(): TemplateResult[] {
    const total = this.total();
    const columns = this.shownColumns();
    const first = this.firstShown();
    const last = Math.min(first + this.visibleCount(), total) - 1;
    const rows: TemplateResult[] = [];
    for (let position = first; position <= last; position++) {
      const loaded = this.pager?.row(position) ?? null;
      rows.push(this.renderRow(position, loaded, columns));
    }
    return rows;
  }

  private renderRow(
    position: number,
    loaded: LoadedRow | null,
    columns: ColumnInfo[],
  ): TemplateResult {
    const selected = loaded !== null && isSelected(this.mask, loaded.row);
    const classes = [
      "table-row",
      position % 2 === 1 ? "odd" : "",
      loaded ? "" : "placeholder",
      selected ? "selected" : "",
      this._current === position ? "current" : "",
    ].join(" ");
    return html`<div
      class=${classes}
      role="row"
      data-testid="table-row"
      data-position=${position}
      data-row=${loaded?.row ?? ""}
      aria-selected=${selected ? "true" : "false"}
      @click=${(e: MouseEvent) => void this.onRowClick(e, position)}
      @dblclick=${() => this.openExposure(position)}
    >
      <div class="table-cell table-index">${loaded ? loaded.row : "…"}</div>
      ${columns.map(
        (c) =>
          html`<div class="table-cell ${numeric(c) ? "number" : ""}">
            ${loaded ? this.renderCell(loaded, c) : "…"}
          </div>`,
      )}
    </div>`;
  }

  /** A cell's text; a header index's thumbnail as a small image, fetched once its row is drawn. */
  private renderCell(loaded: LoadedRow, column: ColumnInfo): TemplateResult | string {
    const value = this.cell(loaded, column.name) ?? null;
    const url = this.isNight && column.name === THUMBNAIL_COLUMN ? thumbnailUrl(value) : null;
    if (url === null) return cellText(value, column);
    return html`<img
      class="table-thumb"
      data-testid="table-thumbnail"
      loading="lazy"
      decoding="async"
      alt=""
      src=${url}
    />`;
  }
}

customElements.define("toyz-table", ToyzTable);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-table": ToyzTable;
  }
}
