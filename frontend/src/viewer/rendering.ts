// Server rendering (PNG pyramid tiles the server draws) or client rendering (float pyramid tiles painted here):
// which of the two draws the image, its tile source, the colormap's colours, and what the server
// says about pyramid tiles that fail.
import type { ReactiveControllerHost } from "lit";
import type OlMap from "ol/Map";
import { getForViewAndSize } from "ol/extent";
import type Tile from "ol/Tile";
import TileState from "ol/TileState";

import type { Description, HduInfo } from "../protocol";
import { isHttpErrorBody } from "../protocol";
import { errorText } from "../socket";
import type { ColorbarModel } from "./colorbar";
import { fetchColormap } from "./colormaps";
import { ImageLayers, type PyramidSource } from "./layers";
import {
  RenderedPyramidSource,
  pixelProjection,
  renderQuery,
  type RenderParams,
  type PyramidTileFailure,
} from "./pyramid";
import { RawPyramidSource } from "./raw-pyramid-source";
import {
  contrastBiasOf,
  dataParamsOf,
  renderParamsOf,
  shownLimits,
  type DisplaySettings,
} from "./settings";
import {
  NEUTRAL_CONTRAST_BIAS,
  clientRender,
  effectiveLimits,
  isClientStretch,
  packPalette,
  type ClientRender,
} from "./stretch";
import { dataQuery, rawPyramidTileUrl, pyramidTileCoord, type DataParams } from "./pyramid-tiles";

/** What the rendering reads from its viewer. */
export interface RenderingInputs {
  settings(): DisplaySettings;
  description(): Description | null;
  hdu(): HduInfo | null;
  /** The picture's rendering and data, null with no picture. */
  params(): RenderParams | null;
  data(): DataParams | null;
}

/** Why the browser cannot draw this HDU itself (null: it can). */
export function clientRenderBlocked(hdu: HduInfo | null): string | null {
  if (!hdu) return "No image";
  if (hdu.bands > 1) return "Colour images are drawn by the server";
  return null;
}

/** What the viewer shows of the rendering: a change asks the viewer to update. */
interface Shown {
  palette: Uint32Array | null;
  pyramidTileError: string | null;
  pyramidTilesLoading: number;
}

