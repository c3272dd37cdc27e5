// The pyramid of an image as OpenLayers sees it: a pixel projection, a tile grid whose origin
// is the image's bottom-left corner, and a tile source that builds the server's pyramid tile URLs.
import ImageTileSource from "ol/source/ImageTile";
import TileGrid from "ol/tilegrid/TileGrid";
import Projection from "ol/proj/Projection";
import type { LoaderOptions } from "ol/source/DataTile";

import {
  PYRAMID_TILE_SIZE,
  pyramidResolutions,
  renderQuery,
  pyramidTileCoord,
  pyramidTileUrl,
  type RenderParams,
} from "./pyramid-tiles";
import { SignedPyramidTileUrls } from "./signed-pyramid-tiles";

export type { RenderParams } from "./pyramid-tiles";
export { renderQuery, pyramidTileUrl } from "./pyramid-tiles";

export function pixelProjection(width: number, height: number): Projection {
  return new Projection({
    code: "toyz-pixels",
    units: "pixels",
    extent: [0, 0, width, height],
  });
}

/** The options both tile sources (server-rendered and client-rendered) give OpenLayers. */
export function pyramidSourceOptions(
  projection: Projection,
  width: number,
  height: number,
  levels: number,
) {
  return {
    projection,
    tileGrid: pyramidTileGrid(width, height, levels),
    wrapX: false,
    // Nearest neighbour: zoomed-in pixels stay square, as astronomers expect.
    interpolate: false,
    transition: 0,
  };
}

export function pyramidTileGrid(width: number, height: number, levels: number): TileGrid {
  return new TileGrid({
    origin: [0, 0],
    extent: [0, 0, width, height],
    resolutions: pyramidResolutions(levels),
    tileSize: PYRAMID_TILE_SIZE,
  });
}

export interface PyramidTileFailure {
  url: string;
}

/** Loads one pyramid tile image; rejects on an HTTP error (the body is read elsewhere, once). */
function loadImage(url: string, signal: AbortSignal | undefined): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException("Aborted", "AbortError"));
      return;
    }
    const image = new Image();
    const abort = (): void => {
      image.src = "";
      reject(new DOMException("Aborted", "AbortError"));
    };
    signal?.addEventListener("abort", abort, { once: true });
    image.addEventListener("load", () => {
      signal?.removeEventListener("abort", abort);
      resolve(image);
    });
    image.addEventListener("error", () => {
      signal?.removeEventListener("abort", abort);
      reject(new Error(`Tile failed to load: ${url}`));
    });
    image.decoding = "async";
    image.src = url;
  });
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/**
 * Loads a pyramid tile through its signed URL; a refusal (a template gone stale: a new session) gets
 * one more try with a fresh template.
 */
async function loadSigned(
  urls: SignedPyramidTileUrls,
  level: number,
  tx: number,
  ty: number,
  signal: AbortSignal | undefined,
): Promise<HTMLImageElement> {
  const url = await urls.url(level, tx, ty);
  try {
    return await loadImage(url, signal);
  } catch (error) {
    if (isAbort(error)) throw error;
    urls.refused(url);
    return loadImage(await urls.url(level, tx, ty), signal);
  }
}

/**
 * The pyramid tiles of one (file, HDU, plane). `setRender` swaps the rendering parameters: the source
 * key changes with them, so OpenLayers loads the new pyramid tiles while it shows the old ones.
 * With `signed` (Description.signed_tiles) a rendering's tiles come through signed URLs that nginx
 * checks itself (signed-pyramid-tiles.ts), except previews, which only Django makes.
 */
export class RenderedPyramidSource extends ImageTileSource {
  readonly levels: number;
  private params: RenderParams;
  private readonly onFailure: (failure: PyramidTileFailure) => void;
  private readonly signed: boolean;

  constructor(options: {
    projection: Projection;
    width: number;
    height: number;
    levels: number;
    params: RenderParams;
    onFailure: (failure: PyramidTileFailure) => void;
    signed?: boolean;
  }) {
    super(pyramidSourceOptions(options.projection, options.width, options.height, options.levels));
    this.levels = options.levels;
    this.params = options.params;
    this.onFailure = options.onFailure;
    this.signed = options.signed === true;
    this.install();
  }

  get render(): RenderParams {
    return this.params;
  }

  setRender(params: RenderParams): void {
    this.params = params;
    this.install();
  }

  urlFor(z: number, x: number, y: number): string {
    const { level, tx, ty } = pyramidTileCoord(this.levels, z, x, y);
    return pyramidTileUrl(this.params, level, tx, ty);
  }

  private install(): void {
    const params = this.params;
    const levels = this.levels;
    const onFailure = this.onFailure;
    const signed = this.signed && !params.preview ? new SignedPyramidTileUrls(params) : null;
    this.setLoader((z: number, x: number, y: number, options: LoaderOptions) => {
      const { level, tx, ty } = pyramidTileCoord(levels, z, x, y);
      // A failure is reported with the /tiles/ URL: Django's answer there says why, in JSON.
      const url = pyramidTileUrl(params, level, tx, ty);
      const loading = signed
        ? loadSigned(signed, level, tx, ty, options.signal)
        : loadImage(url, options.signal);
      return loading.catch((error: unknown) => {
        if (!isAbort(error)) onFailure({ url });
        throw error;
      });
    });
    this.setKey(renderQuery(params));
    if (this.getState() !== "ready") this.setState("ready");
  }
}
