// Client-side rendering: a tile source that fetches the server's float pyramid tiles once and paints
// them itself, so that a new stretch, limits, colormap or contrast/bias repaints the pyramid tiles in
// place without a request (the CARTA approach, on a 2D canvas).
import ImageTileSource from "ol/source/ImageTile";
import type Projection from "ol/proj/Projection";
import type { LoaderOptions } from "ol/source/DataTile";
import type { Extent } from "ol/extent";
import { intersects } from "ol/extent";

import { pyramidSourceOptions, type PyramidTileFailure } from "./pyramid";
import { SignedPyramidTileUrls } from "./signed-pyramid-tiles";
import { paintValues, type ClientRender } from "./stretch";
import {
  PYRAMID_TILE_SIZE,
  dataQuery,
  rawPyramidTileUrl,
  pyramidTileCoord,
  type DataParams,
} from "./pyramid-tiles";

const PYRAMID_TILE_VALUES = PYRAMID_TILE_SIZE * PYRAMID_TILE_SIZE;
/** Float pyramid tiles kept in memory (256 KiB each). */
const RAW_CACHE_SIZE = 256;
/** Painted pyramid tiles whose canvas is repainted on a new rendering (2 × 256 KiB each). */
const PAINTED_SIZE = 192;

const rawCache = new Map<string, Promise<Float32Array>>();

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

async function fetchValues(url: string, signal?: AbortSignal): Promise<Float32Array> {
  const init: RequestInit = { credentials: "same-origin" };
  if (signal) init.signal = signal;
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`Raw tile failed (HTTP ${response.status}): ${url}`);
  const buffer = await response.arrayBuffer();
  if (buffer.byteLength !== PYRAMID_TILE_VALUES * 4) {
    throw new Error(
      `Raw tile has ${buffer.byteLength} bytes, not ${PYRAMID_TILE_VALUES * 4}: ${url}`,
    );
  }
  return new Float32Array(buffer);
}

/**
 * The values of a raw pyramid tile through its signed URL; a refusal (a template gone stale: a new
 * session) gets one more try with a fresh template, as rendered pyramid tiles do.
 */
async function fetchSigned(
  urls: SignedPyramidTileUrls,
  level: number,
  tx: number,
  ty: number,
  signal?: AbortSignal,
): Promise<Float32Array> {
  const url = await urls.url(level, tx, ty);
  try {
    return await fetchValues(url, signal);
  } catch (error) {
    if (isAbort(error)) throw error;
    urls.refused(url);
    return fetchValues(await urls.url(level, tx, ty), signal);
  }
}

/**
 * The float values of one raw pyramid tile, from memory when they were fetched before. `url` is its
 * /tiles/ URL, which names it for good; `load` fetches it another way (a signed URL, which changes
 * with each renewal) when given.
 */
export function fetchRaw(
  url: string,
  signal?: AbortSignal,
  load?: () => Promise<Float32Array>,
): Promise<Float32Array> {
  const cached = rawCache.get(url);
  if (cached) {
    // Most recently used last.
    rawCache.delete(url);
    rawCache.set(url, cached);
    return cached;
  }
  const promise = load ? load() : fetchValues(url, signal);
  promise.catch(() => rawCache.delete(url));
  rawCache.set(url, promise);
  while (rawCache.size > RAW_CACHE_SIZE) {
    const oldest = rawCache.keys().next().value;
    if (oldest === undefined) break;
    rawCache.delete(oldest);
  }
  return promise;
}

/** Paints float values into a new RGBA buffer (for the contrast sketch and tests). */
export function paintToImageData(data: Float32Array, render: ClientRender): ImageData {
  const image = new ImageData(PYRAMID_TILE_SIZE, PYRAMID_TILE_SIZE);
  paintValues(data, render, new Uint32Array(image.data.buffer));
  return image;
}

interface PaintedPyramidTile {
  z: number;
  x: number;
  y: number;
  data: Float32Array;
  canvas: HTMLCanvasElement;
  image: ImageData;
  version: number;
}