export class ImageRendering {
  private layers: ImageLayers | null = null;
  private map: OlMap | null = null;
  private shown: Shown = { palette: null, pyramidTileError: null, pyramidTilesLoading: 0 };
  private paletteKey = "";
  private checkedErrorKey: string | null = null;
  // The parameters of the client renderer last applied (see `shownKey`).
  private appliedClientKey = "";

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly inputs: RenderingInputs,
  ) {}

  /** Draws on `map` from now on. */
  attach(map: OlMap): void {
    this.map = map;
    this.layers = new ImageLayers(map, (count) => this.set("pyramidTilesLoading", count));
  }

  /** The pyramid source shown, null with no image. */
  get pyramidSource(): PyramidSource | null {
    return this.layers?.pyramidSource ?? null;
  }

  get clientActive(): boolean {
    return this.pyramidSource instanceof RawPyramidSource;
  }

  /** The packed colours of the current colormap (inversion applied), null while loading. */
  get palette(): Uint32Array | null {
    return this.shown.palette;
  }

  /** Why the pyramid tiles do not show, null while they do. */
  get pyramidTileError(): string | null {
    return this.shown.pyramidTileError;
  }

  get pyramidTilesLoading(): number {
    return this.shown.pyramidTilesLoading;
  }

  get loadedPyramidTiles(): number {
    return this.layers?.loaded ?? 0;
  }

  get failedPyramidTiles(): number {
    return this.layers?.failed ?? 0;
  }

  resetCounts(): void {
    this.layers?.resetCounts();
  }

  clearPyramidTileError(): void {
    this.set("pyramidTileError", null);
  }

  /** A new rendering: look at the body of its first failed pyramid tile again. */
  resetErrors(): void {
    this.set("pyramidTileError", null);
    this.checkedErrorKey = null;
  }

  /** What server-rendered pyramid tiles are asked with: contrast/bias folded into the limits. */
  get serverParams(): RenderParams | null {
    const params = this.inputs.params();
    if (!params) return null;
    const cb = contrastBiasOf(this.inputs.settings());
    const [lo, hi] = effectiveLimits(params.lo, params.hi, params.stretch, cb);
    return { ...params, lo, hi };
  }

  /** Client rendering is asked for (or the default) and can draw the current stretch. */
  private wantClient(): boolean {
    const hdu = this.inputs.hdu();
    if (!hdu || clientRenderBlocked(hdu) !== null) return false;
    const s = this.inputs.settings();
    return (s.clientRender ?? true) && isClientStretch(s.stretch);
  }

  /** A pyramid source of the kind the current settings want, with the viewer's counters. */
  makePyramidSource(hdu: HduInfo): PyramidSource | null {
    const params = this.serverParams;
    const data = this.inputs.data();
    if (!params || !data) return null;
    const { width, height, levels } = hdu;
    const projection = pixelProjection(width, height);
    const onFailure = (failure: PyramidTileFailure): void => this.onPyramidTileFailure(failure);
    const signed = this.inputs.description()?.signed_tiles === true;
    const pyramidSource = this.wantClient()
      ? new RawPyramidSource({ projection, width, height, levels, data, onFailure, signed })
      : new RenderedPyramidSource({
          projection,
          width,
          height,
          levels,
          params,
          onFailure,
          signed,
        });
    return this.layers?.watch(pyramidSource) ?? null;
  }

  /**
   * A pyramid source for a blink frame (its own description and settings, not the picture shown
   * now), counted as the viewer's while it is the one shown.
   */
  makeFrameSource(hdu: HduInfo, d: Description, s: DisplaySettings): PyramidSource | null {
    const { width, height, levels } = hdu;
    const projection = pixelProjection(width, height);
    const onFailure = (failure: PyramidTileFailure): void => this.onPyramidTileFailure(failure);
    const client =
      clientRenderBlocked(hdu) === null && (s.clientRender ?? true) && isClientStretch(s.stretch);
    let pyramidSource: PyramidSource;
    if (client) {
      const data = dataParamsOf(d);
      pyramidSource = new RawPyramidSource({
        projection,
        width,
        height,
        levels,
        data,
        onFailure,
        signed: d.signed_tiles === true,
      });
    } else {
      const params = renderParamsOf(d, s);
      const [lo, hi] = effectiveLimits(params.lo, params.hi, params.stretch, contrastBiasOf(s));
      pyramidSource = new RenderedPyramidSource({
        projection,
        width,
        height,
        levels,
        params: { ...params, lo, hi },
        onFailure,
        signed: d.signed_tiles === true,
      });
    }
    return this.layers?.watch(pyramidSource) ?? null;
  }

  /** Shows a blink frame's pyramid source in its kept layer (ImageLayers.showKept; then `update`). */
  showKept(pyramidSource: PyramidSource): void {
    this.layers?.showKept(pyramidSource);
  }

  /** A blink frame left the set: its kept layer goes. */
  forget(pyramidSource: PyramidSource): void {
    this.layers?.forget(pyramidSource);
  }

  /**
   * Loads the pyramid tiles a blink frame will need at `view` (its own viewer coordinates) into
   * its kept (hidden) layer, painted with the frame's settings, so that showing it draws at once.
   */
  async preload(
    pyramidSource: PyramidSource,
    d: Description,
    s: DisplaySettings,
    view: { center: [number, number]; resolution: number; rotation: number },
  ): Promise<void> {
    const map = this.map;
    const size = map?.getSize();
    const projection = map?.getView().getProjection();
    if (!map || !this.layers || !size || !projection) return;
    if (pyramidSource instanceof RawPyramidSource && isClientStretch(s.stretch)) {
      const [lo, hi] = shownLimits(s, d);
      const palette = packPalette(await fetchColormap(s.cmap), s.invert);
      pyramidSource.setRenderer(clientRender(lo, hi, s.stretch, contrastBiasOf(s), palette));
    }
    const layer = this.layers.keep(pyramidSource);
    const grid = pyramidSource.getTileGrid();
    // OpenLayers' own tile cache of the layer's renderer: a tile put there is drawn when shown.
    const renderer = layer.getRenderer() as unknown as {
      getOrCreateTile?: (z: number, x: number, y: number, frameState: unknown) => Tile | null;
    };
    if (!grid || typeof renderer.getOrCreateTile !== "function") return;
    const frameState = { pixelRatio: window.devicePixelRatio || 1, viewState: { projection } };
    const extent = getForViewAndSize(view.center, view.resolution, view.rotation, size);
    const z = grid.getZForResolution(view.resolution, pyramidSource.zDirection ?? 0);
    grid.forEachTileCoord(extent, z, (coord) => {
      const tile = renderer.getOrCreateTile?.(z, coord[1] ?? 0, coord[2] ?? 0, frameState);
      if (tile && tile.getState() === TileState.IDLE) tile.load();
    });
  }

  /** Shows `pyramidSource` (see ImageLayers.install), then gets its colours ready. */
  install(pyramidSource: PyramidSource, crossfade = false): void {
    this.layers?.install(pyramidSource, crossfade);
    this.loadPalette();
    if (pyramidSource instanceof RawPyramidSource) void this.applyClientRender();
  }

  drop(): void {
    this.layers?.drop();
  }

  /** Resolves when the map has drawn every visible pyramid tile. */
  async drawn(): Promise<void> {
    await this.layers?.drawn();
  }

  /**
   * New rendering parameters or plane: client rendering repaints from the float pyramid tiles it has;
   * server rendering asks for new pyramid tile URLs. Switches between the two when the choice (or a
   * stretch only the server draws) says so.
   */
  update(): void {
    this.loadPalette();
    const hdu = this.inputs.hdu();
    const src = this.pyramidSource;
    const params = this.serverParams;
    const data = this.inputs.data();
    if (!hdu || !src || !params || !data) return;
    if (this.wantClient() !== src instanceof RawPyramidSource) {
      const next = this.makePyramidSource(hdu);
      if (next) this.install(next, true);
    } else if (src instanceof RawPyramidSource) {
      src.setData(data);
      void this.applyClientRender();
    } else if (renderQuery(params) !== renderQuery(src.render)) {
      this.resetErrors();
      src.setRender(params);
    }
  }

  /** Loads the colours of the current colormap (for the colorbar and client rendering). */
  private loadPalette(): void {
    const { cmap, invert } = this.inputs.settings();
    const key = `${cmap}|${invert ? 1 : 0}`;
    if (key === this.paletteKey) return;
    this.paletteKey = key;
    this.set("palette", null);
    fetchColormap(cmap).then(
      (colors) => {
        if (this.paletteKey !== key) return;
        this.set("palette", packPalette(colors, invert));
        if (this.clientActive) void this.applyClientRender();
      },
      (error: unknown) => {
        if (this.paletteKey !== key) return;
        // Let a later change of colormap try again.
        this.paletteKey = "";
        if (this.clientActive) this.set("pyramidTileError", errorText(error));
      },
    );
  }

  /** The client rendering of the current parameters; waits for the colours if needed. */
  async clientRender(): Promise<ClientRender | null> {
    return (await this.keyedClientRender())?.render ?? null;
  }

  private async keyedClientRender(): Promise<{ render: ClientRender; key: string } | null> {
    const { stretch, cmap, invert } = this.inputs.settings();
    if (!isClientStretch(stretch)) return null;
    this.loadPalette();
    let palette = this.shown.palette;
    if (!palette) palette = packPalette(await fetchColormap(cmap), invert);
    // The limits and contrast/bias as they are once the colours are there.
    const s = this.inputs.settings();
    const [lo, hi] = shownLimits(s, this.inputs.description());
    const cb = contrastBiasOf(s);
    return {
      render: clientRender(lo, hi, stretch, cb, palette),
      key: clientKey(cmap, invert, stretch, lo, hi, cb),
    };
  }

  /** Repaints client-rendered pyramid tiles with the current parameters: no request to the server. */
  async applyClientRender(): Promise<void> {
    const src = this.pyramidSource;
    if (!(src instanceof RawPyramidSource) || !this.shown.palette) return;
    const keyed = await this.keyedClientRender();
    if (!keyed || this.pyramidSource !== src) return;
    this.set("pyramidTileError", null);
    src.setRenderer(keyed.render);
    this.appliedClientKey = keyed.key;
    this.map?.render();
  }

  /** What the settings ask the map to draw now, as a comparable string ("" with no image). */
  wantedKey(): string {
    const params = this.serverParams;
    const data = this.inputs.data();
    if (!this.pyramidSource || !params || !data) return "";
    if (!this.wantClient()) return `server ${renderQuery(params)}`;
    const s = this.inputs.settings();
    const [lo, hi] = shownLimits(s, this.inputs.description());
    const key = clientKey(s.cmap, s.invert, s.stretch, lo, hi, contrastBiasOf(s));
    return `client ${key} ${dataQuery(data)}`;
  }

  /** What the installed pyramid source draws, in the terms of `wantedKey`. */
  shownKey(): string {
    const src = this.pyramidSource;
    if (src instanceof RawPyramidSource)
      return `client ${this.appliedClientKey} ${dataQuery(src.data)}`;
    return src ? `server ${renderQuery(src.render)}` : "";
  }

  /** The float pyramid tile under the centre of the view, if the browser can paint it. */
  centrePyramidTileUrl(): string | null {
    const hdu = this.inputs.hdu();
    const src = this.pyramidSource;
    const data = this.inputs.data();
    const view = this.map?.getView();
    const center = view?.getCenter();
    const resolution = view?.getResolution();
    const grid = src?.getTileGrid();
    if (!hdu || !src || !data || !center || !resolution || !grid) return null;
    if (!isClientStretch(this.inputs.settings().stretch) || clientRenderBlocked(hdu) !== null) {
      return null;
    }
    const z = grid.getZForResolution(resolution);
    const coord = grid.getTileCoordForCoordAndZ(center, z);
    const { level, tx, ty } = pyramidTileCoord(src.levels, z, coord[1] ?? 0, coord[2] ?? 0);
    return rawPyramidTileUrl(data, level, tx, ty);
  }

  colorbarModel(): ColorbarModel | null {
    const params = this.inputs.params();
    if (!params || !this.pyramidSource) return null;
    const client = this.clientActive;
    const cb = contrastBiasOf(this.inputs.settings());
    // The server folds contrast/bias into its limits; the client applies it to the colours.
    const [lo, hi] = client
      ? [params.lo, params.hi]
      : effectiveLimits(params.lo, params.hi, params.stretch, cb);
    return {
      palette: this.shown.palette,
      contrastBias: client ? cb : NEUTRAL_CONTRAST_BIAS,
      lo,
      hi,
      stretch: params.stretch,
    };
  }

  private onPyramidTileFailure(failure: PyramidTileFailure): void {
    const key = failure.url.split("?")[1] ?? "";
    // One look at the error body per rendering is enough: every pyramid tile fails the same way.
    if (this.checkedErrorKey === key) return;
    this.checkedErrorKey = key;
    void pyramidTileFailureMessage(failure.url).then((message) => {
      const src = this.pyramidSource;
      const current =
        src instanceof RawPyramidSource
          ? dataQuery(src.data)
          : src
            ? renderQuery(src.render)
            : null;
      if (message && key === current) this.set("pyramidTileError", message);
    });
  }

  private set<K extends keyof Shown>(key: K, value: Shown[K]): void {
    if (this.shown[key] === value) return;
    this.shown[key] = value;
    this.host.requestUpdate();
  }
}

function clientKey(
  cmap: string,
  invert: boolean,
  stretch: string,
  lo: number,
  hi: number,
  cb: { contrast: number; bias: number },
): string {
  return [cmap, invert ? 1 : 0, stretch, lo, hi, cb.contrast, cb.bias].join("|");
}

/** What the server says about a failed pyramid tile; null when it serves it now (a transient failure). */
async function pyramidTileFailureMessage(url: string): Promise<string | null> {
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (response.ok) return null;
    let message = `Tile request failed (HTTP ${response.status}).`;
    try {
      const body: unknown = await response.json();
      if (isHttpErrorBody(body)) message = body.error.message;
    } catch {
      // not JSON: keep the status line
    }
    return message;
  } catch (error) {
    return `Tile request failed: ${errorText(error)}`;
  }
}
