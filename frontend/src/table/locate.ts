// Where the first selected row sits in a table view's order, so that the view can scroll to it
// when another view (a plot's lasso, a collaborator) selected. The server knows the order of a
// sorted or filtered view (POST /api/sources/locate); in file order the mask alone tells.
import { apiRequest } from "../api";
import type { SelectionState, SourceStore } from "../sources/types";

/** The view order a position is counted in. */
export interface ViewOrder {
  sort: string | null;
  desc: boolean;
  filter: string | null;
}

/** POST /api/sources/locate: the body, and the answer. */
export interface LocateRequest extends ViewOrder {
  path: string;
  /** A table of a file, or `kind: "headers"` for a folder's header index. */
  table?: number;
  kind?: "headers";
  selection: SelectionState;
}
interface LocateAnswer {
  position: number | null;
}

/** A store that answers locate itself (a fake one in tests, or a later SourceStore). */
type Locating = SourceStore & {
  locate?: (q: ViewOrder & { selection: SelectionState }) => Promise<number | null>;
};

/** The index of the first 1 in a mask, or null. */
export function firstSet(mask: Uint8Array | null): number | null {
  if (mask === null) return null;
  const at = mask.indexOf(1);
  return at < 0 ? null : at;
}

/** The view position of the first selected row in `order`, or null when none is in the view. */
export async function firstSelectedPosition(
  store: SourceStore,
  order: ViewOrder,
): Promise<number | null> {
  const selection = store.selection;
  if (selection === null) return null;
  const locating = store as Locating;
  if (typeof locating.locate === "function") return locating.locate({ ...order, selection });
  // File order: a row's number is its position.
  if (order.sort === null && order.filter === null) return firstSet(await store.mask());
  const spec = store.spec;
  const where = spec.kind === "headers" ? { kind: "headers" as const } : { table: spec.table };
  const body: LocateRequest = { path: spec.path, ...where, selection, ...order };
  const answer = await apiRequest<LocateAnswer>("POST", "/api/sources/locate", body);
  return answer.position;
}
