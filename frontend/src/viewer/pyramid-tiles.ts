// Pyramid tile addressing shared with the server (docs/architecture.md, "Images and pyramid tiles"): pure
// functions, no OpenLayers, so that they are easy to test.

export const PYRAMID_TILE_SIZE = 256;
export const PYRAMID_TILES_URL = "/tiles/";

/** Everything a rendered pyramid tile depends on; part of its URL. */
export interface RenderParams {
  path: string;
  hdu: number;
  plane: number;
  stretch: string;
  lo: number;
  hi: number;
  cmap: string;
  invert: boolean;
  /** The description's identity: changes when the file does. */
  identity: string;
  format: "png" | "jpg" | "webp";
  /** Take previews for coarse pyramid tiles whose levels are not built yet (Description.preview). */
  preview?: boolean;
}

/** The query string of a pyramid tile URL, the same for every pyramid tile of one rendering. */
export function renderQuery(p: RenderParams): string {
  const q = new URLSearchParams({
    path: p.path,
    hdu: String(p.hdu),
    plane: String(p.plane),
    stretch: p.stretch,
    lo: String(p.lo),
    hi: String(p.hi),
    cmap: p.cmap,
    inv: p.invert ? "1" : "0",
    v: p.identity,
  });
  if (p.preview) q.set("preview", "1");
  return q.toString();
}

/** `/tiles/<level>/<tx>/<ty>.<fmt>?…`: level 0 is full resolution, ty counts from the bottom. */
export function pyramidTileUrl(p: RenderParams, level: number, tx: number, ty: number): string {
  return `${PYRAMID_TILES_URL}${level}/${tx}/${ty}.${p.format}?${renderQuery(p)}`;
}

/**
 * Server pyramid tile coordinates of an OpenLayers tile coordinate.
 *
 * OpenLayers numbers zooms from the coarsest (z = 0) and counts tile rows downwards from the
 * grid origin: with the origin at the bottom-left corner, the bottom row is y = -1, the one
 * above it -2, and so on (TileGrid.getTileCoordExtent: minY = originY - (y + 1) * size * res).
 */
export function pyramidTileCoord(
  levels: number,
  z: number,
  x: number,
  y: number,
): { level: number; tx: number; ty: number } {
  return { level: levels - 1 - z, tx: x, ty: -y - 1 };
}

/** Pyramid levels of a w × h image, as the server computes them. */
export function pyramidLevels(width: number, height: number): number {
  const side = Math.max(width, height);
  return side <= PYRAMID_TILE_SIZE ? 1 : 1 + Math.ceil(Math.log2(side / PYRAMID_TILE_SIZE));
}

/** Resolutions (image pixels per pyramid tile pixel) from the coarsest level to level 0. */
export function pyramidResolutions(levels: number): number[] {
  const resolutions: number[] = [];
  for (let k = levels - 1; k >= 0; k--) resolutions.push(2 ** k);
  return resolutions;
}

/** What a raw float pyramid tile depends on: the data, not the rendering. */
export interface DataParams {
  path: string;
  hdu: number;
  plane: number;
  identity: string;
  preview?: boolean;
}

/** The query string of a `.raw` pyramid tile URL. */
export function dataQuery(p: DataParams): string {
  const q = new URLSearchParams({
    path: p.path,
    hdu: String(p.hdu),
    plane: String(p.plane),
    v: p.identity,
  });
  if (p.preview) q.set("preview", "1");
  return q.toString();
}

/** `/tiles/<level>/<tx>/<ty>.raw?…`: 256×256 float32, first row the highest y. */
export function rawPyramidTileUrl(p: DataParams, level: number, tx: number, ty: number): string {
  return `${PYRAMID_TILES_URL}${level}/${tx}/${ty}.raw?${dataQuery(p)}`;
}
