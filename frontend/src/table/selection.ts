// What a click on a table row does to the source's selection state: one row, a shift-click range,
// or a ctrl/cmd-click toggle. A toggle keeps whatever selected the rows before (a lasso, a range)
// and adds or takes away the one row, so the state stays a description, not a list of rows.
import type { RowsSelection, SelectionState } from "../sources/types";

/** A "rows" state holds at most this many rows (the contract's limit). */
export const MAX_SELECTED_ROWS = 100_000;

/** A "rows" state of these row numbers (sorted, each once). */
export function rowsState(rows: Iterable<number>): RowsSelection {
  return { kind: "rows", rows: [...new Set(rows)].sort((a, b) => a - b) };
}

/**
 * The state after a ctrl/cmd-click on row `row` (file row number), which is `selected` now.
 *
 * A "rows" state gains or loses the row (losing its last gives null); any other state is
 * combined: `or` with the row to add it, `and not` the row to take it away.
 */
export function toggleRow(
  state: SelectionState | null,
  row: number,
  selected: boolean,
): SelectionState | null {
  if (state === null) return selected ? null : rowsState([row]);
  if (state.kind === "rows") {
    const rows = selected ? state.rows.filter((r) => r !== row) : [...state.rows, row];
    return rows.length === 0 ? null : rowsState(rows);
  }
  const one = rowsState([row]);
  return selected
    ? { kind: "and", of: [state, { kind: "not", of: [one] }] }
    : { kind: "or", of: [state, one] };
}

/** The view positions a shift-click spans, from the anchor (the last plain click) to the row clicked. */
export function rangeOfPositions(anchor: number | null, clicked: number): [number, number] {
  const from = anchor ?? clicked;
  return [Math.min(from, clicked), Math.max(from, clicked)];
}

/** The view positions a range covers: more than MAX_SELECTED_ROWS cannot be a "rows" state. */
export function rangeTooLong(range: [number, number]): boolean {
  return range[1] - range[0] + 1 > MAX_SELECTED_ROWS;
}

/** Whether row number `row` is selected in a mask (1 byte per row, null = nothing selected). */
export function isSelected(mask: Uint8Array | null, row: number): boolean {
  return mask !== null && mask[row] === 1;
}
