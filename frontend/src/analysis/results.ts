// The analysis jobs' results as the contract has them (docs/architecture.md "Analysis tools"), and
// the pure parts of showing them: the tables' rows, the fit curves of a radial profile, the bars of
// a histogram. Coordinates are viewer coordinates (level-0 pixels, y up; FITS pixel p centred at
// p - 0.5); the tables show 1-based FITS pixels, as the hover readout does.
import type { JobFunctions } from "../protocol";
import { formatValue } from "../util";
import type { Region } from "./types";

/** The tools, by the key that runs them. */
export type Tool =
  "photometry" | "profile" | "surface" | "histogram" | "stats" | "line" | "spectrum";

export const TOOLS: readonly Tool[] = [
  "photometry",
  "profile",
  "surface",
  "histogram",
  "stats",
  "line",
  "spectrum",
];

/** The job function each tool runs. */
export const TOOL_JOB: Record<Tool, string> = {
  photometry: "analysis.photometry",
  profile: "analysis.profile",
  surface: "analysis.surface",
  histogram: "analysis.histogram",
  stats: "analysis.stats",
  line: "analysis.line",
  spectrum: "analysis.spectrum",
};

export const TOOL_TITLE: Record<Tool, string> = {
  photometry: "Photometry",
  profile: "Radial profile",
  surface: "Surface",
  histogram: "Histogram",
  stats: "Statistics",
  line: "Cut",
  spectrum: "Spectrum",
};

/** Parameters the tool fills from the cursor or the region: not in its form. */
export const PLACED_PARAMS = ["image", "x", "y", "region", "start", "end"] as const;

type N = number | null;
type ResultOfJob<F extends keyof JobFunctions> = JobFunctions[F]["result"];

// The results as the server's models publish them (frontend/src/generated/socket.ts).
export type StatsResult = ResultOfJob<"analysis.stats">;
export type StatsCcd = StatsResult["per_ccd"][number];
export type PhotometryResult = ResultOfJob<"analysis.photometry">;
export type ProfileResult = ResultOfJob<"analysis.profile">;
export type GaussianFit = ProfileResult["gaussian"];
export type MoffatFit = ProfileResult["moffat"];
export type Stamp = ProfileResult["stamp"];
export type HistogramResult = ResultOfJob<"analysis.histogram">;
export type SurfaceResult = ResultOfJob<"analysis.surface">;
export type LineResult = ResultOfJob<"analysis.line">;
export type SpectrumResult = ResultOfJob<"analysis.spectrum">;

export interface ResultOf {
  photometry: PhotometryResult;
  profile: ProfileResult;
  surface: SurfaceResult;
  histogram: HistogramResult;
  stats: StatsResult;
  line: LineResult;
  spectrum: SpectrumResult;
}

/** A number for a results table: "—" for none, else as the pixel readout words it. */
export function fmt(value: number | null | undefined, digits?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  if (digits !== undefined) return value.toFixed(digits);
  return formatValue(value);
}

/** A viewer coordinate as the 1-based FITS pixel it falls in, to 2 decimals (centre of pixel p: p). */
export function fitsPixel(viewer: number): string {
  return Number.isFinite(viewer) ? (viewer + 0.5).toFixed(2) : "—";
}

export type Row = [label: string, value: string];

/** A sky position, when there is one. */
function skyRows(ra: N | undefined, dec: N | undefined): Row[] {
  if (ra === null || ra === undefined || dec === null || dec === undefined) return [];
  return [
    ["RA", `${ra.toFixed(6)}°`],
    ["Dec", `${dec.toFixed(6)}°`],
  ];
}

export function statsRows(r: StatsResult): Row[] {
  const rows: Row[] = [
    ["Pixels", fmt(r.count)],
    ["Sum", fmt(r.sum)],
    ["Mean", fmt(r.mean)],
    ["Median", fmt(r.median)],
    ["Std dev", fmt(r.std)],
    ["Min", fmt(r.min)],
    ["Max", fmt(r.max)],
    ["Blank (NaN)", fmt(r.nan)],
  ];
  const c = r.centroid;
  if (c && c.x !== null && c.y !== null) {
    rows.push(["Centroid", `${fitsPixel(c.x)}, ${fitsPixel(c.y)}`]);
    rows.push(...skyRows(c.ra, c.dec));
  }
  return rows;
}

/** The per-CCD table's columns and rows (a region across a mosaic's gap). */
export const CCD_COLUMNS = ["CCD", "Pixels", "Mean", "Median", "Std dev", "Min", "Max"];

export function ccdRows(r: StatsResult): string[][] {
  return (r.per_ccd ?? []).map((c) => [
    c.name || (c.ccd === null ? "—" : String(c.ccd)),
    fmt(c.count),
    fmt(c.mean),
    fmt(c.median),
    fmt(c.std),
    fmt(c.min),
    fmt(c.max),
  ]);
}

export function photometryRows(r: PhotometryResult): Row[] {
  const flux =
    r.flux_err !== null && Number.isFinite(r.flux_err)
      ? `${fmt(r.flux)} ± ${fmt(r.flux_err)}`
      : fmt(r.flux);
  return [
    ["Centre", `${fitsPixel(r.x)}, ${fitsPixel(r.y)}`],
    ...skyRows(r.ra, r.dec),
    ["Flux", flux],
    [
      "Background / px",
      r.background_std != null
        ? `${fmt(r.background)} ± ${fmt(r.background_std)}`
        : fmt(r.background),
    ],
    ["Aperture area", `${fmt(r.area, 1)} px`],
    ["Annulus area", `${fmt(r.annulus_area, 1)} px`],
    ["S/N", fmt(r.snr, 1)],
    ["Instrumental mag", fmt(r.mag_inst, 3)],
  ];
}

