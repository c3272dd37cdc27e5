// The table view's arithmetic and its row cache, free of the DOM: where a scroll position lands in a
// table of millions of rows (whose full height no browser lays out), which pages of rows that needs,
// and a pager that fetches those pages from the store, keeps the recent ones, and while the user
// scrolls fast asks only for the pages of where the view is now, never of every place it passed.
import type { RowsPage } from "../sources/types";

/** Height of one row in CSS pixels (the stylesheet reads it from --toyz-row-height). */
export const ROW_HEIGHT = 22;
/** Rows per request (the server sends at most 500). */
export const PAGE_SIZE = 200;
/** The spacer's height stops here: browsers lay out some 16-33 million pixels at most. */
export const MAX_SPACER = 8_000_000;

/** The height of the scrolled area for `total` rows: their full height, or MAX_SPACER when taller. */
export function spacerHeight(total: number, rowHeight = ROW_HEIGHT, max = MAX_SPACER): number {
  return Math.min(Math.max(total, 0) * rowHeight, max);
}

/** Where a scroll position lands: the first row shown and how far it is scrolled up out of sight. */
export interface Landing {
  /** View position (0-based, in sort and filter order) of the top row. */
  first: number;
  /** Pixels of that row above the top edge, in [0, rowHeight). */
  shift: number;
}

/** How far down the whole table (in pixels of full height) a virtual offset may go. */
function fullRoom(total: number, view: number, rowHeight: number): number {
  return Math.max(total * rowHeight - view, 0);
}

/**
 * The virtual offset (pixels down the table at full height) for a scrollTop of the spacer.
 *
 * While the table is shorter than `max` the two are the same; past it a scroll pixel stands for
 * several pixels of table, so that the scroll bar's whole travel still spans every row.
 */
export function offsetForScroll(
  scrollTop: number,
  view: number,
  total: number,
  rowHeight = ROW_HEIGHT,
  max = MAX_SPACER,
): number {
  const full = fullRoom(total, view, rowHeight);
  const room = Math.max(spacerHeight(total, rowHeight, max) - view, 0);
  if (full === 0 || room === 0) return 0;
  return Math.min(Math.max((scrollTop * full) / room, 0), full);
}

/** The scrollTop of the spacer that shows virtual offset `offset` (the inverse of offsetForScroll). */
export function scrollForOffset(
  offset: number,
  view: number,
  total: number,
  rowHeight = ROW_HEIGHT,
  max = MAX_SPACER,
): number {
  const full = fullRoom(total, view, rowHeight);
  const room = Math.max(spacerHeight(total, rowHeight, max) - view, 0);
  if (full === 0 || room === 0) return 0;
  return (Math.min(Math.max(offset, 0), full) * room) / full;
}

/** The top row and its shift at a virtual offset. */
export function landingAt(offset: number, rowHeight = ROW_HEIGHT): Landing {
  const first = Math.max(Math.floor(offset / rowHeight), 0);
  return { first, shift: offset - first * rowHeight };
}

/** The largest virtual offset of a table of `total` rows in a view `view` pixels high. */
export function maxOffset(total: number, view: number, rowHeight = ROW_HEIGHT): number {
  return fullRoom(total, view, rowHeight);
}

/**
 * The pages holding view positions first..last (inclusive), then one page either side to read
 * ahead: the order to fetch them in.
 */
export function pagesFor(
  first: number,
  last: number,
  total: number,
  pageSize = PAGE_SIZE,
): number[] {
  if (total <= 0 || last < first) return [];
  const lastPage = Math.floor((total - 1) / pageSize);
  const from = Math.min(Math.max(Math.floor(first / pageSize), 0), lastPage);
  const to = Math.min(Math.max(Math.floor(last / pageSize), 0), lastPage);
  const pages: number[] = [];
  for (let p = from; p <= to; p++) pages.push(p);
  if (to + 1 <= lastPage) pages.push(to + 1);
  if (from - 1 >= 0) pages.push(from - 1);
  return pages;
}

/** One row as the view shows it: its row number in the file and its cells. */
export interface LoadedRow {
  row: number;
  /** The names of `cells`, in order (the page's, shared by its rows). */
  columns: string[];
  cells: RowsPage["cells"][number];
}

export interface PagerOptions {
  pageSize?: number;
  /** Pages kept; the least recently wanted go first. */
  keep?: number;
  /** Requests at once; the others wait, and are dropped when the view has moved on. */
  parallel?: number;
  /** A page arrived (or the total changed): draw again. */
  onPage?: () => void;
  /** A request failed (e.g. the server refused the filter): its error. */
  onError?: (error: unknown) => void;
}

