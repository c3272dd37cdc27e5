// The plots' test page: tiles of <toyz-plot> over one generated source (FakeStore).
// Query: ?rows=N (default 10 000) &kinds=scatter,histogram,... (default "scatter,histogram").
// `window.harness` gives the tests and the benchmark the store, the plots and when each drew.
import "../../styles.css";
import "../plot";
import { contextsCreated } from "../gl";
import { normalisePlotState, type PlotState } from "../state";
import type { ToyzPlot } from "../plot";
import { FakeStore, generate } from "./fake-store";
import "./harness.css";

const params = new URLSearchParams(location.search);
const rows = Math.max(1, Math.min(2_000_000, Number(params.get("rows") ?? 10_000) || 10_000));
const kinds = (params.get("kinds") ?? "scatter,histogram").split(",").filter((k) => k);

const FIRST: Record<string, Partial<PlotState>> = {
  scatter: { kind: "scatter", x: "x", y: "y" },
  histogram: { kind: "histogram", x: "mag" },
  line: { kind: "line", x: "x", y: "mag" },
  density: { kind: "density", x: "x", y: "y" },
  colour: { kind: "scatter", x: "mag", y: "colour", color: "flux", cmap: "viridis" },
};

const started = performance.now();
const store = new FakeStore("harness", generate(rows));
const main = document.getElementById("plots") ?? document.body;
main.classList.add(`count-${Math.min(kinds.length, 4)}`);
const plots: ToyzPlot[] = [];
const states: unknown[] = [];
kinds.forEach((kind, i) => {
  const plot = document.createElement("toyz-plot");
  plot.tileId = `plot-${i}`;
  plot.dataset.testid = `plot-${i}`;
  plot.store = store;
  plot.state = normalisePlotState({ source: store.id, ...(FIRST[kind] ?? { kind }) });
  plot.addEventListener("toyz-tile-state", (e) => states.push((e as CustomEvent).detail));
  main.append(plot);
  plots.push(plot);
});

declare global {
  interface Window {
    harness: {
      store: FakeStore;
      plots: ToyzPlot[];
      started: number;
      states: unknown[];
      rows: number;
      contexts: () => number;
    };
  }
}
window.harness = { store, plots, started, states, rows, contexts: contextsCreated };