function fwhmText(fwhm: N | undefined, arcsec: N | undefined): string {
  if (fwhm === null || fwhm === undefined || !Number.isFinite(fwhm)) return "—";
  const px = `${fwhm.toFixed(2)} px`;
  return arcsec !== null && arcsec !== undefined && Number.isFinite(arcsec)
    ? `${px} (${arcsec.toFixed(2)}″)`
    : px;
}

export function profileRows(r: ProfileResult): Row[] {
  const g = r.gaussian;
  const m = r.moffat;
  const rows: Row[] = [["Centre", `${fitsPixel(r.x)}, ${fitsPixel(r.y)}`], ...skyRows(r.ra, r.dec)];
  if (g) {
    rows.push(["FWHM (Gaussian)", g.ok ? fwhmText(g.fwhm, g.fwhm_arcsec) : "no fit"]);
    if (g.ok) {
      rows.push(["Ellipticity", fmt(g.ellipticity, 3)]);
      if (g.theta !== null && g.theta !== undefined) rows.push(["Angle", `${fmt(g.theta, 1)}°`]);
      rows.push(["Peak", fmt(g.amplitude)], ["Background", fmt(g.background)]);
      rows.push(["Residual rms (Gaussian)", fmt(g.residual_rms)]);
    }
  }
  if (m) {
    const ok = m.ok !== false;
    rows.push(["FWHM (Moffat)", ok ? fwhmText(m.fwhm, m.fwhm_arcsec) : "no fit"]);
    if (ok) {
      rows.push(["Moffat β", fmt(m.beta, 2)]);
      if (m.residual_rms !== undefined) rows.push(["Residual rms (Moffat)", fmt(m.residual_rms)]);
    }
  }
  return rows;
}

/** The Gaussian fit's radial profile: background + amplitude · exp(-r² / 2σ²), σ = FWHM / 2.3548. */
export function gaussianAt(g: GaussianFit, r: number): number {
  const sigma = (g.fwhm ?? NaN) / (2 * Math.sqrt(2 * Math.LN2));
  return (g.background ?? 0) + (g.amplitude ?? NaN) * Math.exp(-(r * r) / (2 * sigma * sigma));
}

/**
 * The Moffat fit's radial profile: background + amplitude · (1 + (r/α)²)^-β. A fit that gives no
 * amplitude or background of its own shares the Gaussian's (both are fitted to the same star).
 */
export function moffatAt(m: MoffatFit, r: number, g: GaussianFit | null): number {
  const amplitude = m.amplitude ?? g?.amplitude ?? NaN;
  const background = m.background ?? g?.background ?? 0;
  const alpha = m.alpha ?? NaN;
  const beta = m.beta ?? NaN;
  return background + amplitude * Math.pow(1 + (r / alpha) ** 2, -beta);
}

/**
 * The profile plot's aligned data: x is the measured radii merged with a fine grid (so the fit
 * curves are smooth), then the measured values (only at their radii), the Gaussian and the Moffat
 * curves (null where there is no fit).
 */
export function profileSeries(r: ProfileResult, samples = 120): (number | null)[][] {
  const rmax = Math.max(0, ...r.radii.filter(Number.isFinite));
  const grid = Array.from({ length: samples + 1 }, (_, i) => (rmax * i) / samples);
  const measured = new Map<number, N>();
  r.radii.forEach((radius, i) => measured.set(radius, r.values[i] ?? null));
  const xs = [...new Set([...grid, ...r.radii])].sort((a, b) => a - b);
  const g = r.gaussian?.ok ? r.gaussian : null;
  const m = r.moffat && r.moffat.ok !== false ? r.moffat : null;
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return [
    xs,
    xs.map((x) => measured.get(x) ?? null),
    xs.map((x) => (g ? finite(gaussianAt(g, x)) : null)),
    xs.map((x) => (m ? finite(moffatAt(m, x, r.gaussian)) : null)),
  ];
}

/** A histogram's bars: the centre of each bin and its count. */
export function histogramBars(h: HistogramResult): { centres: number[]; counts: number[] } {
  const n = Math.min(h.counts.length, Math.max(0, h.edges.length - 1));
  const centres: number[] = [];
  for (let i = 0; i < n; i++) centres.push(((h.edges[i] ?? 0) + (h.edges[i + 1] ?? 0)) / 2);
  return { centres, counts: h.counts.slice(0, n) };
}

/** The box around (x, y) that h and m measure when no region is selected: `size` px wide, on pixel edges. */
export function cursorBox(x: number, y: number, size: number): Region {
  // An odd width centred on the pixel under the cursor covers whole pixels.
  const w = Math.max(1, Math.round(size) | 1);
  const cx = Math.floor(x) + 0.5;
  const cy = Math.floor(y) + 0.5;
  return {
    id: "cursor-box",
    shape: "box",
    frame: "image",
    points: [[cx, cy]],
    size: [w, w],
    angle: 0,
    text: "",
    color: "",
  };
}

/** The row cut through y (`l`): the whole width, along the centre of the pixel row. */
export function rowCut(
  y: number,
  width: number,
): { start: [number, number]; end: [number, number] } {
  const cy = Math.floor(y) + 0.5;
  return { start: [0, cy], end: [width, cy] };
}

/** The column cut through x (`c`): the whole height, along the centre of the pixel column. */
export function columnCut(
  x: number,
  height: number,
): { start: [number, number]; end: [number, number] } {
  const cx = Math.floor(x) + 0.5;
  return { start: [cx, 0], end: [cx, height] };
}
