import { describe, expect, it } from "vitest";

import type { SelectionState } from "../src/sources/types";
import { cellText, columnWidth, formatCount, isRowNumberColumn } from "../src/table/columns";
import { firstSet } from "../src/table/locate";
import {
  isSelected,
  rangeOfPositions,
  rangeTooLong,
  rowsState,
  toggleRow,
} from "../src/table/selection";

const lasso: SelectionState = {
  kind: "lasso",
  x: "g - r",
  y: "mag",
  points: [
    [0, 10],
    [1, 10],
    [1, 20],
  ],
  xscale: "linear",
  yscale: "linear",
};

describe("clicking rows", () => {
  it("makes a sorted rows state of each row once", () => {
    expect(rowsState([7, 3, 7, 1])).toEqual({ kind: "rows", rows: [1, 3, 7] });
  });

  it("spans a shift-click range from the anchor either way", () => {
    expect(rangeOfPositions(10, 14)).toEqual([10, 14]);
    expect(rangeOfPositions(14, 10)).toEqual([10, 14]);
    expect(rangeOfPositions(null, 5)).toEqual([5, 5]);
    expect(rangeTooLong([0, 99_999])).toBe(false);
    expect(rangeTooLong([0, 100_000])).toBe(true);
  });

  it("toggles a row in and out of a rows state", () => {
    expect(toggleRow(null, 4, false)).toEqual({ kind: "rows", rows: [4] });
    expect(toggleRow({ kind: "rows", rows: [2, 9] }, 4, false)).toEqual({
      kind: "rows",
      rows: [2, 4, 9],
    });
    expect(toggleRow({ kind: "rows", rows: [2, 4] }, 4, true)).toEqual({ kind: "rows", rows: [2] });
    expect(toggleRow({ kind: "rows", rows: [4] }, 4, true)).toBeNull();
  });

  it("keeps a lasso and adds or takes away the toggled row", () => {
    expect(toggleRow(lasso, 4, false)).toEqual({
      kind: "or",
      of: [lasso, { kind: "rows", rows: [4] }],
    });
    expect(toggleRow(lasso, 4, true)).toEqual({
      kind: "and",
      of: [lasso, { kind: "not", of: [{ kind: "rows", rows: [4] }] }],
    });
  });

  it("reads the mask by row number", () => {
    const mask = new Uint8Array([0, 0, 1, 0]);
    expect(isSelected(mask, 2)).toBe(true);
    expect(isSelected(mask, 1)).toBe(false);
    expect(isSelected(null, 2)).toBe(false);
    expect(firstSet(mask)).toBe(2);
    expect(firstSet(new Uint8Array(3))).toBeNull();
  });
});

describe("showing columns", () => {
  const column = {
    name: "mag",
    kind: "float" as const,
    dtype: "float64",
    unit: "mag",
    ucd: "phot.mag",
    description: null,
    shape: [],
  };

  it("writes numbers compactly and missing values as nothing", () => {
    expect(cellText(12.3456789, column)).toBe("12.3457");
    expect(cellText(null, column)).toBe("");
    expect(cellText(12, { ...column, kind: "int" })).toBe("12");
    expect(cellText(true, { ...column, kind: "bool" })).toBe("true");
    expect(cellText("NGC 1", { ...column, kind: "string" })).toBe("NGC 1");
  });

  it("sizes a text column by its dtype and counts with separators", () => {
    expect(columnWidth({ ...column, kind: "string", dtype: "<U30" })).toBe(31);
    expect(columnWidth({ ...column, kind: "string", dtype: "<U300" })).toBe(40);
    expect(formatCount(1_234_567)).toBe("1,234,567");
  });

  it("knows the server's row-number column, first and plain, from a table's own", () => {
    const index = { ...column, name: "index", kind: "int" as const, unit: null, ucd: null };
    expect(isRowNumberColumn(index, 0)).toBe(true);
    expect(isRowNumberColumn(index, 3)).toBe(false);
    expect(isRowNumberColumn({ ...index, ucd: "meta.id" }, 0)).toBe(false);
  });
});
