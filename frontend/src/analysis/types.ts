// The shapes the analysis tools share, as apps/analysis/schemas.py has them (Region, ImageRef).
// Coordinates: "image" regions are in viewer coordinates (level-0 pixels, pixel (i, j) covers
// [i, i+1) × [j, j+1), y up; FITS 1-based pixel p is centred at p - 0.5); "sky" regions in ICRS
// right ascension and declination, degrees.
export type { ImageRef } from "../viewer/catalogue-layer";

export type RegionShape = "circle" | "ellipse" | "box" | "polygon" | "line" | "point" | "text";

export const REGION_SHAPES: readonly RegionShape[] = [
  "circle",
  "ellipse",
  "box",
  "polygon",
  "line",
  "point",
  "text",
];

export type RegionFrame = "image" | "sky";

export interface Region {
  /** Unique within its viewer (1–64 characters). */
  id: string;
  shape: RegionShape;
  frame: RegionFrame;
  /** The centre (circle, ellipse, box, point, text), the vertices (polygon) or the two ends (line). */
  points: [number, number][];
  /**
   * circle: (radius, radius); ellipse: the semi-axes; box: the full width and height; null for the
   * others. Pixels in the image frame, arcseconds in the sky frame.
   */
  size: [number, number] | null;
  /** Degrees counter-clockwise: from +x (image), from the longitude axis, East (sky). */
  angle: number;
  /** A label, or a text region's text (at most 200 characters). */
  text: string;
  /** A CSS colour; empty: the default. */
  color: string;
}

/** The server's limits (apps/analysis/schemas.py). */
export const MAX_REGION_POINTS = 1000;
export const MAX_REGIONS = 500;
