import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import {
  decodeColumn,
  evaluateLocally,
  insidePolygon,
  unpackMask,
  type HeldColumns,
} from "../src/sources/local";
import { SAVE_DELAY_MS, WorkspaceSources, type SourcesTransport } from "../src/sources/registry";
import { firstPlot } from "../src/sources/panel";
import { HttpSourceStore } from "../src/sources/store";
import type { SelectionState, SourceDescription, SourceSpec } from "../src/sources/types";

function held(rows: number, columns: Record<string, number[]>): HeldColumns {
  return {
    rows,
    held: (name) => (columns[name] ? Float64Array.from(columns[name]) : null),
  };
}

function ones(mask: Uint8Array | null): number[] {
  return mask ? [...mask.keys()].filter((i) => mask[i] === 1) : [];
}

describe("binary answers", () => {
  it("reads a column as the typed array its dtype names", () => {
    const values = decodeColumn(new Float64Array([1.5, -2, Number.NaN]).buffer, "float64", 3);
    expect(values).toBeInstanceOf(Float64Array);
    expect([...values].slice(0, 2)).toEqual([1.5, -2]);
    expect(decodeColumn(new Int32Array([7]).buffer, "int32")).toBeInstanceOf(Int32Array);
  });

  it("refuses a dtype it cannot read, or a column of the wrong length, with a sentence", () => {
    expect(() => decodeColumn(new ArrayBuffer(8), "complex128")).toThrow(/cannot read/);
    expect(() => decodeColumn(new Float32Array(2).buffer, "float32", 3)).toThrow(
      /2 values for 3 rows/,
    );
  });

  it("unpacks a little-endian packbits mask into one byte per row", () => {
    // Rows 0, 3 and 9 of 10: bits 0 and 3 of byte 0, bit 1 of byte 1.
    const packed = new Uint8Array([0b00001001, 0b00000010]);
    expect(ones(unpackMask(packed, 10))).toEqual([0, 3, 9]);
  });
});

describe("selections evaluated on the page", () => {
  const data = held(6, {
    x: [1, 2, 3, 10, 100, Number.NaN],
    y: [1, 2, 3, 4, 5, 6],
  });

  it("selects a box inclusively, whichever way it was drawn, and never NaN", () => {
    const box: SelectionState = {
      kind: "box",
      x: "x",
      y: "y",
      x0: 3,
      x1: 0,
      y0: 0,
      y1: 10,
      xscale: "linear",
      yscale: "linear",
    };
    expect(ones(evaluateLocally(box, data))).toEqual([0, 1, 2]);
  });

  it("compares in log10 on log axes, where non-positive values have no place", () => {
    const logData = held(4, { x: [0, -1, 10, 1000], y: [1, 1, 1, 1] });
    const box: SelectionState = {
      kind: "box",
      x: "x",
      y: "y",
      x0: 0.5,
      x1: 2,
      y0: 0,
      y1: 2,
      xscale: "log",
      yscale: "linear",
    };
    expect(ones(evaluateLocally(box, logData))).toEqual([2]);
  });

  it("selects the points inside a concave lasso and not those in its notch", () => {
    // A "U": the notch between x = 1..2 above y = 1 is outside.
    const u: [number, number][] = [
      [0, 0],
      [3, 0],
      [3, 3],
      [2, 3],
      [2, 1],
      [1, 1],
      [1, 3],
      [0, 3],
    ];
    expect(insidePolygon(0.5, 2, u)).toBe(true);
    expect(insidePolygon(1.5, 2, u)).toBe(false);
    expect(insidePolygon(1.5, 0.5, u)).toBe(true);
    const points = held(3, { a: [0.5, 1.5, 1.5], b: [2, 2, 0.5] });
    const lasso: SelectionState = {
      kind: "lasso",
      x: "a",
      y: "b",
      points: u,
      xscale: "linear",
      yscale: "linear",
    };
    expect(ones(evaluateLocally(lasso, points))).toEqual([0, 2]);
  });

  it("evaluates a lasso drawn on log axes in log10 of the data", () => {
    const points = held(3, { a: [10, 100, 1000], b: [1, 1, 1] });
    const lasso: SelectionState = {
      kind: "lasso",
      x: "a",
      y: "b",
      points: [
        [1.5, 0],
        [2.5, 0],
        [2.5, 2],
        [1.5, 2],
      ],
      xscale: "log",
      yscale: "linear",
    };
    expect(ones(evaluateLocally(lasso, points))).toEqual([1]);
  });

  it("combines ranges, rows, and, or and not", () => {
    const range: SelectionState = { kind: "range", column: "x", lo: 2, hi: null };
    expect(ones(evaluateLocally(range, data))).toEqual([1, 2, 3, 4]);
    const rows: SelectionState = { kind: "rows", rows: [0, 4, 99, -1] };
    expect(ones(evaluateLocally(rows, data))).toEqual([0, 4]);
    expect(ones(evaluateLocally({ kind: "and", of: [range, rows] }, data))).toEqual([4]);
    expect(ones(evaluateLocally({ kind: "or", of: [range, rows] }, data))).toEqual([0, 1, 2, 3, 4]);
    expect(ones(evaluateLocally({ kind: "not", of: [rows] }, data))).toEqual([1, 2, 3, 5]);
  });

  it("leaves expressions and columns it does not hold to the server", () => {
    expect(evaluateLocally({ kind: "expr", expr: "x > 1" }, data)).toBeNull();
    const range: SelectionState = { kind: "range", column: "flux", lo: 0, hi: 1 };
    expect(evaluateLocally(range, data)).toBeNull();
    expect(
      evaluateLocally({ kind: "and", of: [range, { kind: "rows", rows: [1] }] }, data),
    ).toBeNull();
  });
});

