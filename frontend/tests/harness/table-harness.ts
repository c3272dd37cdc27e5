// The table view on a fake source of a million rows (table-harness.html, served by `vite` in
// development and in the browser tests only; the production build never includes it).
// `?rows=N` sets the size. The page exposes the store and what the table sent on `window.harness`.
import "../../src/styles.css";
import "./table-harness.css";
import "../../src/table/table";

import type { LocateDetail, TileStateDetail } from "../../src/sources/types";
import { FakeSourceStore } from "./fake-source-store";

const rows = Number(new URLSearchParams(location.search).get("rows") ?? 1_000_000);
const store = new FakeSourceStore("fake", rows);
const locates: LocateDetail[] = [];
const states: TileStateDetail[] = [];

const table = document.createElement("toyz-table");
table.tileId = "table-1";
table.store = store;
table.state = { source: "fake" };
table.addEventListener("toyz-locate", (e) => locates.push(e.detail));
table.addEventListener("toyz-tile-state", (e) => states.push(e.detail));
document.querySelector("#tile")?.append(table);

const harness = {
  store,
  table,
  locates,
  states,
  /** Another view (a plot's lasso) selects these rows. */
  selectElsewhere(rows: number[]): void {
    store.select({ kind: "rows", rows }, "plot-1");
  },
};
// Not declared on Window: the plots' harness declares its own `harness` there.
(window as unknown as { harness: typeof harness }).harness = harness;
