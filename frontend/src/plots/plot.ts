// <toyz-plot>: the workspace tile that plots columns of one data source (scatter, line, histogram or
// density). It takes a SourceStore and a state, fires `toyz-tile-state` with its whole state whenever
// the user changes it, sends box and lasso selections to the store and highlights the store's selection.
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { ref } from "lit/directives/ref.js";

import { formatValue } from "../util";
import { fetchColormap } from "../viewer/colormaps";
import { COLORMAPS } from "../viewer/options";
import { packPalette } from "../viewer/stretch";
import {
  asFloat64,
  axisLabel,
  colorLimits,
  finiteRange,
  fitView,
  fromAxis,
  isPlottable,
  toAxis,
  type PlotView,
} from "./axes";
import { binCentres, densityPixels, histogram } from "./binning";
import { Chart, type ChartSpec } from "./chart";
import { countSelected, simplifyPath, type Vertex } from "./geometry";
import { ScatterView, type AxesSpec, type DensityImage, type Gesture, type Hit } from "./scatter";
import {
  DEFAULT_STATE,
  MARKER_SHAPES,
  MAX_SERIES,
  PLOT_KINDS,
  firstPlot,
  normalisePlotState,
  scaleName,
  seriesColor,
  yColumns,
  type PlotState,
} from "./state";
import "./plots.css";
import type {
  ColumnInfo,
  DensityQuery,
  SelectionState,
  SourceDescription,
  SourceRegistry,
  SourceStore,
} from "../sources/types";

/** Selected points drawn in this colour when no column colours them (RGBA 0–1). */
const SELECTED_RGBA: [number, number, number, number] = [1, 0.8, 0.3, 1];
const NAN_RGBA = [110, 110, 110, 200] as const;
const VIEW_STATE_MS = 300;
const REBIN_MS = 200;
const MAX_BINS_SIDE = 512;

interface Colorbar {
  palette: Uint32Array;
  lo: string;
  hi: string;
  label: string;
}

interface HoverInfo {
  row: number;
  px: number;
  py: number;
  values: [string, string][];
}

function hexToRgba(hex: string): [number, number, number, number] {
  const h = hex.replace("#", "");
  const full = h.length === 3 ? [...h].map((c) => c + c).join("") : h.slice(0, 6);
  const n = parseInt(full, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 220];
}

/** Positions an element through the CSSOM (the Content-Security-Policy refuses style=""). */
function placeAt(left: number, top: number): (element?: Element) => void {
  return (element) => {
    if (element instanceof HTMLElement) {
      element.style.left = `${left}px`;
      element.style.top = `${top}px`;
    }
  };
}

export class ToyzPlot extends LitElement {
  static override properties = {
    tileId: { attribute: "tile-id" },
    store: { attribute: false },
    sources: { attribute: false },
    // Its own accessor: whatever the layout holds becomes a whole, valid state.
    state: { attribute: false, noAccessor: true },
    _description: { state: true },
    _error: { state: true },
    _busy: { state: true },
    _gesture: { state: true },
    _hover: { state: true },
    _colorbar: { state: true },
    _selected: { state: true },
  };

  declare tileId: string;
  /** The plot's source, when given directly (else looked up in `sources` by `state.source`). */
  declare store: SourceStore | null;
  /** The workspace's sources (set by <toyz-app>). */
  declare sources: SourceRegistry | null;
  private _state: PlotState = DEFAULT_STATE;

  declare private _description: SourceDescription | null;
  declare private _error: string | null;
  declare private _busy: boolean;
  declare private _gesture: Gesture;
  declare private _hover: HoverInfo | null;
  declare private _colorbar: Colorbar | null;
  declare private _selected: number | null;

  /** How many times the plot finished drawing its data (tests and benchmarks wait on it). */
  renderCount = 0;
  /** When (performance.now()) the plot first drew its data, and last drew it or a selection. */
  firstDrawnAt: number | null = null;
  lastDrawnAt: number | null = null;

  private scatter: ScatterView | null = null;
  private chart: Chart | null = null;
  private unsubscribe: (() => void) | null = null;
  private subscribedTo: SourceStore | null = null;
  private unwatchSources: (() => void) | null = null;
  private loadSeq = 0;
  private densitySeq = 0;
  private loadedKey = "";
  private mask: Uint8Array | null = null;
  // The columns the plot holds (data units) and the same in axis space.
  private held = new Map<string, Float64Array>();
  private xs: Float64Array = new Float64Array(0);
  private ys: Float64Array[] = [];
  private lineOrder = new Uint32Array(0);
  private chartSpec: ChartSpec | null = null;
  private chartBase: { spec: ChartSpec; edges: Float64Array | null } | null = null;
  private viewTimer: ReturnType<typeof setTimeout> | null = null;
  private rebinTimer: ReturnType<typeof setTimeout> | null = null;
  private paintedBar: Colorbar | null = null;
  /** dispose() ran: a plot moved in the page (disconnected, then connected again) draws anew. */
  private released = false;