// A small stand-in for the server's /api/sources endpoints, counting what was asked.
const DESCRIPTION: SourceDescription = {
  path: "cats/stars.xml",
  name: "stars.xml",
  kind: "file",
  format: "votable",
  identity: "id1",
  tables: [{ index: 0, name: "stars", rows: 4, columns: 2 }],
  table: 0,
  rows: 4,
  columns: [
    {
      name: "g",
      kind: "float",
      dtype: "float64",
      unit: "mag",
      ucd: null,
      description: null,
      shape: [],
    },
    {
      name: "r",
      kind: "float",
      dtype: "float64",
      unit: "mag",
      ucd: null,
      description: null,
      shape: [],
    },
  ],
  sky: null,
  pixel: null,
  notes: [],
};

function fakeServer(): {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  asked: string[];
} {
  const asked: string[] = [];
  const columns: Record<string, number[]> = {
    g: [15, 16, 17, 18],
    r: [14, 16, 15, 19],
    "g - r": [1, 0, 2, -1],
  };
  return {
    asked,
    fetch: (url, init) => {
      asked.push(`${init?.method ?? "GET"} ${url}`);
      const u = new URL(url, "http://toyz.test");
      if (u.pathname === "/api/sources/describe")
        return Promise.resolve(new Response(JSON.stringify(DESCRIPTION)));
      if (u.pathname === "/api/sources/column") {
        const name = u.searchParams.get("column") ?? u.searchParams.get("expr") ?? "";
        const values = columns[name];
        if (!values)
          return Promise.resolve(
            new Response(
              JSON.stringify({ error: { code: "bad_expression", message: `No column ${name}.` } }),
              { status: 400 },
            ),
          );
        return Promise.resolve(
          new Response(Float32Array.from(values).buffer, {
            headers: { "X-Toyz-Dtype": "float32", "X-Toyz-Rows": "4" },
          }),
        );
      }
      if (u.pathname === "/api/sources/mask") {
        // Rows 1 and 2 whatever was asked.
        return Promise.resolve(
          new Response(new Uint8Array([0b0110]), {
            headers: { "X-Toyz-Rows": "4", "X-Toyz-Count": "2" },
          }),
        );
      }
      return Promise.resolve(new Response("{}", { status: 404 }));
    },
  };
}

const SPEC: SourceSpec = {
  id: "s1",
  kind: "file",
  path: "cats/stars.xml",
  table: 0,
  name: "stars.xml",
  derived: [{ name: "colour", expr: "g - r" }],
  selections: [],
  current: null,
};

