// One catalogue drawn on the image: its rows' positions (from POST /api/imaging/overlay) as
// markers in a WebGL layer (a canvas one where WebGL is missing), the selected rows in a second
// layer on top, and the geometry the viewer's box, lasso and clicks need.
import Feature from "ol/Feature";
import type OlMap from "ol/Map";
import Point from "ol/geom/Point";
import type Layer from "ol/layer/Layer";
import VectorLayer from "ol/layer/Vector";
import WebGLVectorLayer from "ol/layer/WebGLVector";
import VectorSource from "ol/source/Vector";
import type { FlatStyle } from "ol/style/flat";

import { ApiError, csrfToken, errorFrom, parseJson } from "../api";
import { insidePolygon } from "../sources/local";
import type { OverlayState, SourceSpec } from "../sources/types";

export const SHAPES = ["circle", "square", "diamond", "triangle"] as const;
export const HIGHLIGHT = "#ffeb3b";
/** Marker size limits, screen pixels. */
export const MIN_SIZE = 2;
export const MAX_SIZE = 40;

/** The image a catalogue is placed on. */
export interface ImageRef {
  path: string;
  hdu: number;
  plane: number;
}

/** What the server answered: `xy[2i], xy[2i + 1]` are row i's viewer coordinates (NaN: not on the image). */
export interface Placement {
  xy: Float32Array;
  rows: number;
  inside: number;
}

let webgl: boolean | null = null;

/** Whether this browser gives OpenLayers a WebGL context (checked once). */
export function hasWebGL(): boolean {
  if (webgl === null) {
    try {
      webgl = document.createElement("canvas").getContext("webgl") !== null;
    } catch {
      webgl = false;
    }
  }
  return webgl;
}

