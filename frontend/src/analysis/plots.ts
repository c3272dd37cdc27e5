// The analysis panel's small plots: line plots and histograms with uPlot (as frontend/src/plots/
// chart.ts), and a fit's data, model and residual stamps drawn as greyscale canvases.
import uPlot, { type AlignedData } from "uplot";
import "uplot/dist/uPlot.min.css";

import type { Stamp } from "./results";

const MUTED = "#8d96a3";
const GRID = "rgba(255, 255, 255, 0.07)";

export interface SeriesSpec {
  label: string;
  color: string;
  /** Dots at the values (measured data) rather than a line (a model). */
  points?: boolean;
  bars?: boolean;
  dash?: number[];
}

export interface LinePlotSpec {
  xlabel: string;
  ylabel: string;
  /** x, then one array a series (null: no value). */
  data: (number | null)[][];
  series: SeriesSpec[];
  height?: number;
}

function axis(label: string): uPlot.Axis {
  return {
    label,
    stroke: MUTED,
    grid: { stroke: GRID, width: 1 },
    ticks: { stroke: GRID, width: 1 },
    font: "10px system-ui, sans-serif",
    labelFont: "11px system-ui, sans-serif",
    size: 42,
    labelSize: 16,
  };
}

/** A plot in `host`, resized with it; `dispose` with the returned function. */
export function linePlot(host: HTMLElement, spec: LinePlotSpec): () => void {
  const height = spec.height ?? 170;
  const width = (): number => Math.max(120, host.clientWidth);
  const bars = uPlot.paths.bars?.({ size: [1, Infinity] });
  const series: uPlot.Series[] = [{ label: spec.xlabel }];
  for (const s of spec.series) {
    series.push(
      s.bars
        ? {
            label: s.label,
            stroke: s.color,
            fill: `${s.color}88`,
            paths: bars,
            points: { show: false },
          }
        : s.points
          ? {
              label: s.label,
              stroke: s.color,
              paths: () => null,
              points: { show: true, size: 4, fill: s.color, stroke: s.color },
            }
          : {
              label: s.label,
              stroke: s.color,
              width: 1.5,
              spanGaps: true,
              points: { show: false },
              ...(s.dash ? { dash: s.dash } : {}),
            },
    );
  }
  const plot = new uPlot(
    {
      width: width(),
      height,
      series,
      legend: { show: spec.series.length > 1, live: false },
      scales: { x: { time: false } },
      axes: [axis(spec.xlabel), axis(spec.ylabel)],
      cursor: { drag: { x: true, y: false } },
    },
    spec.data as AlignedData,
    host,
  );
  const observer = new ResizeObserver(() => plot.setSize({ width: width(), height }));
  observer.observe(host);
  return () => {
    observer.disconnect();
    plot.destroy();
  };
}

/** Paints a stamp's `which` image into `canvas`: data and model on one square-root scale, the residual linear and symmetric about 0. */
export function drawStamp(
  canvas: HTMLCanvasElement,
  stamp: Stamp,
  which: "data" | "model" | "residual",
): void {
  const { width, height } = stamp;
  if (width <= 0 || height <= 0) return;
  const values = stamp[which];
  let lo: number;
  let hi: number;
  if (which === "residual") {
    const m = Math.max(
      1e-30,
      ...values.map((v) => (v === null || !Number.isFinite(v) ? 0 : Math.abs(v))),
    );
    [lo, hi] = [-m, m];
  } else {
    const all = [...stamp.data, ...stamp.model].filter(
      (v): v is number => v !== null && Number.isFinite(v),
    );
    lo = all.length ? Math.min(...all) : 0;
    hi = all.length ? Math.max(...all) : 1;
    if (hi <= lo) hi = lo + 1;
  }
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const image = ctx.createImageData(width, height);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const v = values[j * width + i];
      // Row 0 is the bottom of the stamp (y up): the canvas's last row.
      const o = ((height - 1 - j) * width + i) * 4;
      if (v === null || v === undefined || !Number.isFinite(v)) {
        image.data[o] = 60;
        image.data[o + 1] = 20;
        image.data[o + 2] = 20;
      } else {
        const t = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
        // A square-root stretch shows a star's wings beside its peak; the residual stays linear.
        const g = Math.round(255 * (which === "residual" ? t : Math.sqrt(t)));
        image.data[o] = g;
        image.data[o + 1] = g;
        image.data[o + 2] = g;
      }
      image.data[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
}