describe("the source store", () => {
  it("fetches a column once per page, as the typed array the server names", async () => {
    const server = fakeServer();
    const store = new HttpSourceStore(SPEC, { fetch: server.fetch, selected: () => undefined });
    const [a, b] = await Promise.all([store.column("g"), store.column("g")]);
    expect(a).toBe(b);
    expect([...a]).toEqual([15, 16, 17, 18]);
    expect(server.asked.filter((q) => q.includes("/column")).length).toBe(1);
    expect(server.asked.find((q) => q.includes("/column"))).toContain("v=id1");
  });

  it("asks a derived column by its expression", async () => {
    const server = fakeServer();
    const store = new HttpSourceStore(SPEC, { fetch: server.fetch, selected: () => undefined });
    expect([...(await store.column("colour"))]).toEqual([1, 0, 2, -1]);
    expect(server.asked.some((q) => q.includes("expr=g+-+r"))).toBe(true);
  });

  it("rejects a bad column with the server's sentence, and tries again next time", async () => {
    const server = fakeServer();
    const store = new HttpSourceStore(SPEC, { fetch: server.fetch, selected: () => undefined });
    await expect(store.column("nope")).rejects.toThrow("No column nope.");
    await expect(store.column("nope")).rejects.toThrow("No column nope.");
    expect(server.asked.filter((q) => q.includes("/column")).length).toBe(2);
  });

  it("selects a box on held columns at once, without asking the server", async () => {
    const server = fakeServer();
    const relayed: unknown[] = [];
    const store = new HttpSourceStore(SPEC, {
      fetch: server.fetch,
      selected: (_s, state) => relayed.push(state),
    });
    await Promise.all([store.column("g"), store.column("r")]);
    const seen: number[][] = [];
    store.onSelection((_state, mask) => seen.push(ones(mask)));
    const box: SelectionState = {
      kind: "box",
      x: "g",
      y: "r",
      x0: 15.5,
      x1: 17.5,
      y0: 0,
      y1: 20,
      xscale: "linear",
      yscale: "linear",
    };
    store.select(box, "plot-1");
    expect(seen).toEqual([[1, 2]]); // synchronously
    expect(ones(store.maskNow)).toEqual([1, 2]);
    expect(relayed).toEqual([box]);
    expect(server.asked.some((q) => q.includes("/mask"))).toBe(false);
  });

  it("asks the server for anything else, once, and shares that mask", async () => {
    const server = fakeServer();
    const store = new HttpSourceStore(SPEC, { fetch: server.fetch, selected: () => undefined });
    await store.describe();
    const origins: string[] = [];
    store.onSelection((_s, _m, origin) => origins.push(origin));
    store.select({ kind: "expr", expr: "colour > 0.5" }, "table-1");
    const [a, b] = await Promise.all([store.mask(), store.mask()]);
    expect(a).toBe(b);
    expect(ones(a)).toEqual([1, 2]);
    expect(origins).toEqual(["table-1"]);
    expect(server.asked.filter((q) => q.includes("/mask")).length).toBe(1);
  });

  it("asks for the selected rows only with a POST naming the selection's expressions", async () => {
    const asked: { method: string; url: string; body: unknown }[] = [];
    const page = { total: 1, start: 0, index: [2], columns: ["g"], cells: [[17]] };
    const fetcher = (url: string, init?: RequestInit): Promise<Response> => {
      asked.push({
        method: init?.method ?? "GET",
        url,
        body: typeof init?.body === "string" ? JSON.parse(init.body) : null,
      });
      return Promise.resolve(new Response(JSON.stringify(page)));
    };
    const store = new HttpSourceStore(SPEC, { fetch: fetcher, selected: () => undefined });
    const selection: SelectionState = { kind: "range", column: "colour", lo: 1, hi: null };
    const q = { start: 0, count: 50, sort: "colour", desc: true, columns: ["g"] };
    expect(await store.rows({ ...q, selection })).toEqual(page);
    expect(asked[0]).toEqual({
      method: "POST",
      url: "/api/sources/rows",
      body: {
        path: "cats/stars.xml",
        table: 0,
        start: 0,
        count: 50,
        sort: "g - r",
        desc: true,
        filter: null,
        columns: ["g"],
        selection: { kind: "range", column: "g - r", lo: 1, hi: null },
      },
    });
    // Without a selection: the plain GET.
    await store.rows(q);
    expect(asked[1]?.method).toBe("GET");
    expect(asked[1]?.url).toContain("/api/sources/rows?");
  });

  it("drops the answer of a selection replaced before it came", async () => {
    const server = fakeServer();
    const store = new HttpSourceStore(SPEC, { fetch: server.fetch, selected: () => undefined });
    await store.describe();
    const seen: (string | null)[] = [];
    store.onSelection((state) => seen.push(state?.kind ?? null));
    store.select({ kind: "expr", expr: "g > 1" }, "p");
    store.select(null, "p");
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([null]);
    expect(await store.mask()).toBeNull();
  });
});