/** Places a source's rows on an image (one request; the answer is gzip-encoded float32 pairs). */
export async function fetchPlacement(
  spec: SourceSpec,
  overlay: OverlayState,
  image: ImageRef,
  signal?: AbortSignal,
): Promise<Placement> {
  const body: Record<string, unknown> = {
    path: spec.path,
    table: spec.table,
    image: image.path,
    hdu: image.hdu,
    plane: image.plane,
  };
  for (const key of ["ra", "dec", "x", "y"] as const) {
    const column = overlay[key];
    if (column) body[key] = column;
  }
  let response: Response;
  try {
    const init: RequestInit = {
      method: "POST",
      credentials: "same-origin",
      headers: {
        Accept: "application/octet-stream, application/json",
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(body),
    };
    if (signal) init.signal = signal;
    response = await fetch("/api/imaging/overlay", init);
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError("offline", "The server cannot be reached; check the connection.", 0);
  }
  if (!response.ok) throw errorFrom(response.status, parseJson(await response.text()));
  const xy = new Float32Array(await response.arrayBuffer());
  return {
    xy,
    rows: Number(response.headers.get("X-Toyz-Rows") ?? xy.length / 2),
    inside: Number(response.headers.get("X-Toyz-Inside") ?? 0),
  };
}

/** The flat style of a marker: hollow in the overlay's colour, or filled for selected rows. */
export function markerStyle(overlay: OverlayState, selected: boolean): FlatStyle {
  const size = Math.min(MAX_SIZE, Math.max(MIN_SIZE, overlay.size));
  const stroke = selected ? HIGHLIGHT : overlay.color;
  const width = selected ? 2 : 1.5;
  const fill = selected ? "rgba(255, 235, 59, 0.55)" : "rgba(0, 0, 0, 0)";
  const radius = (selected ? size + 2 : size) / 2;
  if (overlay.shape === "circle" || !SHAPES.includes(overlay.shape as (typeof SHAPES)[number])) {
    return {
      "circle-radius": radius,
      "circle-stroke-color": stroke,
      "circle-stroke-width": width,
      "circle-fill-color": fill,
    };
  }
  const points = overlay.shape === "triangle" ? 3 : 4;
  return {
    "shape-points": points,
    "shape-radius": overlay.shape === "square" ? radius * Math.SQRT2 : radius,
    "shape-angle": overlay.shape === "square" ? Math.PI / 4 : 0,
    "shape-stroke-color": stroke,
    "shape-stroke-width": width,
    "shape-fill-color": fill,
  };
}

type MarkerLayer = Layer<VectorSource<Feature<Point>>>;

function makeLayer(style: FlatStyle, zIndex: number): MarkerLayer {
  const source = new VectorSource<Feature<Point>>({ wrapX: false });
  const layer = hasWebGL()
    ? new WebGLVectorLayer({ source, style, zIndex, disableHitDetection: true })
    : new VectorLayer({ source, style, zIndex, updateWhileInteracting: true });
  layer.set("toyz-overlay", true);
  return layer;
}

function features(xy: Float32Array, rows: Iterable<number>): Feature<Point>[] {
  const out: Feature<Point>[] = [];
  for (const row of rows) {
    const x = xy[2 * row] ?? Number.NaN;
    const y = xy[2 * row + 1] ?? Number.NaN;
    if (Number.isFinite(x) && Number.isFinite(y))
      out.push(new Feature({ geometry: new Point([x, y]) }));
  }
  return out;
}

/** One catalogue's markers on a map (unmanaged layers, always above the image). */
export class CatalogueLayer {
  private base: MarkerLayer;
  private selected: MarkerLayer;
  private mask: Uint8Array | null = null;

  constructor(
    private readonly map: OlMap,
    readonly placement: Placement,
    private overlay: OverlayState,
    zIndex: number,
  ) {
    this.base = makeLayer(markerStyle(overlay, false), zIndex);
    this.selected = makeLayer(markerStyle(overlay, true), zIndex + 1);
    const all = Array.from({ length: placement.xy.length / 2 }, (_, i) => i);
    this.base.getSource()?.addFeatures(features(placement.xy, all));
    this.base.setMap(map);
    this.selected.setMap(map);
    this.setVisible(overlay.visible);
  }

  /** A new colour, shape or size: layers with the new style (WebGL layers take their style once). */
  restyle(overlay: OverlayState): void {
    const before = this.overlay;
    this.overlay = overlay;
    if (
      before.color !== overlay.color ||
      before.shape !== overlay.shape ||
      before.size !== overlay.size
    ) {
      const zIndex = this.base.getZIndex() ?? 0;
      const base = makeLayer(markerStyle(overlay, false), zIndex);
      const selected = makeLayer(markerStyle(overlay, true), zIndex + 1);
      base.getSource()?.addFeatures(this.base.getSource()?.getFeatures() ?? []);
      selected.getSource()?.addFeatures(this.selected.getSource()?.getFeatures() ?? []);
      this.dropLayers();
      this.base = base;
      this.selected = selected;
      this.base.setMap(this.map);
      this.selected.setMap(this.map);
    }
    this.setVisible(overlay.visible);
    this.setMask(this.mask);
  }

  setVisible(visible: boolean): void {
    this.base.setVisible(visible);
    this.selected.setVisible(visible);
  }

  /** Highlights the rows whose mask byte is 1 (null: no selection); the others dim while one holds. */
  setMask(mask: Uint8Array | null): void {
    this.mask = mask;
    const source = this.selected.getSource();
    source?.clear(true);
    const rows: number[] = [];
    if (mask) {
      const n = Math.min(mask.length, this.placement.xy.length / 2);
      for (let i = 0; i < n; i++) if (mask[i]) rows.push(i);
    }
    source?.addFeatures(features(this.placement.xy, rows));
    this.base.setOpacity(mask ? 0.45 : 1);
    this.map.render();
  }

  /** The rows (file order) whose markers lie in the box [x0, x1] × [y0, y1] (viewer coordinates). */
  rowsInBox(x0: number, y0: number, x1: number, y1: number): number[] {
    const xy = this.placement.xy;
    const out: number[] = [];
    for (let i = 0; i < xy.length / 2; i++) {
      const x = xy[2 * i] ?? Number.NaN;
      const y = xy[2 * i + 1] ?? Number.NaN;
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1) out.push(i);
    }
    return out;
  }

  /** The rows whose markers lie inside a polygon (viewer coordinates). */
  rowsInPolygon(polygon: [number, number][]): number[] {
    const xs = polygon.map((p) => p[0]);
    const ys = polygon.map((p) => p[1]);
    const box = this.rowsInBox(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
    const xy = this.placement.xy;
    return box.filter((i) => insidePolygon(xy[2 * i] ?? 0, xy[2 * i + 1] ?? 0, polygon));
  }

  /** The row whose marker is nearest to (x, y) within `tolerance` (viewer units), or null. */
  nearest(x: number, y: number, tolerance: number): { row: number; distance: number } | null {
    const xy = this.placement.xy;
    let best: { row: number; distance: number } | null = null;
    for (let i = 0; i < xy.length / 2; i++) {
      const d = Math.hypot((xy[2 * i] ?? Number.NaN) - x, (xy[2 * i + 1] ?? Number.NaN) - y);
      if (d <= tolerance && (best === null || d < best.distance)) best = { row: i, distance: d };
    }
    return best;
  }

  /** Where row `row` is drawn, or null when it is not on the image. */
  position(row: number): [number, number] | null {
    const x = this.placement.xy[2 * row];
    const y = this.placement.xy[2 * row + 1];
    return x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y)
      ? [x, y]
      : null;
  }

  private dropLayers(): void {
    for (const layer of [this.base, this.selected]) {
      layer.setMap(null);
      layer.dispose();
    }
  }

  dispose(): void {
    this.dropLayers();
  }
}
