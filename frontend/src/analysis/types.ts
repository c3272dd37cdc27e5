// The shapes the analysis tools share, as apps/analysis/schemas.py has them (Region, ImageRef).
// Coordinates: "image" regions are in viewer coordinates (level-0 pixels, pixel (i, j) covers
// [i, i+1) × [j, j+1), y up; FITS 1-based pixel p is centred at p - 0.5); "sky" regions in ICRS
// right ascension and declination, degrees.
import type { Region as ServerRegion } from "../generated/socket";

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

// The generated `Region` (generated/socket.ts) is the same model as the jobs' *input* (angle, color,
// size and text optional, points a non-empty tuple); this one is what the server returns and the
// viewer stores, every field present. It is the one the front end uses; the check below keeps it a
// valid job input, so a change to the server's model that breaks it fails the typecheck.
type SameFieldsAs<A, B> = keyof A extends keyof B
  ? keyof B extends keyof A
    ? true
    : false
  : false;
type MustHold<T extends true> = T;
/** Compile-time only: the same fields as the server's model, each a valid value of it. */
export type RegionMatchesServer = MustHold<
  SameFieldsAs<Region, ServerRegion> extends true
    ? Omit<Region, "points"> extends Omit<ServerRegion, "points">
      ? true
      : false
    : false
>;

/** The server's limits (apps/analysis/schemas.py). */
export const MAX_REGION_POINTS = 1000;
export const MAX_REGIONS = 500;
