// Line and histogram charts with uPlot. Data arrive in axis space (log10 on a log axis), so uPlot's
// scales stay linear and the ticks are ours (`axisTicks`), the same as the scatter plot's.
import uPlot, { type AlignedData, type Options } from "uplot";
import "uplot/dist/uPlot.min.css";

import { axisTicks, type PlotView } from "./axes";
import type { AxesSpec } from "./scatter";

const SELECTED = "#ffcc4d";
const MUTED = "#8d96a3";
const GRID = "rgba(255, 255, 255, 0.07)";

export interface ChartSpec {
  kind: "line" | "histogram";
  axes: AxesSpec;
  /** x in axis space, ascending. */
  xs: Float64Array;
  /** One array a series, aligned with xs (NaN for none). */
  ys: Float64Array[];
  /** The selected part of each series (NaN where not selected), or null with no selection. */
  selected: Float64Array[] | null;
  labels: string[];
  colors: string[];
  view: PlotView | null;
}

export interface ChartCallbacks {
  hover(index: number | null): void;
  view(view: PlotView): void;
}

function nullable(values: Float64Array): (number | null)[] {
  return Array.from(values, (v) => (Number.isFinite(v) ? v : null));
}

/** uPlot's data: x, then the series, then their selected parts. */
export function chartData(spec: ChartSpec): AlignedData {
  const data: (number | null)[][] = [Array.from(spec.xs)];
  for (const y of spec.ys) data.push(nullable(y));
  for (let i = 0; i < spec.ys.length; i++) {
    const s = spec.selected?.[i];
    data.push(s ? nullable(s) : new Array<number | null>(spec.xs.length).fill(null));
  }
  return data as AlignedData;
}

function axis(label: string, log: boolean): uPlot.Axis {
  return {
    label,
    stroke: MUTED,
    grid: { stroke: GRID, width: 1 },
    ticks: { stroke: GRID, width: 1 },
    font: "11px system-ui, sans-serif",
    labelFont: "12px system-ui, sans-serif",
    splits: (u, axisIndex) => {
      const scale = u.scales[axisIndex === 0 ? "x" : "y"];
      return axisTicks(scale?.min ?? 0, scale?.max ?? 1, log).map((t) => t.at);
    },
    values: (u, splits, axisIndex) => {
      const scale = u.scales[axisIndex === 0 ? "x" : "y"];
      const ticks = axisTicks(scale?.min ?? 0, scale?.max ?? 1, log);
      return splits.map((s) => ticks.find((t) => t.at === s)?.label ?? "");
    },
  };
}

export function chartOptions(
  spec: ChartSpec,
  width: number,
  height: number,
  on: ChartCallbacks,
): Options {
  const bars = spec.kind === "histogram" ? uPlot.paths.bars?.({ size: [1, Infinity] }) : undefined;
  const series: uPlot.Series[] = [{ label: spec.axes.xlabel }];
  spec.ys.forEach((_, i) => {
    const color = spec.colors[i] ?? MUTED;
    series.push(
      spec.kind === "histogram"
        ? {
            label: spec.labels[i] ?? "",
            stroke: color,
            fill: `${color}88`,
            paths: bars,
            points: { show: false },
          }
        : {
            label: spec.labels[i] ?? "",
            stroke: color,
            width: 1.5,
            points: { show: false },
            spanGaps: false,
          },
    );
  });
  spec.ys.forEach((_, i) => {
    series.push(
      spec.kind === "histogram"
        ? {
            label: `${spec.labels[i] ?? ""} (selected)`,
            stroke: SELECTED,
            fill: SELECTED,
            paths: bars,
            points: { show: false },
          }
        : {
            label: `${spec.labels[i] ?? ""} (selected)`,
            stroke: SELECTED,
            // Selected rows as dots on the line, no line of their own.
            paths: () => null,
            points: { show: true, size: 5, fill: SELECTED, stroke: SELECTED },
          },
    );
  });
  const view = spec.view;
  return {
    width,
    height,
    series,
    legend: { show: false },
    scales: {
      x: {
        time: false,
        dir: spec.axes.xreverse ? -1 : 1,
        ...(view ? { range: (): uPlot.Range.MinMax => [view.x0, view.x1] } : {}),
      },
      y: {
        dir: spec.axes.yreverse ? -1 : 1,
        ...(view && spec.kind === "line"
          ? { range: (): uPlot.Range.MinMax => [view.y0, view.y1] }
          : {}),
      },
    },
    axes: [
      axis(spec.axes.xlabel, spec.axes.xlog),
      axis(spec.axes.ylabel, spec.kind === "line" && spec.axes.ylog),
    ],
    cursor: { drag: { x: true, y: false } },
    hooks: {
      setCursor: [(u) => on.hover(u.cursor.idx ?? null)],
      setSelect: [
        (u) => {
          // A drag zooms the x axis (uPlot's own): report the new view.
          if (u.select.width < 2) return;
          const x0 = u.posToVal(u.select.left, "x");
          const x1 = u.posToVal(u.select.left + u.select.width, "x");
          const y = u.scales.y;
          on.view({ x0: Math.min(x0, x1), x1: Math.max(x0, x1), y0: y?.min ?? 0, y1: y?.max ?? 1 });
        },
      ],
    },
  };
}

/** A uPlot chart in `host`, resized with it. */
export class Chart {
  private plot: uPlot | null = null;
  private readonly resizeObserver: ResizeObserver;

  constructor(
    private readonly host: HTMLElement,
    private readonly on: ChartCallbacks,
  ) {
    this.resizeObserver = new ResizeObserver(() => {
      this.plot?.setSize(this.size());
    });
    this.resizeObserver.observe(host);
  }

  private size(): { width: number; height: number } {
    return {
      width: Math.max(50, this.host.clientWidth),
      height: Math.max(50, this.host.clientHeight),
    };
  }

  show(spec: ChartSpec): void {
    this.plot?.destroy();
    const { width, height } = this.size();
    this.plot = new uPlot(chartOptions(spec, width, height, this.on), chartData(spec), this.host);
  }

  /** New selected parts of the series. The chart is made again: uPlot draws nothing for a series
   * that had no values when it was made. The view comes with the spec (the state's). */
  update(spec: ChartSpec): void {
    this.show(spec);
  }

  get canvas(): HTMLCanvasElement | null {
    return this.plot?.ctx.canvas ?? null;
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }
}
