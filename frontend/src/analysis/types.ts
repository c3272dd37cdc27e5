// The analysis tools' shapes shared by the viewer's controllers (apps/analysis/schemas.py `Region`).
// Declared here as the issue-11 contract gives it; the regions helper owns this file.

/** One region drawn on a viewer (or read from a region file). */
export interface Region {
  id: string;
  shape: "circle" | "ellipse" | "box" | "polygon" | "line" | "point" | "text";
  /** image: viewer coordinates (pixels); sky: ICRS right ascension and declination in degrees. */
  frame: "image" | "sky";
  /** The centre (circle, ellipse, box, point, text), the vertices (polygon) or the two ends (line). */
  points: [number, number][];
  /** circle (r, r); ellipse semi-axes; box full width, height: pixels (image) or arcseconds (sky). */
  size: [number, number] | null;
  /** Degrees counter-clockwise (ellipse, box). */
  angle: number;
  text: string;
  color: string;
}
