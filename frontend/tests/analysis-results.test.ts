import { describe, expect, it } from "vitest";

import { keyAction } from "../src/analysis/keys";
import {
  ccdRows,
  columnCut,
  cursorBox,
  gaussianAt,
  histogramBars,
  moffatAt,
  photometryRows,
  profileRows,
  profileSeries,
  rowCut,
  statsRows,
  type ProfileResult,
  type StatsResult,
} from "../src/analysis/results";
import { heightRange, projectSurface } from "../src/analysis/surface";

const STATS: StatsResult = {
  count: 441,
  sum: 1234.5,
  mean: 2.8,
  median: 2.5,
  std: 0.25,
  min: 1,
  max: 99.5,
  nan: 3,
  centroid: { x: 100.0, y: 50.5, ra: 150.123456789, dec: -2.5 },
  per_ccd: [
    { ccd: 4, name: "N4", count: 200, nan: 0, mean: 2.1, median: 2, std: 0.1, min: 1, max: 3 },
    {
      ccd: 5,
      name: "N5",
      count: 241,
      nan: 3,
      mean: null,
      median: null,
      std: null,
      min: null,
      max: null,
    },
  ],
  note: "The region spans the gap between N4 and N5: measured per CCD.",
};

function row(rows: [string, string][], label: string): string | undefined {
  return rows.find(([l]) => l === label)?.[1];
}

describe("the statistics table", () => {
  it("words every figure and the centroid as 1-based FITS pixels", () => {
    const rows = statsRows(STATS);
    expect(row(rows, "Pixels")).toBe("441");
    expect(row(rows, "Std dev")).toBe("0.25");
    expect(row(rows, "Blank (NaN)")).toBe("3");
    // Viewer 100.0 is the left edge of FITS pixel 101, which is centred at 100.5 + 0.5.
    expect(row(rows, "Centroid")).toBe("100.50, 51.00");
    expect(row(rows, "RA")).toBe("150.123457°");
  });

  it("has one row a CCD, a dash where a CCD has no value", () => {
    expect(ccdRows(STATS)).toEqual([
      ["N4", "200", "2.1", "2", "0.1", "1", "3"],
      ["N5", "241", "—", "—", "—", "—", "—"],
    ]);
  });

  it("has no sky rows without a WCS", () => {
    const rows = statsRows({ ...STATS, centroid: { x: 1, y: 2, ra: null, dec: null } });
    expect(row(rows, "Centroid")).toBe("1.50, 2.50");
    expect(row(rows, "RA")).toBeUndefined();
  });
});

describe("the photometry table", () => {
  it("gives the flux with its error and the magnitude to 3 decimals", () => {
    const rows = photometryRows({
      x: 49.5,
      y: 59.5,
      flux: 10000.123,
      flux_err: 12.5,
      background: 100,
      area: 78.54,
      annulus_area: 392.7,
      snr: 800.04,
      mag_inst: -10.00001,
      background_std: 1.25,
      ra: null,
      dec: null,
      note: "",
    });
    expect(row(rows, "Centre")).toBe("50.00, 60.00");
    expect(row(rows, "Flux")).toBe("10000.1 ± 12.5");
    expect(row(rows, "Background / px")).toBe("100 ± 1.25");
    expect(row(rows, "S/N")).toBe("800.0");
    expect(row(rows, "Instrumental mag")).toBe("-10.000");
  });
});

const PROFILE: ProfileResult = {
  x: 50,
  y: 60,
  ra: null,
  dec: null,
  background: 10,
  pixel_scale: 0.26,
  radii: [0.5, 1.5, 2.5, 3.5],
  values: [1000, 800, 500, 200],
  growth_radii: [1, 2],
  growth_flux: [10, 20],
  gaussian: {
    fwhm: 3,
    fwhm_arcsec: 0.78,
    amplitude: 1000,
    background: 10,
    ellipticity: 0.05,
    theta: 30,
    residual_rms: 1.5,
    ok: true,
    flux: 1e4,
    fwhm_major: 3.1,
    fwhm_minor: 2.9,
    x: 50,
    y: 60,
  },
  moffat: {
    fwhm: 3.1,
    fwhm_arcsec: null,
    alpha: 2,
    beta: 2.5,
    ok: true,
    amplitude: null,
    background: null,
    ellipticity: null,
    theta: null,
    flux: null,
    residual_rms: null,
    x: null,
    y: null,
  },
  stamp: { x0: 0, y0: 0, width: 0, height: 0, data: [], model: [], residual: [], fit: "gaussian" },
};