export class RawPyramidSource extends ImageTileSource {
  readonly levels: number;
  private params: DataParams;
  private renderer: ClientRender | null = null;
  private version = 0;
  private readonly painted = new Map<string, PaintedPyramidTile>();
  private readonly onFailure: (failure: PyramidTileFailure) => void;
  private rendererReady: Promise<void>;
  private markReady: () => void = () => undefined;
  private readonly signed: boolean;

  /**
   * With `signed` (Description.signed_tiles) the float tiles come through signed URLs that nginx checks
   * itself (signed-pyramid-tiles.ts), except previews, which only Django makes.
   */
  constructor(options: {
    projection: Projection;
    width: number;
    height: number;
    levels: number;
    data: DataParams;
    onFailure: (failure: PyramidTileFailure) => void;
    signed?: boolean;
  }) {
    super(pyramidSourceOptions(options.projection, options.width, options.height, options.levels));
    this.levels = options.levels;
    this.params = options.data;
    this.onFailure = options.onFailure;
    this.signed = options.signed === true;
    this.rendererReady = new Promise((resolve) => (this.markReady = resolve));
    this.install();
  }

  get data(): DataParams {
    return this.params;
  }

  /** Another plane (or file version): new pyramid tiles, the old ones stay on screen until then. */
  setData(data: DataParams): void {
    if (dataQuery(data) === dataQuery(this.params)) return;
    this.params = data;
    this.install();
  }

  /** A new rendering: pyramid tiles are repainted as they are drawn (see `repaint`). */
  setRenderer(render: ClientRender): void {
    this.renderer = render;
    this.version += 1;
    this.markReady();
  }

  urlFor(z: number, x: number, y: number): string {
    const { level, tx, ty } = pyramidTileCoord(this.levels, z, x, y);
    return rawPyramidTileUrl(this.params, level, tx, ty);
  }

  /** Repaints the pyramid tiles painted with an older rendering that lie in `extent` (a frame's). */
  repaint(extent: Extent): void {
    const render = this.renderer;
    const grid = this.getTileGrid();
    if (!render || !grid) return;
    for (const tile of this.painted.values()) {
      if (tile.version === this.version) continue;
      if (!intersects(grid.getTileCoordExtent([tile.z, tile.x, tile.y]), extent)) continue;
      this.paint(tile, render);
    }
  }

  private paint(tile: PaintedPyramidTile, render: ClientRender): void {
    paintValues(tile.data, render, new Uint32Array(tile.image.data.buffer));
    tile.canvas.getContext("2d")?.putImageData(tile.image, 0, 0);
    tile.version = this.version;
  }

  private remember(key: string, tile: PaintedPyramidTile): void {
    this.painted.delete(key);
    this.painted.set(key, tile);
    while (this.painted.size > PAINTED_SIZE) {
      const oldest = this.painted.keys().next().value;
      if (oldest === undefined) break;
      this.painted.delete(oldest);
    }
  }

  private install(): void {
    const query = dataQuery(this.params);
    const signed =
      this.signed && !this.params.preview ? new SignedPyramidTileUrls(this.params) : null;
    this.setLoader(async (z: number, x: number, y: number, options: LoaderOptions) => {
      // Cached and reported by its /tiles/ URL (Django's answer there says why a tile fails, in JSON).
      const url = this.urlFor(z, x, y);
      const { level, tx, ty } = pyramidTileCoord(this.levels, z, x, y);
      const load = signed ? () => fetchSigned(signed, level, tx, ty, options.signal) : undefined;
      let data: Float32Array;
      try {
        data = await fetchRaw(url, options.signal, load);
      } catch (error) {
        if (!isAbort(error)) this.onFailure({ url });
        throw error;
      }
      await this.rendererReady;
      const key = `${query}|${z}/${x}/${y}`;
      const canvas = document.createElement("canvas");
      canvas.width = PYRAMID_TILE_SIZE;
      canvas.height = PYRAMID_TILE_SIZE;
      const tile: PaintedPyramidTile = {
        z,
        x,
        y,
        data,
        canvas,
        image: new ImageData(PYRAMID_TILE_SIZE, PYRAMID_TILE_SIZE),
        version: -1,
      };
      if (this.renderer) this.paint(tile, this.renderer);
      this.remember(key, tile);
      return canvas;
    });
    this.setKey(query);
    if (this.getState() !== "ready") this.setState("ready");
  }
}
