import { describe, expect, it } from "vitest";

import {
  Frame,
  axisLabel,
  axisTicks,
  colorLimits,
  fitView,
  formatPower,
  fromAxis,
  isPlottable,
  padRange,
  panView,
  toAxis,
  zoomView,
} from "../src/plots/axes";
import { binCentres, densityPixels, histogram } from "../src/plots/binning";
import {
  boxMask,
  countSelected,
  insidePolygon,
  lassoMask,
  simplifyPath,
} from "../src/plots/geometry";
import {
  DEFAULT_STATE,
  firstPlot,
  normalisePlotState,
  seriesColor,
  yColumns,
  type PlotState,
} from "../src/plots/state";
import type { ColumnInfo } from "../src/sources/types";

const column = (over: Partial<ColumnInfo>): ColumnInfo => ({
  name: "flux",
  kind: "float",
  dtype: "float64",
  unit: null,
  ucd: null,
  description: null,
  shape: [],
  ...over,
});

describe("axis space", () => {
  it("takes log10 on a log axis and drops what has no logarithm", () => {
    const out = toAxis([100, 1, 0, -5, NaN, Infinity, 0.001], true);
    expect(Array.from(out)).toEqual([2, 0, NaN, NaN, NaN, NaN, -3]);
    expect(fromAxis(2, true)).toBe(100);
  });

  it("keeps linear values and turns non-finite ones into NaN", () => {
    expect(Array.from(toAxis(Int32Array.from([3, -4]), false))).toEqual([3, -4]);
    expect(Array.from(toAxis([-Infinity], false))).toEqual([NaN]);
  });

  it("fits a view around every series with a margin, and gives a lone value a span", () => {
    const view = fitView(Float64Array.from([0, 10]), [
      Float64Array.from([5, 6]),
      Float64Array.from([-4, NaN]),
    ]);
    expect(view.x0).toBeCloseTo(-0.4);
    expect(view.x1).toBeCloseTo(10.4);
    expect(view.y0).toBeCloseTo(-4.4);
    expect(view.y1).toBeCloseTo(6.4);
    expect(padRange([3, 3])).toEqual([2.85, 3.15]);
    expect(padRange(null)).toEqual([0, 1]);
  });

  it("maps a reversed axis the other way round, and back", () => {
    const view = { x0: 0, x1: 10, y0: 14, y1: 24 };
    const plain = new Frame(view, 100, 50, false, false);
    const reversed = new Frame(view, 100, 50, true, true);
    expect(plain.xToPx(0)).toBe(0);
    expect(reversed.xToPx(0)).toBe(100);
    // A magnitude axis runs downward when reversed: the faint end (24) at the bottom.
    expect(plain.yToPx(24)).toBe(0);
    expect(reversed.yToPx(24)).toBe(50);
    for (const f of [plain, reversed]) {
      expect(f.pxToX(f.xToPx(3.7))).toBeCloseTo(3.7);
      expect(f.pxToY(f.yToPx(17.2))).toBeCloseTo(17.2);
    }
  });

  it("zooms about a point that stays put, and pans", () => {
    const view = zoomView({ x0: 0, x1: 10, y0: 0, y1: 10 }, 0.5, 2, 8);
    expect(view).toEqual({ x0: 1, x1: 6, y0: 4, y1: 9 });
    expect(panView(view, 1, -1)).toEqual({ x0: 2, x1: 7, y0: 3, y1: 8 });
  });

  it("puts colour limits at the percentiles so that a few extreme rows do not wash out the rest", () => {
    const values = new Float64Array(1000).map((_, i) => i);
    values[999] = 1e9;
    const [lo, hi] = colorLimits(values);
    expect(lo).toBeLessThan(10);
    expect(hi).toBeLessThan(1000);
    expect(colorLimits([NaN])).toEqual([0, 1]);
  });
});