class FakeTransport implements SourcesTransport {
  sent: Record<string, unknown>[] = [];
  private handlers = new Map<string, ((event: Record<string, unknown>) => void)[]>();
  send(message: { type: string; [key: string]: unknown }): void {
    this.sent.push(message);
  }
  on(name: string, handler: (event: Record<string, unknown>) => void): () => void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
    return () => undefined;
  }
  push(name: string, event: Record<string, unknown>): void {
    for (const h of this.handlers.get(name) ?? []) h({ type: "event", event: name, ...event });
  }
}

describe("the workspace's sources", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("loads the saved sources and shows their saved selection", () => {
    const transport = new FakeTransport();
    const registry = new WorkspaceSources(transport, {
      mayChange: () => true,
      fetch: fakeServer().fetch,
    });
    const current: SelectionState = { kind: "rows", rows: [1] };
    transport.push("workspace", { sources: [{ ...SPEC, current }] });
    expect(registry.specs.map((s) => s.id)).toEqual(["s1"]);
    expect(registry.get("s1")?.selection).toEqual(current);
    vi.advanceTimersByTime(SAVE_DELAY_MS * 2);
    expect(transport.sent).toEqual([]); // nothing changed: nothing saved
  });

  it("adds a source once per file and table, and saves the list after a pause", () => {
    const transport = new FakeTransport();
    const registry = new WorkspaceSources(transport, { mayChange: () => true });
    transport.push("workspace", { sources: [] });
    const a = registry.add({ kind: "file", path: "cats/stars.xml", table: 0, name: "stars.xml" });
    const b = registry.add({ kind: "file", path: "cats/stars.xml", table: 0, name: "stars.xml" });
    registry.add({ kind: "file", path: "cats/stars.xml", table: 1, name: "stars.xml [2]" });
    expect(a).toBe(b);
    expect(transport.sent).toEqual([]);
    vi.advanceTimersByTime(SAVE_DELAY_MS);
    expect(transport.sent.length).toBe(1);
    const message = transport.sent[0]!;
    expect(message["type"]).toBe("sources");
    expect((message["sources"] as SourceSpec[]).map((s) => s.table)).toEqual([0, 1]);
  });

  it("relays this page's selection at once and saves it as the source's current one", () => {
    const transport = new FakeTransport();
    const registry = new WorkspaceSources(transport, {
      mayChange: () => true,
      fetch: fakeServer().fetch,
    });
    transport.push("workspace", { sources: [SPEC] });
    const state: SelectionState = { kind: "rows", rows: [2] };
    registry.get("s1")?.select(state, "plot-1");
    expect(transport.sent).toEqual([{ type: "selection", source: "s1", state, origin: "plot-1" }]);
    vi.advanceTimersByTime(SAVE_DELAY_MS);
    const saved = transport.sent[1]!;
    expect(saved["type"]).toBe("sources");
    expect((saved["sources"] as SourceSpec[])[0]!.current).toEqual(state);
  });

  it("says it is saved only once the server answered the list it was sent, and again after a reconnection", () => {
    const transport = new FakeTransport();
    const registry = new WorkspaceSources(transport, {
      mayChange: () => true,
      fetch: fakeServer().fetch,
    });
    transport.push("workspace", { sources: [SPEC] });
    expect(registry.saved).toBe(true);
    registry.get("s1")?.select({ kind: "rows", rows: [2] }, "plot-1");
    expect(registry.saved).toBe(false); // waiting for the pause
    vi.advanceTimersByTime(SAVE_DELAY_MS);
    expect(transport.sent.at(-1)?.["type"]).toBe("sources");
    expect(registry.saved).toBe(false); // sent, not answered
    transport.push("sources.saved", {});
    expect(registry.saved).toBe(true);
    registry.get("s1")?.select({ kind: "rows", rows: [4] }, "plot-1");
    vi.advanceTimersByTime(SAVE_DELAY_MS);
    // The connection dropped before the answer: the server's workspace on reconnecting is what holds.
    transport.push("workspace", { sources: [SPEC] });
    expect(registry.saved).toBe(true);
  });

  it("keeps a view-only user's selection on their page", () => {
    const transport = new FakeTransport();
    const registry = new WorkspaceSources(transport, {
      mayChange: () => false,
      fetch: fakeServer().fetch,
    });
    transport.push("workspace", { sources: [SPEC] });
    registry.get("s1")?.select({ kind: "rows", rows: [0] }, "plot-1");
    vi.advanceTimersByTime(SAVE_DELAY_MS * 2);
    expect(transport.sent).toEqual([]);
    expect(registry.get("s1")?.selection).toEqual({ kind: "rows", rows: [0] });
  });

  it("applies a collaborator's selection and list without sending them back", async () => {
    const transport = new FakeTransport();
    const registry = new WorkspaceSources(transport, {
      mayChange: () => true,
      fetch: fakeServer().fetch,
    });
    transport.push("workspace", { sources: [SPEC] });
    const origins: string[] = [];
    registry.get("s1")?.onSelection((_s, _m, origin) => origins.push(origin));
    transport.push("selection", {
      from: "bob",
      source: "s1",
      state: { kind: "rows", rows: [3] },
      origin: "t9",
    });
    expect(registry.get("s1")?.selection).toEqual({ kind: "rows", rows: [3] });
    expect(ones(await registry.get("s1")!.mask())).toEqual([3]); // a row set: evaluated here once the description came
    expect(origins).toEqual(["t9"]);
    const changes: number[] = [];
    registry.onChange((specs) => changes.push(specs.length));
    transport.push("sources", { from: "bob", sources: [SPEC, { ...SPEC, id: "s2", table: 1 }] });
    expect(changes).toEqual([2]);
    vi.advanceTimersByTime(SAVE_DELAY_MS * 2);
    expect(transport.sent).toEqual([]);
  });

  it("reloads an edited source as a new store under the same id, keeping a selection by values", () => {
    const transport = new FakeTransport();
    const registry = new WorkspaceSources(transport, {
      mayChange: () => true,
      fetch: fakeServer().fetch,
    });
    transport.push("workspace", { sources: [SPEC, { ...SPEC, id: "s2", table: 1 }] });
    const range: SelectionState = { kind: "range", column: "x", lo: 1, hi: 2 };
    registry.get("s1")?.select(range, "plot-1");
    registry.get("s2")?.select({ kind: "rows", rows: [0] }, "plot-1");
    const before = [registry.get("s1"), registry.get("s2")];
    const changes: number[] = [];
    registry.onChange((specs) => changes.push(specs.length));
    registry.reload("s1");
    registry.reload("s2");
    expect(registry.get("s1")).not.toBe(before[0]);
    expect(registry.get("s1")?.selection).toEqual(range);
    expect(registry.get("s2")?.selection).toBeNull(); // row numbers changed with the file
    expect(registry.specs.map((s) => s.id)).toEqual(["s1", "s2"]);
    expect(changes).toEqual([2, 2]);
  });

  it("ignores malformed entries of a list from the server", () => {
    const transport = new FakeTransport();
    const registry = new WorkspaceSources(transport, { mayChange: () => true });
    transport.push("workspace", { sources: [null, { id: 3 }, { id: "ok", path: "a.csv" }, "x"] });
    expect(registry.specs).toEqual([
      {
        id: "ok",
        kind: "file",
        path: "a.csv",
        table: 0,
        name: "a.csv",
        derived: [],
        selections: [],
        current: null,
      },
    ]);
  });
});

