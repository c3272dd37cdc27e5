// How the table view shows a column: its width, its header's tooltip, its cells' text.
import type { ColumnInfo, RowsPage } from "../sources/types";
import { formatValue } from "../util";

export type Cell = RowsPage["cells"][number][number];

/** Width of a column in `ch`: enough for its values' usual length and its name. */
export function columnWidth(column: ColumnInfo): number {
  const name = column.name.length + 2;
  let values: number;
  if (column.kind === "float") values = 11;
  else if (column.kind === "int") values = 9;
  else if (column.kind === "bool") values = 6;
  else if (column.kind === "time") values = 22;
  else {
    // A numpy text dtype ("<U12", "|S8") gives the longest value.
    const length = /^[<>|=]?[US](\d+)$/.exec(column.dtype);
    values = length ? Number(length[1]) + 1 : 14;
  }
  return Math.min(Math.max(name, values, 5), 40);
}

/** Width in `ch` of the row-number column for a table of `rows` rows. */
export function indexWidth(rows: number): number {
  return Math.max(String(Math.max(rows - 1, 0)).length + 2, 4);
}

/** The header's tooltip: the description, the UCD and the unit, one a line. */
export function columnTitle(column: ColumnInfo): string {
  const lines = [column.description ?? column.name];
  if (column.unit) lines.push(`unit: ${column.unit}`);
  if (column.ucd) lines.push(`UCD: ${column.ucd}`);
  if (column.shape.length > 0) lines.push(`vector of ${column.shape.join(" × ")}`);
  return lines.join("\n");
}

/** A cell's text: numbers as the readout shows them, nothing for a missing value. */
export function cellText(value: Cell, column: ColumnInfo | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    return column?.kind === "int" ? String(value) : formatValue(value);
  }
  return String(value);
}

/** "1,234": a count with thousands separators, the same in every locale. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** The name of the row-number column the server puts first in a description (when the table has none of that name). */
export const ROW_NUMBER_COLUMN = "index";

/**
 * Whether column `at` of a description is the server's row-number column, which the view shows
 * as its own "#" column (from each page's row numbers, never fetched as a column).
 */
export function isRowNumberColumn(column: ColumnInfo, at: number): boolean {
  return (
    at === 0 &&
    column.name === ROW_NUMBER_COLUMN &&
    column.kind === "int" &&
    column.unit === null &&
    column.ucd === null
  );
}

/** Whether a column can sort a view (vector columns cannot). */
export function sortable(column: ColumnInfo): boolean {
  return column.shape.length === 0;
}