  constructor() {
    super();
    this.tileId = "";
    this.store = null;
    this.sources = null;
    this._description = null;
    this._error = null;
    this._busy = false;
    this._gesture = "pan";
    this._hover = null;
    this._colorbar = null;
    this._selected = null;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** Releases the plot's buffers in the shared WebGL context; the element is not usable afterwards. */
  dispose(): void {
    this.loadSeq += 1;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.subscribedTo = null;
    this.unwatchSources?.();
    this.unwatchSources = null;
    this.scatter?.dispose();
    this.scatter = null;
    this.chart?.dispose();
    this.chart = null;
    if (this.viewTimer) clearTimeout(this.viewTimer);
    if (this.rebinTimer) clearTimeout(this.rebinTimer);
    this.released = true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.released) return;
    // gridstack moves a tile's element when tiles are added: load and draw again what dispose() released.
    this.released = false;
    this.loadedKey = "";
    this.requestUpdate("sources");
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.dispose();
  }

  /** The plot's state (saved in the layout); setting it applies one from the server or the app. */
  get state(): PlotState {
    return this._state;
  }

  set state(value: unknown) {
    const old = this._state;
    this._state = normalisePlotState(value);
    this.requestUpdate("state", old);
  }

  /** The store of the plot's source: the one given, else the workspace's. */
  get activeStore(): SourceStore | null {
    return this.store ?? this.sources?.get(this._state.source) ?? null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.paintColorbar();
    if (changed.has("sources")) {
      this.unwatchSources?.();
      // The workspace's sources arrive after the layout: look the store up again when they change.
      this.unwatchSources = this.sources?.onChange(() => this.requestUpdate("sources")) ?? null;
    }
    if (this.activeStore !== this.subscribedTo) {
      this.subscribe();
      // Another store under the same id (its file was edited and reloaded): read the data again.
      this.loadedKey = "";
    }
    if (!changed.has("store") && !changed.has("state") && !changed.has("sources")) return;
    const key = this.dataKey();
    if (key !== this.loadedKey) {
      this.loadedKey = key;
      void this.load();
    } else if (changed.has("state")) {
      this.applyView();
    }
  }

  /**
   * Where the data point (x, y) (data units) is on the page, in client pixels, or null when the plot
   * shows no points (tests and benchmarks aim the mouse with it).
   */
  clientPoint(x: number, y: number): [number, number] | null {
    const scatter = this.scatter;
    if (!scatter) return null;
    const s = this.state;
    const frame = scatter.frame();
    const rect = scatter.points.getBoundingClientRect();
    const ax = s.xlog ? Math.log10(x) : x;
    const ay = s.ylog ? Math.log10(y) : y;
    return [rect.left + frame.xToPx(ax), rect.top + frame.yToPx(ay)];
  }

  // -------------------------------------------------------------------------------------------
  // State

  /** Everything of the state but the view: a change of it means new data to fetch and draw. */
  private dataKey(): string {
    return `${this.activeStore?.id ?? ""}|${JSON.stringify({ ...this.state, view: null })}`;
  }

  /** Applies a change the user made and tells the workspace (`toyz-tile-state`). */
  private change(patch: Partial<PlotState>): void {
    this.state = normalisePlotState({ ...this.state, ...patch });
    this.emitState();
  }

  /** A new x column. RA runs to the left as on the sky: the reversal comes and goes with the source's RA. */
  private changeX(x: string): void {
    const ra = this._description?.sky?.ra;
    const s = this.state;
    const xreverse = x === ra ? true : s.x === ra ? false : s.xreverse;
    this.change({ x, xreverse, view: null });
  }

  private emitState(): void {
    this.dispatchEvent(
      new CustomEvent("toyz-tile-state", {
        bubbles: true,
        composed: true,
        detail: { tileId: this.tileId, state: this.state },
      }),
    );
  }

  private column(name: string): ColumnInfo | undefined {
    return this._description?.columns.find((c) => c.name === name);
  }