describe("the first plot of a source", () => {
  const column = (name: string, kind: "float" | "string" = "float") => ({
    name,
    kind,
    dtype: "float64",
    unit: null,
    ucd: null,
    description: null,
    shape: [] as number[],
  });

  it("plots the sky columns, RA running east to the left", () => {
    const d = {
      ...DESCRIPTION,
      columns: [column("index"), column("mag"), column("RA"), column("DEC")],
      sky: { ra: "RA", dec: "DEC" },
    };
    expect(firstPlot("s1", d)).toMatchObject({
      kind: "scatter",
      x: "RA",
      y: "DEC",
      xreverse: true,
    });
  });

  it("else the first two numeric columns, never the row number nor text", () => {
    const d = {
      ...DESCRIPTION,
      columns: [column("index"), column("name", "string"), column("g"), column("r")],
    };
    expect(firstPlot("s1", d)).toMatchObject({ kind: "scatter", x: "g", y: "r", xreverse: false });
  });

  it("the density view past DENSITY_ROWS rows, where points saturate", () => {
    const d = {
      ...DESCRIPTION,
      rows: 1_000_000,
      columns: [column("index"), column("g"), column("r")],
    };
    expect(firstPlot("s1", d)).toMatchObject({ kind: "density", x: "g", y: "r" });
  });

  it("a histogram when there is a single numeric column", () => {
    const d = { ...DESCRIPTION, columns: [column("index"), column("flux")] };
    expect(firstPlot("s1", d)).toMatchObject({ kind: "histogram", x: "flux", y: null });
  });
});