/**
 * The pages of one view order (one sort, filter and set of columns) of one source.
 *
 * `want()` names the rows on screen; the pager fetches their pages, at most `parallel` at a time.
 * Wanting other rows before a request starts replaces the waiting list, so a fast scroll costs a
 * request or two where it comes to rest, not one for every page it flew past.
 */
export class RowPager {
  readonly pageSize: number;
  /** Rows in this view order (after the filter), once the first page told it. */
  total: number | null = null;
  private readonly keep: number;
  private readonly parallel: number;
  private readonly pages = new Map<number, RowsPage>();
  private readonly inFlight = new Set<number>();
  private wanted: number[] = [];
  private shown: [number, number] = [0, 0];
  private closed = false;

  constructor(
    private readonly fetchPage: (start: number, count: number) => Promise<RowsPage>,
    private readonly options: PagerOptions = {},
  ) {
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.keep = Math.max(options.keep ?? 40, 4);
    this.parallel = Math.max(options.parallel ?? 2, 1);
  }

  /** The rows at view positions first..last are on screen: fetch what is missing of them. */
  want(first: number, last: number): void {
    this.shown = [first, last];
    // Before the first answer the total is unknown: ask for the first page of the view.
    const total = this.total ?? last + 1;
    this.wanted = pagesFor(first, last, total, this.pageSize);
    for (const page of this.wanted) {
      const held = this.pages.get(page);
      if (held) {
        // Re-inserted: the Map's order is the order of use, oldest first.
        this.pages.delete(page);
        this.pages.set(page, held);
      }
    }
    this.pump();
  }

  /** The row at a view position, or null while its page is on its way. */
  row(position: number): LoadedRow | null {
    const page = this.pages.get(Math.floor(position / this.pageSize));
    if (!page) return null;
    const i = position - page.start;
    const row = page.index[i];
    const cells = page.cells[i];
    return row === undefined || cells === undefined ? null : { row, columns: page.columns, cells };
  }

  /** Whether a request is out (for tests and the busy mark). */
  get busy(): boolean {
    return this.inFlight.size > 0;
  }

  /** Pages held now (for tests). */
  get held(): number[] {
    return [...this.pages.keys()];
  }

  /**
   * The file row numbers at view positions from..to (inclusive), fetching the pages not held
   * (a shift-click range reaching rows never shown).
   */
  async rowsBetween(from: number, to: number): Promise<number[]> {
    const lo = Math.max(Math.min(from, to), 0);
    const hi = Math.max(from, to);
    const rows: number[] = [];
    for (let p = Math.floor(lo / this.pageSize); p <= Math.floor(hi / this.pageSize); p++) {
      const page = this.pages.get(p) ?? (await this.load(p));
      if (!page) break;
      for (let i = 0; i < page.index.length; i++) {
        const position = page.start + i;
        if (position >= lo && position <= hi) rows.push(page.index[i]!);
      }
      if (page.index.length < this.pageSize) break;
    }
    return rows;
  }

  /** Forgets everything and answers nothing more (the view order changed or the tile closed). */
  close(): void {
    this.closed = true;
    this.pages.clear();
    this.wanted = [];
  }

  private pump(): void {
    while (this.inFlight.size < this.parallel) {
      const next = this.wanted.find((p) => !this.pages.has(p) && !this.inFlight.has(p));
      if (next === undefined) return;
      void this.load(next).then(() => this.pump());
    }
  }

  private async load(page: number): Promise<RowsPage | null> {
    this.inFlight.add(page);
    try {
      const answer = await this.fetchPage(page * this.pageSize, this.pageSize);
      if (this.closed) return null;
      if (this.total !== answer.total) {
        this.total = answer.total;
        // Now the read-ahead pages (and, after a filter, the right ones) can be named.
        this.wanted = pagesFor(this.shown[0], this.shown[1], answer.total, this.pageSize);
      }
      this.pages.set(page, answer);
      this.evict();
      this.options.onPage?.();
      return answer;
    } catch (error) {
      // Not asked again until the view wants it anew: a refused request must not loop.
      this.wanted = this.wanted.filter((p) => p !== page);
      if (!this.closed) this.options.onError?.(error);
      return null;
    } finally {
      this.inFlight.delete(page);
    }
  }

  private evict(): void {
    for (const page of this.pages.keys()) {
      if (this.pages.size <= this.keep) return;
      if (!this.wanted.includes(page)) this.pages.delete(page);
    }
  }
}