  private axesSpec(): AxesSpec {
    const s = this.state;
    const ys = yColumns(s);
    const ylabel =
      s.kind === "histogram"
        ? "rows"
        : ys.length > 1
          ? ys.map((y) => axisLabel(y, this.column(y), false)).join(", ")
          : axisLabel(s.y, this.column(s.y), s.ylog);
    return {
      xlabel: axisLabel(s.x, this.column(s.x), s.xlog),
      ylabel: s.ylog && ys.length > 1 ? `log ${ylabel}` : ylabel,
      xlog: s.xlog,
      ylog: s.kind !== "histogram" && s.ylog,
      xreverse: s.xreverse,
      yreverse: s.yreverse,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Loading and drawing

  private subscribe(): void {
    this.unsubscribe?.();
    const store = this.activeStore;
    this.subscribedTo = store;
    this.unsubscribe = store?.onSelection((_state, mask) => this.showSelection(mask)) ?? null;
  }

  private async load(): Promise<void> {
    const seq = ++this.loadSeq;
    const store = this.activeStore;
    if (!store) return;
    this._busy = true;
    this._error = null;
    try {
      const description = await store.describe();
      if (seq !== this.loadSeq) return;
      this._description = description;
      if (!this.state.x) {
        // The row number ("index", first) says little on an axis: the table's own columns first.
        const plottable = description.columns
          .filter((c) => isPlottable(c) && c.name !== "index")
          .map((c) => c.name);
        // A first plot: the source's first two columns; the workspace saves it.
        this.state = { ...firstPlot(store.id, plottable, description.rows), ...this.pick() };
        this.loadedKey = this.dataKey();
        this.emitState();
      }
      await this.updateComplete;
      if (this.state.kind === "scatter" || this.state.kind === "density")
        await this.loadScatter(seq);
      else await this.loadChart(seq);
    } catch (error) {
      if (seq === this.loadSeq)
        this._error = error instanceof Error ? error.message : String(error);
    } finally {
      if (seq === this.loadSeq) this._busy = false;
    }
  }

  /** The parts of a state that a first plot keeps from what it was given (say, a chosen kind). */
  private pick(): Partial<PlotState> {
    return this.state.source ? { source: this.state.source } : {};
  }

  private area(): HTMLElement | null {
    return this.querySelector<HTMLElement>(".plot-area");
  }

  private ensureScatter(): ScatterView {
    this.chart?.dispose();
    this.chart = null;
    const area = this.area();
    if (!area) throw new Error("The plot has no area to draw in.");
    this.scatter ??= new ScatterView(area, {
      view: (view) => this.viewChanged(view),
      box: (x0, x1, y0, y1) => this.selectBox(x0, x1, y0, y1),
      lasso: (points) => this.selectLasso(points),
      hover: (hit) => this.showHover(hit),
      reset: () => this.resetView(),
    });
    this.scatter.mode = this._gesture;
    return this.scatter;
  }

  private ensureChart(): Chart {
    this.scatter?.dispose();
    this.scatter = null;
    const area = this.area();
    if (!area) throw new Error("The plot has no area to draw in.");
    this.chart ??= new Chart(area, {
      hover: (index) => this.showChartHover(index),
      view: (view) => this.viewChanged(view),
    });
    return this.chart;
  }

  private async fetchColumns(names: string[]): Promise<Map<string, Float64Array>> {
    const store = this.activeStore;
    if (!store) return new Map();
    const unique = [...new Set(names.filter((n) => n !== ""))];
    // Times keep their digits (float32 rounds an MJD to minutes); the rest come as float32.
    const values = await Promise.all(
      unique.map((n) => store.column(n, this.column(n)?.kind === "time" ? "native" : "float32")),
    );
    return new Map(unique.map((n, i) => [n, asFloat64(values[i]!)]));
  }

  private async loadScatter(seq: number): Promise<void> {
    const s = this.state;
    const view = this.ensureScatter();
    view.axes = this.axesSpec();
    view.size = s.size;
    view.shape = s.shape;
    if (s.kind === "density") {
      view.showDensity = true;
      this.held = new Map();
      this._colorbar = null;
      await this.rebin(s.view, seq);
      return;
    }
    view.showDensity = false;
    view.density = null;
    view.densitySelected = null;
    const ys = yColumns(s);
    const [held, palette] = await Promise.all([
      this.fetchColumns([s.x, ...ys, s.color ?? ""]),
      s.color ? fetchColormap(s.cmap).then((c) => packPalette(c, false)) : Promise.resolve(null),
    ]);
    if (seq !== this.loadSeq) return;
    this.held = held;
    const xs = toAxis(held.get(s.x) ?? new Float64Array(0), s.xlog);
    const yAxis = ys.map((y) => toAxis(held.get(y) ?? new Float64Array(0), s.ylog));
    this.xs = xs;
    this.ys = yAxis;
    const rows = xs.length;
    const rgba = new Uint8Array(4 * rows * Math.max(1, yAxis.length));
    const colorValues = s.color ? held.get(s.color) : undefined;
    if (colorValues && palette) {
      const [lo, hi] = colorLimits(colorValues);
      const last = palette.length - 1;
      const one = new Uint8Array(4 * rows);
      const words = new Uint32Array(one.buffer);
      for (let i = 0; i < rows; i++) {
        const v = colorValues[i]!;
        if (!Number.isFinite(v)) {
          one.set(NAN_RGBA, 4 * i);
          continue;
        }
        const t = hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0.5;
        words[i] = palette[Math.round(t * last)] ?? 0;
      }
      for (let k = 0; k < yAxis.length; k++) rgba.set(one, 4 * rows * k);
      this._colorbar = {
        palette,
        lo: formatValue(lo),
        hi: formatValue(hi),
        label: axisLabel(s.color ?? "", this.column(s.color ?? ""), false),
      };
      view.selectedColor = null;
    } else {
      yAxis.forEach((_, k) => {
        const c = hexToRgba(seriesColor(s, k));
        for (let i = 0; i < rows; i++) rgba.set(c, 4 * (k * rows + i));
      });
      this._colorbar = null;
      view.selectedColor = SELECTED_RGBA;
    }
    view.setPoints(xs, yAxis, rgba);
    view.view = s.view ?? fitView(xs, yAxis);
    this.dataset.points = String(view.pointCount);
    await this.applyStoreSelection(seq);
  }

  private async loadChart(seq: number): Promise<void> {
    const s = this.state;
    const chart = this.ensureChart();
    this._colorbar = null;
    const ys = s.kind === "histogram" ? [] : yColumns(s);
    const held = await this.fetchColumns([s.x, ...ys]);
    if (seq !== this.loadSeq) return;
    this.held = held;
    this.xs = toAxis(held.get(s.x) ?? new Float64Array(0), s.xlog);
    this.ys = ys.map((y) => toAxis(held.get(y) ?? new Float64Array(0), s.ylog));
    const store = this.activeStore;
    this.mask = store?.selection ? await store.mask() : null;
    if (seq !== this.loadSeq) return;
    this.chartBase = null;
    this.chartSpec = this.buildChartSpec();
    chart.show(this.chartSpec);
    this.dataset.points = String(this.chartSpec.xs.length);
    this.drawn();
  }

  /**
   * The chart's data; only the selected parts are computed again when the selection changes (the
   * whole histogram and the line's order by x are kept from the first call after a load).
   */
  private buildChartSpec(): ChartSpec {
    const s = this.state;
    const mask = this.mask;
    this._selected = mask ? countSelected(mask) : null;
    const base = this.chartBase ?? (this.chartBase = this.chartWhole());
    if (s.kind === "histogram") {
      const edges = base.edges ?? new Float64Array(0);
      const lo = edges[0] ?? 0;
      const hi = edges[edges.length - 1] ?? 1;
      const selected = mask ? histogram(this.xs, s.bins, lo, hi, mask) : null;
      return { ...base.spec, selected: selected ? [selected.counts] : null, view: s.view };
    }
    const order = this.lineOrder;
    const selected = mask
      ? this.ys.map((y) => Float64Array.from(order, (i) => (mask[i] ? y[i]! : NaN)))
      : null;
    return { ...base.spec, selected, view: s.view };
  }

  /** What a chart shows of the whole data (made once per load). */
  private chartWhole(): { spec: ChartSpec; edges: Float64Array | null } {
    const s = this.state;
    const axes = this.axesSpec();
    if (s.kind === "histogram") {
      const [lo, hi] = finiteRange(this.xs) ?? [0, 1];
      const whole = histogram(this.xs, s.bins, lo, hi);
      return {
        edges: whole.edges,
        spec: {
          kind: "histogram",
          axes,
          xs: binCentres(whole.edges),
          ys: [whole.counts],
          selected: null,
          labels: [s.x],
          colors: [seriesColor(s, 0)],
          view: s.view,
        },
      };
    }
    // A line joins the rows in order of x; rows without an x are left out.
    const order: number[] = [];
    for (let i = 0; i < this.xs.length; i++) if (Number.isFinite(this.xs[i])) order.push(i);
    order.sort((a, b) => this.xs[a]! - this.xs[b]!);
    this.lineOrder = Uint32Array.from(order);
    const xs = Float64Array.from(order, (i) => this.xs[i]!);
    const ys = this.ys.map((y) => Float64Array.from(order, (i) => y[i]!));
    return {
      edges: null,
      spec: {
        kind: "line",
        axes,
        xs,
        ys,
        selected: null,
        labels: yColumns(s),
        colors: ys.map((_, k) => seriesColor(s, k)),
        view: s.view,
      },
    };
  }

  private async applyStoreSelection(seq: number): Promise<void> {
    const store = this.activeStore;
    const mask = store?.selection ? await store.mask() : null;
    if (seq !== this.loadSeq) return;
    this.showSelection(mask);
  }

  /** Highlights the rows of `mask` (the store's selection; null: none). */
  private showSelection(mask: Uint8Array | null): void {
    this.mask = mask;
    const s = this.state;
    if (this.scatter && s.kind === "scatter") {
      const count = this.scatter.setSelection(mask);
      this._selected = mask ? countSelected(mask) : null;
      this.scatter.draw();
      this.dataset.highlighted = String(mask ? count : 0);
      this.drawn();
    } else if (this.scatter && s.kind === "density") {
      this._selected = mask ? countSelected(mask) : null;
      this.scheduleRebin(0);
    } else if (this.chart && this.chartSpec) {
      this.chartSpec = this.buildChartSpec();
      this.chart.update(this.chartSpec);
      this.dataset.highlighted = String(this._selected ?? 0);
      this.drawn();
    }
  }

  private drawn(): void {
    this.lastDrawnAt = performance.now();
    this.firstDrawnAt ??= this.lastDrawnAt;
    this.renderCount += 1;
    this.dataset.renders = String(this.renderCount);
    this.dataset.ready = "1";
  }

  // -------------------------------------------------------------------------------------------
  // The density view

  private scheduleRebin(ms = REBIN_MS): void {
    if (this.rebinTimer) clearTimeout(this.rebinTimer);
    this.rebinTimer = setTimeout(() => {
      this.rebinTimer = null;
      void this.rebin(this.scatter?.view ?? null, this.loadSeq).catch((error: unknown) => {
        this._error = error instanceof Error ? error.message : String(error);
      });
    }, ms);
  }

  /** Asks the server for the counts in `view` (the whole data when null) and shows them. */
  private async rebin(view: PlotView | null, seq: number): Promise<void> {
    const store = this.activeStore;
    const scatter = this.scatter;
    if (!store || !scatter) return;
    const s = this.state;
    const bins = ++this.densitySeq;
    const frame = scatter.frame();
    const q: DensityQuery = {
      x: s.x,
      y: s.y,
      nx: Math.max(8, Math.min(MAX_BINS_SIDE, Math.round(frame.width / 2))),
      ny: Math.max(8, Math.min(MAX_BINS_SIDE, Math.round(frame.height / 2))),
      xscale: scaleName(s.xlog),
      yscale: scaleName(s.ylog),
      ...(view
        ? {
            xlo: fromAxis(view.x0, s.xlog),
            xhi: fromAxis(view.x1, s.xlog),
            ylo: fromAxis(view.y0, s.ylog),
            yhi: fromAxis(view.y1, s.ylog),
          }
        : {}),
    };
    const withSelection = store.selection !== null;
    const [whole, selected, colors] = await Promise.all([
      store.density(q),
      withSelection ? store.density({ ...q, selection: store.selection }) : Promise.resolve(null),
      fetchColormap(s.cmap),
    ]);
    if (seq !== this.loadSeq || bins !== this.densitySeq) return;
    const palette = packPalette(colors, false);
    const image = this.densityImage(whole.counts, whole.nx, whole.ny, whole.ranges, palette);
    scatter.density = image.image;
    scatter.densitySelected = selected
      ? this.densityImage(
          selected.counts,
          selected.nx,
          selected.ny,
          selected.ranges,
          SELECTED_PALETTE,
        ).image
      : null;
    if (!view) {
      const v = s.view ?? {
        x0: image.image.x0,
        x1: image.image.x1,
        y0: image.image.y0,
        y1: image.image.y1,
      };
      scatter.view = v;
    }
    this._colorbar = { palette, lo: "1", hi: formatValue(image.max), label: "rows a bin (log)" };
    scatter.draw();
    this.dataset.points = String(Math.round(image.total));
    this.dataset.highlighted = String(selected ? Math.round(sum(selected.counts)) : 0);
    this.drawn();
  }

  private densityImage(
    counts: Float32Array,
    nx: number,
    ny: number,
    ranges: { xlo: number; xhi: number; ylo: number; yhi: number },
    palette: Uint32Array,
  ): { image: DensityImage; max: number; total: number } {
    const { pixels, max } = densityPixels(counts, nx, ny, palette);
    const canvas = document.createElement("canvas");
    canvas.width = nx;
    canvas.height = ny;
    const data = new ImageData(nx, ny);
    new Uint32Array(data.data.buffer).set(pixels);
    canvas.getContext("2d")?.putImageData(data, 0, 0);
    // The server's ranges are in the axes' space already (log10 on a log axis).
    return {
      image: { canvas, x0: ranges.xlo, x1: ranges.xhi, y0: ranges.ylo, y1: ranges.yhi },
      max,
      total: sum(counts),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Gestures

  private viewChanged(view: PlotView): void {
    // Saved after the gesture settles: a wheel sends a view a notch.
    if (this.viewTimer) clearTimeout(this.viewTimer);
    this.viewTimer = setTimeout(() => {
      this.viewTimer = null;
      this.state = { ...this.state, view: normalisePlotState({ view }).view };
      this.emitState();
    }, VIEW_STATE_MS);
    if (this.state.kind === "density") this.scheduleRebin();
  }

  /** Applies the state's view (set from outside, or reset) without fetching the data again. */
  private applyView(): void {
    const s = this.state;
    if (this.scatter) {
      if (s.kind === "density") {
        if (s.view) this.scatter.view = s.view;
        this.scheduleRebin(0);
      } else {
        this.scatter.view = s.view ?? fitView(this.xs, this.ys);
      }
      this.scatter.draw();
    } else if (this.chart && this.chartSpec) {
      this.chartSpec = { ...this.chartSpec, view: s.view };
      this.chart.show(this.chartSpec);
    }
  }

  private resetView(): void {
    if (this.state.kind === "density") {
      this.state = { ...this.state, view: null };
      this.emitState();
      void this.rebin(null, this.loadSeq);
      return;
    }
    this.change({ view: null });
  }

  private select(state: SelectionState | null): void {
    this.activeStore?.select(state, this.tileId);
  }

  private selectBox(x0: number, x1: number, y0: number, y1: number): void {
    const s = this.state;
    this.select({
      kind: "box",
      x: s.x,
      y: s.y,
      x0,
      x1,
      y0,
      y1,
      xscale: scaleName(s.xlog),
      yscale: scaleName(s.ylog),
    });
  }

  private selectLasso(points: Vertex[]): void {
    const s = this.state;
    const frame = this.scatter?.frame();
    if (!frame) return;
    // Simplified in pixels (where "2 apart" means something), sent in axis space.
    const pixels = simplifyPath(points.map(([x, y]) => [frame.xToPx(x), frame.yToPx(y)]));
    if (pixels.length < 3) return;
    this.select({
      kind: "lasso",
      x: s.x,
      y: s.y,
      points: pixels.map(([px, py]) => [frame.pxToX(px), frame.pxToY(py)]),
      xscale: scaleName(s.xlog),
      yscale: scaleName(s.ylog),
    });
  }

  private setGesture(gesture: Gesture): void {
    this._gesture = gesture;
    if (this.scatter) this.scatter.mode = gesture;
  }

  // -------------------------------------------------------------------------------------------
  // Hover

  private rowValues(row: number, series: number): [string, string][] {
    const s = this.state;
    const values: [string, string][] = [["row", String(row)]];
    const names = [
      s.x,
      s.kind === "scatter" || s.kind === "line" ? yColumns(s)[series] : undefined,
      s.color,
    ];
    for (const name of names) {
      if (!name) continue;
      const v = this.held.get(name)?.[row];
      if (v !== undefined) values.push([name, formatValue(Number.isNaN(v) ? null : v)]);
    }
    return values;
  }

  private showHover(hit: Hit | null): void {
    this._hover = hit
      ? {
          row: hit.row,
          px: hit.px,
          py: hit.py,
          values: this.rowValues(hit.row, hit.series),
        }
      : null;
  }

  private showChartHover(index: number | null): void {
    const s = this.state;
    if (index === null || !this.chartSpec) {
      this._hover = null;
      return;
    }
    if (s.kind === "histogram") {
      const spec = this.chartSpec;
      const half = spec.xs.length > 1 ? (spec.xs[1]! - spec.xs[0]!) / 2 : 0;
      const at = spec.xs[index] ?? NaN;
      this._hover = {
        row: -1,
        px: 0,
        py: 0,
        values: [
          [
            s.x,
            `${formatValue(fromAxis(at - half, s.xlog))} – ${formatValue(fromAxis(at + half, s.xlog))}`,
          ],
          ["rows", String(spec.ys[0]?.[index] ?? 0)],
          ...(spec.selected
            ? [["selected", String(spec.selected[0]?.[index] ?? 0)] as [string, string]]
            : []),
        ],
      };
      return;
    }
    const row = this.lineOrder[index];
    this._hover = row === undefined ? null : { row, px: 0, py: 0, values: this.rowValues(row, 0) };
  }

  // -------------------------------------------------------------------------------------------
  // Rendering

  private paintColorbar(): void {
    const canvas = this.querySelector<HTMLCanvasElement>("canvas.plot-colorbar-canvas");
    const bar = this._colorbar;
    if (!canvas || !bar || this.paintedBar === bar) return;
    this.paintedBar = bar;
    canvas.width = 1;
    canvas.height = bar.palette.length;
    const image = new ImageData(1, bar.palette.length);
    const words = new Uint32Array(image.data.buffer);
    // The highest value at the top.
    for (let i = 0; i < bar.palette.length; i++)
      words[i] = bar.palette[bar.palette.length - 1 - i] ?? 0;
    canvas.getContext("2d")?.putImageData(image, 0, 0);
  }

  private columnOptions(current: string, allowNone = false): TemplateResult[] {
    const names = (this._description?.columns ?? []).filter(isPlottable).map((c) => c.name);
    // An expression or a column the description lost stays choosable.
    if (current && !names.includes(current)) names.unshift(current);
    const options = names.map(
      (n) => html`<option value=${n} ?selected=${n === current}>${n}</option>`,
    );
    return allowNone
      ? [html`<option value="" ?selected=${!current}>—</option>`, ...options]
      : options;
  }

  private check(label: string, key: "xlog" | "ylog" | "xreverse" | "yreverse"): TemplateResult {
    return html`<label class="field check"
      ><input
        type="checkbox"
        data-testid=${`plot-${key}`}
        .checked=${this.state[key]}
        @change=${(e: Event) => this.change({ [key]: (e.target as HTMLInputElement).checked, view: null })}
      /><span>${label}</span></label
    >`;
  }

  private toolbar(): TemplateResult {
    const s = this.state;
    const points = s.kind === "scatter" || s.kind === "density";
    const ys = yColumns(s);
    return html`<div class="plot-toolbar">
      <select
        data-testid="plot-kind"
        title="Kind of plot"
        @change=${(e: Event) =>
          this.change({
            kind: (e.target as HTMLSelectElement).value as PlotState["kind"],
            view: null,
          })}
      >
        ${PLOT_KINDS.map((k) => html`<option value=${k} ?selected=${k === s.kind}>${k}</option>`)}
      </select>
      <label class="field"
        ><span>x</span
        ><select
          data-testid="plot-x"
          @change=${(e: Event) => this.changeX((e.target as HTMLSelectElement).value)}
        >
          ${this.columnOptions(s.x)}
        </select></label
      >
      ${
        s.kind === "histogram"
          ? html`<label class="field"
            ><span>bins</span
            ><input
              class="num"
              type="number"
              min="2"
              max="1000"
              data-testid="plot-bins"
              .value=${String(s.bins)}
              @change=${(e: Event) => this.change({ bins: Number((e.target as HTMLInputElement).value) })}
          /></label>`
          : html`<label class="field"
              ><span>y</span
              ><select
                data-testid="plot-y"
                @change=${(e: Event) => this.change({ y: (e.target as HTMLSelectElement).value, view: null })}
              >
                ${this.columnOptions(s.y)}
              </select></label
            >
            ${s.series.map(
              (series, i) =>
                html`<span class="plot-series" data-testid="plot-series"
                  >${series.y}<button
                    class="icon-button"
                    title="Remove this series"
                    @click=${() => this.change({ series: s.series.filter((_, k) => k !== i), view: null })}
                  >
                    ×
                  </button></span
                >`,
            )}
            ${
              s.kind !== "density" && ys.length < MAX_SERIES
                ? html`<select
                  data-testid="plot-add-series"
                  title="Another y column on the same chart"
                  @change=${(e: Event) => {
                    const select = e.target as HTMLSelectElement;
                    const y = select.value;
                    select.value = "";
                    if (y) this.change({ series: [...s.series, { y }], view: null });
                  }}
                >
                  <option value="" selected>+ y</option>
                  ${this.columnOptions("").slice(0)}
                </select>`
                : nothing
            }`
      }
      ${this.check("log x", "xlog")}${s.kind !== "histogram" ? this.check("log y", "ylog") : nothing}
      ${this.check("x ↔", "xreverse")}${this.check("y ↕", "yreverse")}
      ${
        s.kind === "scatter"
          ? html`<label class="field"
              ><span>colour</span
              ><select
                data-testid="plot-color"
                @change=${(e: Event) => this.change({ color: (e.target as HTMLSelectElement).value || null })}
              >
                ${this.columnOptions(s.color ?? "", true)}
              </select></label
            >
            <label class="field"
              ><span>size</span
              ><input
                class="num small"
                type="number"
                min="1"
                max="32"
                data-testid="plot-size"
                .value=${String(s.size)}
                @change=${(e: Event) => this.change({ size: Number((e.target as HTMLInputElement).value) })}
            /></label>
            <select
              data-testid="plot-shape"
              title="Marker shape"
              @change=${(e: Event) =>
                this.change({ shape: (e.target as HTMLSelectElement).value as PlotState["shape"] })}
            >
              ${MARKER_SHAPES.map((k) => html`<option value=${k} ?selected=${k === s.shape}>${k}</option>`)}
            </select>`
          : nothing
      }
      ${
        (s.kind === "scatter" && s.color) || s.kind === "density"
          ? html`<select
            data-testid="plot-cmap"
            title="Colormap"
            @change=${(e: Event) => this.change({ cmap: (e.target as HTMLSelectElement).value })}
          >
            ${(COLORMAPS.includes(s.cmap) ? COLORMAPS : [s.cmap, ...COLORMAPS]).map(
              (c) => html`<option value=${c} ?selected=${c === s.cmap}>${c}</option>`,
            )}
          </select>`
          : nothing
      }
      <span class="toolbar-spacer"></span>
      ${
        points
          ? (["pan", "box", "lasso"] as const).map(
              (g) =>
                html`<button
                class=${g === this._gesture ? "active" : ""}
                data-testid=${`plot-${g}`}
                title=${g === "pan" ? "Drag to pan, wheel to zoom" : `Drag a ${g} to select rows`}
                @click=${() => this.setGesture(g)}
              >
                ${g}
              </button>`,
            )
          : nothing
      }
      <button data-testid="plot-fit" title="Show all the data (or double-click)" @click=${() => this.resetView()}>
        fit
      </button>
      ${
        this.activeStore?.selection
          ? html`<button data-testid="plot-clear" title="Select nothing" @click=${() => this.select(null)}>
            clear
          </button>`
          : nothing
      }
    </div>`;
  }

  private statusLine(): TemplateResult {
    const d = this._description;
    const rows = d ? `${d.rows.toLocaleString("en")} rows` : "";
    const selected =
      this._selected !== null ? ` · ${this._selected.toLocaleString("en")} selected` : "";
    const hint =
      d && this.state.kind === "scatter" && d.rows > 200_000
        ? " · the density view draws this faster"
        : "";
    return html`<div class="plot-status" data-testid="plot-status">
      ${this._busy ? "loading… " : ""}${rows}${selected}${hint}
    </div>`;
  }

  override render(): TemplateResult {
    const hover = this._hover;
    const bar = this._colorbar;
    return html`${this.toolbar()}
      ${
        this._error
          ? html`<div class="plot-error" data-testid="plot-error">${this._error}</div>`
          : nothing
      }
      <div class="plot-body">
        <div class="plot-area" data-testid="plot-area">
          ${
            hover
              ? html`<div
                class="plot-hover ${hover.row < 0 || this.state.kind === "line" ? "docked" : ""}"
                data-testid="plot-hover"
                data-row=${hover.row}
                ${ref(placeAt(hover.px + 72, hover.py + 14))}
              >
                ${hover.values.map(([k, v]) => html`<div><span>${k}</span> ${v}</div>`)}
              </div>`
              : nothing
          }
        </div>
        ${
          bar
            ? html`<div class="plot-colorbar" data-testid="plot-colorbar">
              <span class="plot-colorbar-hi">${bar.hi}</span>
              <canvas class="plot-colorbar-canvas"></canvas>
              <span class="plot-colorbar-lo">${bar.lo}</span>
              <span class="plot-colorbar-label">${bar.label}</span>
            </div>`
            : nothing
        }
      </div>
      ${this.statusLine()}`;
  }
}

/** Selected rows of a density view: orange (viridis ends in yellow), more opaque where more rows are. */
const SELECTED_PALETTE = Uint32Array.from({ length: 255 }, (_, i) => {
  const alpha = Math.round(90 + (165 * i) / 254);
  return ((alpha << 24) | (28 << 16) | (159 << 8) | 255) >>> 0;
});

function sum(values: Float32Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] ?? 0;
  return total;
}

customElements.define("toyz-plot", ToyzPlot);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-plot": ToyzPlot;
  }
}
