import { describe, expect, it } from "vitest";

import type { RowsPage } from "../src/sources/types";
import {
  MAX_SPACER,
  RowPager,
  landingAt,
  offsetForScroll,
  pagesFor,
  scrollForOffset,
  spacerHeight,
} from "../src/table/pages";

/** A page of a table whose row number at position p is 10 * p (a fake server's answer). */
function page(start: number, count: number, total: number): RowsPage {
  const n = Math.max(Math.min(count, total - start), 0);
  const index = Array.from({ length: n }, (_, i) => 10 * (start + i));
  return { total, start, index, columns: ["v"], cells: index.map((r) => [r / 10]) };
}

/** A fetch whose answers the test releases one by one. */
function deferredFetch(total: number) {
  const asked: number[] = [];
  const waiting: (() => void)[] = [];
  const fetch = (start: number, count: number): Promise<RowsPage> => {
    asked.push(start);
    return new Promise((resolve) => waiting.push(() => resolve(page(start, count, total))));
  };
  const releaseAll = async (): Promise<void> => {
    while (waiting.length > 0) {
      waiting.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { asked, fetch, releaseAll, waiting };
}

describe("scroll arithmetic", () => {
  it("uses the full height for a short table and caps a long one", () => {
    expect(spacerHeight(1000, 22)).toBe(22_000);
    expect(spacerHeight(1_000_000, 22)).toBe(MAX_SPACER);
    expect(spacerHeight(0, 22)).toBe(0);
  });

  it("maps a scroll pixel to a table pixel one to one below the cap", () => {
    expect(offsetForScroll(440, 500, 1000, 22)).toBe(440);
    expect(landingAt(450, 22)).toEqual({ first: 20, shift: 10 });
  });

  it("spans every row of a million with the capped scroll bar", () => {
    const view = 500;
    const total = 1_000_000;
    const end = MAX_SPACER - view;
    // The last scroll position shows the last rows, the middle one the middle rows.
    const last = landingAt(offsetForScroll(end, view, total, 22), 22).first;
    expect(last + Math.ceil(view / 22)).toBeGreaterThanOrEqual(total - 1);
    expect(last).toBeLessThan(total);
    const middle = landingAt(offsetForScroll(end / 2, view, total, 22), 22).first;
    expect(Math.abs(middle - (total - view / 22) / 2)).toBeLessThan(2);
  });

  it("finds the scroll position of an offset again", () => {
    const offset = 123_456 * 22;
    const top = scrollForOffset(offset, 500, 1_000_000, 22);
    expect(offsetForScroll(top, 500, 1_000_000, 22)).toBeCloseTo(offset, 3);
  });

  it("lists the pages on screen first, then one either side", () => {
    expect(pagesFor(450, 480, 10_000, 200)).toEqual([2, 3, 1]);
    expect(pagesFor(0, 30, 10_000, 200)).toEqual([0, 1]);
    expect(pagesFor(9990, 10_020, 10_000, 200)).toEqual([49, 48]);
    expect(pagesFor(0, 30, 0, 200)).toEqual([]);
  });
});

describe("the row pager", () => {
  it("serves the rows of a page once it arrives", async () => {
    const server = deferredFetch(1000);
    const pager = new RowPager(server.fetch, { pageSize: 100 });
    pager.want(0, 20);
    expect(pager.row(5)).toBeNull();
    await server.releaseAll();
    expect(pager.total).toBe(1000);
    expect(pager.row(5)).toEqual({ row: 50, columns: ["v"], cells: [5] });
    // Read ahead: the next page came too.
    expect(pager.row(150)?.row).toBe(1500);
  });

  it("asks only for where a fast scroll comes to rest", async () => {
    const server = deferredFetch(1_000_000);
    const pager = new RowPager(server.fetch, { pageSize: 100, parallel: 1 });
    pager.want(0, 20);
    await server.releaseAll();
    const before = server.asked.length;
    // A fling through 5000 pages while one request is out: each want() replaces the waiting list.
    for (let p = 10; p < 500_000; p += 100) pager.want(p, p + 20);
    pager.want(500_000, 500_020);
    await server.releaseAll();
    const during = server.asked.slice(before);
    expect(during.length).toBeLessThanOrEqual(4);
    expect(during).toContain(500_000);
    expect(pager.row(500_010)?.row).toBe(5_000_100);
  });

  it("keeps a bounded number of pages", async () => {
    const server = deferredFetch(1_000_000);
    const pager = new RowPager(server.fetch, { pageSize: 100, keep: 6 });
    for (let p = 0; p < 30; p++) {
      pager.want(p * 100, p * 100 + 20);
      await server.releaseAll();
    }
    expect(pager.held.length).toBeLessThanOrEqual(6);
    expect(pager.row(2910)?.row).toBe(29_100);
  });

  it("reports a refused request once instead of asking again and again", async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const pager = new RowPager(
      () => {
        calls++;
        return Promise.reject(new Error("Unknown column `gg` at position 1."));
      },
      { onError: (e) => errors.push(e) },
    );
    pager.want(0, 20);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it("gives the row numbers of a range, fetching the pages never shown", async () => {
    const asked: number[] = [];
    const pager = new RowPager(
      (start, count) => {
        asked.push(start);
        return Promise.resolve(page(start, count, 1000));
      },
      { pageSize: 100 },
    );
    const rows = await pager.rowsBetween(295, 305);
    expect(rows).toEqual([2950, 2960, 2970, 2980, 2990, 3000, 3010, 3020, 3030, 3040, 3050]);
    expect(asked).toEqual([200, 300]);
    expect(await pager.rowsBetween(998, 2000)).toEqual([9980, 9990]);
  });

  it("drops answers that arrive after it closed", async () => {
    const server = deferredFetch(1000);
    let drawn = 0;
    const pager = new RowPager(server.fetch, { onPage: () => drawn++ });
    pager.want(0, 20);
    pager.close();
    await server.releaseAll();
    expect(drawn).toBe(0);
    expect(pager.row(0)).toBeNull();
  });
});