describe("the radial profile", () => {
  it("gives the FWHM in pixels and arcseconds", () => {
    const rows = profileRows(PROFILE);
    expect(row(rows, "FWHM (Gaussian)")).toBe("3.00 px (0.78″)");
    expect(row(rows, "FWHM (Moffat)")).toBe("3.10 px");
    expect(row(rows, "Ellipticity")).toBe("0.050");
  });

  it("says when a fit failed", () => {
    const rows = profileRows({ ...PROFILE, gaussian: { ...PROFILE.gaussian, ok: false } });
    expect(row(rows, "FWHM (Gaussian)")).toBe("no fit");
    expect(row(rows, "Ellipticity")).toBeUndefined();
  });

  it("draws a Gaussian that is half its peak at half the FWHM", () => {
    const g = PROFILE.gaussian;
    expect(gaussianAt(g, 0)).toBeCloseTo(1010, 9);
    expect(gaussianAt(g, 1.5) - 10).toBeCloseTo(500, 9);
  });

  it("draws a Moffat with the Gaussian's peak and background when it has none of its own", () => {
    const m = PROFILE.moffat;
    expect(moffatAt(m, 0, PROFILE.gaussian)).toBeCloseTo(1010, 9);
    expect(moffatAt(m, 2, PROFILE.gaussian)).toBeCloseTo(10 + 1000 * 2 ** -2.5, 9);
  });

  it("aligns the measured points with the fit curves on one x axis", () => {
    const [xs, measured, gauss, moffat] = profileSeries(PROFILE, 7);
    expect(xs).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    expect(measured).toEqual([null, 1000, null, 800, null, 500, null, 200]);
    expect(gauss?.[0]).toBeCloseTo(1010, 9);
    expect(moffat?.every((v) => v !== null)).toBe(true);
  });
});

describe("the histogram", () => {
  it("puts each bar at its bin's centre", () => {
    const h = { edges: [0, 1, 2, 4], counts: [5, 6, 7], log_counts: [], nan: 0, note: "" };
    expect(histogramBars(h)).toEqual({
      centres: [0.5, 1.5, 3],
      counts: [5, 6, 7],
    });
  });
});

describe("where a key measures", () => {
  it("takes an odd box of whole pixels centred on the pixel under the pointer", () => {
    const box = cursorBox(10.2, 20.9, 20);
    expect(box.shape).toBe("box");
    expect(box.frame).toBe("image");
    expect(box.points).toEqual([[10.5, 20.5]]);
    expect(box.size).toEqual([21, 21]);
  });

  it("cuts along the centre of the row or column under the pointer", () => {
    expect(rowCut(20.9, 300)).toEqual({ start: [0, 20.5], end: [300, 20.5] });
    expect(columnCut(10.2, 200)).toEqual({ start: [10.5, 0], end: [10.5, 200] });
  });

  it("maps imexam's keys and leaves the others' keys alone", () => {
    const key = (k: string, more = {}) =>
      keyAction({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...more });
    expect(key("r")).toEqual({ tool: "profile" });
    expect(key("c")).toEqual({ tool: "line", cut: "column" });
    for (const other of ["n", "b", "k", "Delete", "Backspace", "Escape", "ArrowLeft"])
      expect(key(other)).toBeNull();
    expect(key("r", { ctrlKey: true })).toBeNull();
    expect(key("r", { target: { tagName: "INPUT" } })).toBeNull();
  });
});

describe("the surface plot", () => {
  const surface = {
    x0: 0,
    y0: 0,
    width: 3,
    height: 3,
    values: [0, 1, 0, 1, 9, 1, 0, 1, null],
  };

  it("spans robust percentiles of the finite values", () => {
    expect(heightRange([null, 5, 5])).toEqual([5, 6]);
    expect(heightRange([null])).toBeNull();
  });

  it("leaves out the quads that touch a blank pixel, and paints the furthest first", () => {
    const quads = projectSurface(surface, { azimuth: 0.3, elevation: 0.6 }, 200, 200);
    expect(quads).toHaveLength(3);
    for (let i = 1; i < quads.length; i++)
      expect(quads[i - 1]!.depth).toBeGreaterThanOrEqual(quads[i]!.depth);
    for (const q of quads) {
      expect(q.shade).toBeGreaterThanOrEqual(0);
      expect(q.shade).toBeLessThanOrEqual(1);
    }
  });
});