describe("ticks", () => {
  it("gives round values on a linear axis, in either order", () => {
    const ticks = axisTicks(0, 1, false, 5);
    expect(ticks.map((t) => t.at)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(axisTicks(1, 0, false, 5)).toEqual(ticks);
    expect(axisTicks(1, 1, false)).toEqual([]);
  });

  it("gives powers of ten on a log axis of several decades", () => {
    const ticks = axisTicks(-0.5, 3.2, true, 6);
    expect(ticks.map((t) => t.at)).toEqual([0, 1, 2, 3]);
    expect(ticks.map((t) => t.label)).toEqual(["1", "10", "100", "1000"]);
    expect(formatPower(6)).toBe("10⁶");
    expect(formatPower(-5)).toBe("10⁻⁵");
    // Many decades: every n-th.
    expect(axisTicks(0, 20, true, 5).length).toBeLessThanOrEqual(6);
  });

  it("gives round data values at their log10 on a log axis narrower than a decade", () => {
    const ticks = axisTicks(Math.log10(2), Math.log10(5), true, 4);
    expect(ticks.map((t) => t.label)).toEqual(["2", "3", "4", "5"]);
    expect(ticks[1]?.at).toBeCloseTo(Math.log10(3));
  });

  it("labels an axis with the column's unit", () => {
    expect(axisLabel("flux", column({ unit: "mJy" }), false)).toBe("flux [mJy]");
    expect(axisLabel("flux", column({}), true)).toBe("log flux");
    expect(axisLabel("g - r", undefined, false)).toBe("g - r");
  });

  it("plots numbers, not text or vectors", () => {
    expect(isPlottable(column({}))).toBe(true);
    expect(isPlottable(column({ kind: "string" }))).toBe(false);
    expect(isPlottable(column({ shape: [3] }))).toBe(false);
  });
});

describe("binning", () => {
  it("counts each value once, the upper edge in the last bin, NaN and outsiders nowhere", () => {
    const h = histogram([0, 0.5, 1, 1.99, 2, NaN, 3, -1], 2, 0, 2);
    expect(Array.from(h.edges)).toEqual([0, 1, 2]);
    expect(Array.from(h.counts)).toEqual([2, 3]);
    expect(Array.from(binCentres(h.edges))).toEqual([0.5, 1.5]);
  });

  it("counts only the selected rows with a mask", () => {
    const h = histogram([0, 0.5, 1, 1.5], 2, 0, 2, Uint8Array.from([1, 0, 0, 1]));
    expect(Array.from(h.counts)).toEqual([1, 1]);
  });

  it("puts a column of one value in one bin", () => {
    expect(Array.from(histogram([4, 4, 4], 3, 4, 4).counts)).toEqual([3, 0, 0]);
  });

  it("draws density counts on a log scale, highest y on the first row, empty bins transparent", () => {
    const palette = Uint32Array.from({ length: 255 }, (_, i) => i + 1);
    // 2 × 2 bins, row 0 = lowest y: [1, 0] then [0, 99].
    const { pixels, max } = densityPixels(Float32Array.from([1, 0, 0, 99]), 2, 2, palette);
    expect(max).toBe(99);
    expect(pixels[1]).toBe(255); // the highest count, top right
    expect(pixels[0]).toBe(0);
    expect(pixels[3]).toBe(0);
    // log(2) / log(100) of the way up the palette.
    expect(pixels[2]).toBe(1 + Math.round((Math.log1p(1) / Math.log1p(99)) * 254));
  });
});

describe("lasso and box", () => {
  const square: [number, number][] = [
    [0, 0],
    [2, 0],
    [2, 2],
    [0, 2],
  ];

  it("finds the rows inside a polygon, NaN never", () => {
    expect(insidePolygon(1, 1, square)).toBe(true);
    expect(insidePolygon(3, 1, square)).toBe(false);
    const mask = lassoMask([1, 3, NaN, 0.5], [1, 1, 1, 1.9], square);
    expect(Array.from(mask)).toEqual([1, 0, 0, 1]);
    expect(countSelected(mask)).toBe(2);
    expect(countSelected(null)).toBe(0);
  });

  it("finds the rows in a closed box", () => {
    expect(Array.from(boxMask([0, 1, 2, NaN], [0, 1, 2, 1], 1, 2, 1, 2))).toEqual([0, 1, 1, 0]);
  });

  it("keeps a lasso path within the 2000 vertices of the selection state", () => {
    const many = Array.from({ length: 10_000 }, (_, i): [number, number] => [i * 3, 0]);
    expect(simplifyPath(many).length).toBe(2000);
    const jitter: [number, number][] = [
      [0, 0],
      [0.5, 0],
      [1, 0],
      [3, 0],
    ];
    expect(simplifyPath(jitter)).toEqual([
      [0, 0],
      [3, 0],
    ]);
  });
});

describe("plot state", () => {
  const full: PlotState = {
    source: "s1",
    kind: "histogram",
    x: "g - r",
    y: "mag",
    color: "flux",
    cmap: "magma",
    size: 5,
    shape: "diamond",
    xlog: true,
    ylog: false,
    xreverse: false,
    yreverse: true,
    series: [{ y: "r" }, { y: "i", color: "#ff0000" }],
    bins: 80,
    view: { x0: -1, x1: 2, y0: 14, y1: 24 },
  };

  it("comes back whole from its JSON", () => {
    expect(normalisePlotState(JSON.parse(JSON.stringify(full)))).toEqual(full);
  });

  it("takes defaults for what is missing or bad", () => {
    expect(normalisePlotState(null)).toEqual(DEFAULT_STATE);
    const odd = normalisePlotState({
      kind: "pie",
      shape: "star",
      size: 1000,
      bins: -3,
      cmap: "<script>",
      view: { x0: 2, x1: 1, y0: 0, y1: 1 },
      series: [{ y: "" }, "x", { y: "b", color: "red;" }],
      xlog: "yes",
    });
    expect(odd.kind).toBe("scatter");
    expect(odd.shape).toBe("circle");
    expect(odd.size).toBe(32);
    expect(odd.bins).toBe(2);
    expect(odd.cmap).toBe("viridis");
    expect(odd.view).toBeNull();
    expect(odd.series).toEqual([{ y: "b" }]);
    expect(odd.xlog).toBe(false);
  });

  it("lists y then the series, each in its colour", () => {
    expect(yColumns(full)).toEqual(["mag", "r", "i"]);
    expect(seriesColor(full, 0)).toBe("#1f77b4");
    expect(seriesColor(full, 2)).toBe("#ff0000");
  });

  it("opens a large source as a density view", () => {
    expect(firstPlot("s", ["a", "b", "c"], 1000).kind).toBe("scatter");
    const big = firstPlot("s", ["a", "b"], 300_000);
    expect([big.kind, big.x, big.y]).toEqual(["density", "a", "b"]);
  });
});
