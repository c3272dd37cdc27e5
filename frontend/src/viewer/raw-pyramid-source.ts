// Client-side rendering: a tile source that fetches the server's float pyramid tiles once and paints
// them itself, so that a new stretch, limits, colormap or contrast/bias repaints the pyramid tiles in
// place without a request (the CARTA approach, on a 2D canvas).
import ImageTileSource from "ol/source/ImageTile";
import type Projection from "ol/proj/Projection";
import type { LoaderOptions } from "ol/source/DataTile";
import type { Extent } from "ol/extent";
import { intersects } from "ol/extent";

import { pyramidSourceOptions, type PyramidTileFailure } from "./pyramid";
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

/** The float values of one raw pyramid tile, from memory when they were fetched before. */
export function fetchRaw(url: string, signal?: AbortSignal): Promise<Float32Array> {
  const cached = rawCache.get(url);
  if (cached) {
    // Most recently used last.
    rawCache.delete(url);
    rawCache.set(url, cached);
    return cached;
  }
  const init: RequestInit = { credentials: "same-origin" };
  if (signal) init.signal = signal;
  const promise = fetch(url, init).then(async (response) => {
    if (!response.ok) throw new Error(`Raw tile failed (HTTP ${response.status}): ${url}`);
    const buffer = await response.arrayBuffer();
    if (buffer.byteLength !== PYRAMID_TILE_VALUES * 4) {
      throw new Error(
        `Raw tile has ${buffer.byteLength} bytes, not ${PYRAMID_TILE_VALUES * 4}: ${url}`,
      );
    }
    return new Float32Array(buffer);
  });
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

  constructor(options: {
    projection: Projection;
    width: number;
    height: number;
    levels: number;
    data: DataParams;
    onFailure: (failure: PyramidTileFailure) => void;
  }) {
    super(pyramidSourceOptions(options.projection, options.width, options.height, options.levels));
    this.levels = options.levels;
    this.params = options.data;
    this.onFailure = options.onFailure;
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
    this.setLoader(async (z: number, x: number, y: number, options: LoaderOptions) => {
      const url = this.urlFor(z, x, y);
      let data: Float32Array;
      try {
        data = await fetchRaw(url, options.signal);
      } catch (error) {
        if (!(error instanceof DOMException && error.name === "AbortError"))
          this.onFailure({ url });
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
