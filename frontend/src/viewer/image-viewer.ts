// <toyz-image-viewer>: one image (file, HDU, plane) as a zoomable pyramid of server tiles.
import { LitElement, html, nothing, type TemplateResult } from "lit";
import OlMap from "ol/Map";
import View from "ol/View";
import Zoom from "ol/control/Zoom";
import { defaults as defaultInteractions } from "ol/interaction/defaults";
import type MapBrowserEvent from "ol/MapBrowserEvent";

import type { Description, HduInfo, ImageTileState, Pixel } from "../protocol";
import { isHttpErrorBody } from "../protocol";
import { errorText, type WorkspaceSocket } from "../socket";
import { basename, formatValue, roundTo, sexagesimal, significant } from "../util";
import { COLORMAPS, CUSTOM_CMAP, DEFAULT_CMAP, DEFAULT_LIMITS, DEFAULT_STRETCH } from "./options";
import { PixelProbe, fetchPixel } from "./probe";
import { colorbarSignature, colorbarTemplate, paintColorbar, type ColorbarModel } from "./colorbar";
import { fetchColormap } from "./colormaps";
import { ContrastDrag } from "./contrast";
import { DEFAULT_FPS, PlanePlayer, clampFps } from "./cube";
import { ccdReadout } from "./hdus";
import { RawPyramidSource, fetchRaw, paintToImageData } from "./raw-source";
import { ImageLayers, type ImageSource } from "./layers";
import { togglePrerender } from "./prerender";
import {
  NEUTRAL_CONTRAST_BIAS,
  clientRender,
  effectiveLimits,
  isClientStretch,
  packPalette,
  type ClientRender,
  type ContrastBias,
} from "./stretch";
import { dataQuery, rawTileUrl, tileUrl as serverTileUrl, type DataParams } from "./tiles";
import {
  headerDialogTemplate,
  prerenderTemplate,
  errorBannerTemplate,
  statusTemplate,
  toolbarTemplate,
  type PrerenderState,
  type Readout,
  type ToolbarHandlers,
  type ToolbarModel,
} from "./templates";
import {
  PyramidSource,
  pixelProjection,
  renderQuery,
  type RenderParams,
  type TileFailure,
} from "./pyramid";

/** Deepest zoom: 16 screen pixels per image pixel. */
const MIN_RESOLUTION = 1 / 16;

let instances = 0;

interface OpenOptions {
  hdu?: number;
  plane?: number;
  view?: { center: [number, number]; resolution: number } | null;
}

export class ToyzImageViewer extends LitElement {
  static override properties = {
    tileId: { attribute: "tile-id" },
    _description: { state: true },
    _path: { state: true },
    _stretch: { state: true },
    _limits: { state: true },
    _userLo: { state: true },
    _userHi: { state: true },
    _cmap: { state: true },
    _cmapCustom: { state: true },
    _invert: { state: true },
    _busy: { state: true },
    _error: { state: true },
    _tileError: { state: true },
    _readout: { state: true },
    _tilesLoading: { state: true },
    _prerender: { state: true },
    _headerFilter: { state: true },
    _clientRender: { state: true },
    _contrast: { state: true },
    _bias: { state: true },
    _contrastTool: { state: true },
    _playing: { state: true },
    _fps: { state: true },
    _palette: { state: true },
    _preview: { state: true },
  };

  declare tileId: string;
  /** Set by the workspace before `open`/`restore`. */
  socket: WorkspaceSocket | null = null;

  declare private _description: Description | null;
  declare private _path: string | null;
  declare private _stretch: string;
  declare private _limits: string;
  declare private _userLo: number;
  declare private _userHi: number;
  declare private _cmap: string;
  declare private _cmapCustom: boolean;
  declare private _invert: boolean;
  declare private _busy: boolean;
  declare private _error: string | null;
  declare private _tileError: string | null;
  declare private _readout: Readout | null;
  declare private _tilesLoading: number;
  declare private _prerender: PrerenderState | null;
  declare private _headerFilter: string;
  /** The user's choice; null: the default (on for single-band images). */
  declare private _clientRender: boolean | null;
  declare private _contrast: number;
  declare private _bias: number;
  declare private _contrastTool: boolean;
  declare private _playing: boolean;
  declare private _fps: number;
  /** The packed colours of the current colormap (inversion applied), null while loading. */
  declare private _palette: Uint32Array | null;
  declare private _preview: boolean;

  private readonly uid = ++instances;
  private map: OlMap | null = null;
  private layers: ImageLayers | null = null;
  private paletteKey = "";
  private colorbarPainted = "";
  private previewData: Float32Array | null = null;
  private previewSeq = 0;
  private readonly player = new PlanePlayer(
    (plane) => this.showPlane(plane),
    () => {
      const d = this._description;
      const hdu = this.hduInfo;
      return d && hdu && this.source ? { plane: d.plane, planes: hdu.planes } : null;
    },
    (playing) => (this._playing = playing),
  );
  private resizeObserver: ResizeObserver | null = null;
  private pendingFit = false;
  // True while the view is the fitted one: the image then stays fitted as the tile resizes.
  private fitted = false;
  private describeSeq = 0;
  private checkedErrorKey: string | null = null;
  private readonly probe = new PixelProbe(
    (pixel) => this.showPixel(pixel),
    (error) => {
      if (this._readout) this._readout = { ...this._readout, value: `(${errorText(error)})` };
    },
  );

  constructor() {
    super();
    this.tileId = "";
    this._description = null;
    this._path = null;
    this._stretch = DEFAULT_STRETCH;
    this._limits = DEFAULT_LIMITS;
    this._userLo = 0;
    this._userHi = 1;
    this._cmap = DEFAULT_CMAP;
    this._cmapCustom = false;
    this._invert = false;
    this._busy = false;
    this._error = null;
    this._tileError = null;
    this._readout = null;
    this._tilesLoading = 0;
    this._prerender = null;
    this._headerFilter = "";
    this._clientRender = null;
    this._contrast = NEUTRAL_CONTRAST_BIAS.contrast;
    this._bias = NEUTRAL_CONTRAST_BIAS.bias;
    this._contrastTool = false;
    this._playing = false;
    this._fps = DEFAULT_FPS;
    this._palette = null;
    this._preview = false;
  }

  // Light DOM: OpenLayers' and the page's style sheets apply inside.
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // Public, read-only API (browser tests read these)

  /** Tiles loaded successfully since the current file was opened. */
  get loadedTiles(): number {
    return this.layers?.loaded ?? 0;
  }

  get failedTiles(): number {
    return this.layers?.failed ?? 0;
  }

  /** The tile source shown, null with no image. */
  private get source(): ImageSource | null {
    return this.layers?.source ?? null;
  }

  get description(): Description | null {
    return this._description;
  }

  get hduInfo(): HduInfo | null {
    const d = this._description;
    return d ? (d.hdus.find((h) => h.index === d.hdu) ?? null) : null;
  }

  /** The rendering parameters of the tiles shown now, or null with no image. */
  get renderParams(): RenderParams | null {
    const d = this._description;
    if (!d || !this._path) return null;
    const [lo, hi] = this.currentLimits();
    return {
      path: d.path,
      hdu: d.hdu,
      plane: d.plane,
      stretch: this._stretch,
      lo,
      hi,
      cmap: this._cmap,
      invert: this._invert,
      identity: d.identity,
      format: "png",
    };
  }

  /** What server-rendered tiles are asked with: contrast/bias folded into the limits. */
  private get serverParams(): RenderParams | null {
    const params = this.renderParams;
    if (!params) return null;
    const [lo, hi] = effectiveLimits(params.lo, params.hi, params.stretch, this.contrastBias);
    return { ...params, lo, hi };
  }

  private get dataParams(): DataParams | null {
    const d = this._description;
    if (!d || !this._path) return null;
    return { path: d.path, hdu: d.hdu, plane: d.plane, identity: d.identity };
  }

  /** The URL of the server-rendered tile (level, tx, ty) with the current parameters. */
  tileUrl(level: number, tx: number, ty: number): string | null {
    const params = this.serverParams;
    return params && this.source ? serverTileUrl(params, level, tx, ty) : null;
  }

  /** The URL of the float tile (level, tx, ty) of the picture shown. */
  rawTileUrl(level: number, tx: number, ty: number): string | null {
    const data = this.dataParams;
    return data && this.source ? rawTileUrl(data, level, tx, ty) : null;
  }

  /** True while the browser draws the tiles from float data (no server rendering). */
  get clientRenderActive(): boolean {
    return this.source instanceof RawPyramidSource;
  }

  get contrastBias(): ContrastBias {
    return { contrast: this._contrast, bias: this._bias };
  }

  get playing(): boolean {
    return this._playing;
  }

  /**
   * The RGBA bytes (256 × 256 × 4, first row on top) that client rendering gives tile
   * (level, tx, ty) with the current parameters; null when the client cannot draw it.
   */
  async clientTilePixels(level: number, tx: number, ty: number): Promise<number[] | null> {
    const url = this.rawTileUrl(level, tx, ty);
    const render = await this.currentClientRender();
    if (!url || !render) return null;
    return Array.from(paintToImageData(await fetchRaw(url), render).data);
  }

  /** Plays or pauses the planes of a cube. */
  togglePlay(): void {
    this.player.toggle();
  }

  /** What the layout saves to reopen the same picture. */
  get state(): ImageTileState {
    const state: ImageTileState = {
      stretch: this._stretch,
      limits: this._limits,
      cmap: this._cmap,
      invert: this._invert,
      contrast: this._contrast,
      bias: this._bias,
    };
    if (this._clientRender !== null) state.clientRender = this._clientRender;
    if (this._limits === "user") {
      state.lo = this._userLo;
      state.hi = this._userHi;
    }
    if (this._path) {
      state.path = this._path;
      const d = this._description;
      if (d && d.path === this._path) {
        state.hdu = d.hdu;
        state.plane = d.plane;
        // The view belongs to the picture shown, not to one still being opened.
        const view = this.source ? this.map?.getView() : undefined;
        const center = view?.getCenter();
        const resolution = view?.getResolution();
        if (center && resolution && center.length >= 2) {
          state.center = [roundTo(center[0] ?? 0, 2), roundTo(center[1] ?? 0, 2)];
          state.resolution = significant(resolution, 6);
        }
      } else {
        if (this.wantedHdu !== undefined) state.hdu = this.wantedHdu;
        if (this.wantedPlane !== undefined) state.plane = this.wantedPlane;
        if (this.wantedView) {
          state.center = this.wantedView.center;
          state.resolution = this.wantedView.resolution;
        }
      }
    }
    return state;
  }

  // What was asked for while the description is not there yet (kept in the saved state).
  private wantedHdu: number | undefined;
  private wantedPlane: number | undefined;
  private wantedView: { center: [number, number]; resolution: number } | null = null;

  /** Opens a file: describes it (default HDU unless given) and fits it in the view. */
  async open(path: string, options: OpenOptions = {}): Promise<void> {
    const socket = this.socket;
    if (!socket) throw new Error("toyz-image-viewer: no socket");
    const seq = ++this.describeSeq;
    const samePicture = this._path === path && this._description?.path === path;
    if (this._path !== path) {
      this.player.stop();
      this.layers?.resetCounts();
      this._prerender = null;
    }
    this._path = path;
    this.wantedHdu = options.hdu;
    this.wantedPlane = options.plane;
    this.wantedView = options.view ?? null;
    this._busy = true;
    this._error = null;
    this.emitState();
    const params: { path: string; hdu?: number; plane?: number } = { path };
    if (options.hdu !== undefined) params.hdu = options.hdu;
    if (options.plane !== undefined) params.plane = options.plane;
    try {
      const description = await socket.job("imaging.describe", params);
      if (seq !== this.describeSeq) return;
      this.showDescription(description, options.view ?? null, samePicture);
    } catch (error) {
      if (seq !== this.describeSeq) return;
      this._error = errorText(error);
      // Another HDU or plane of the file shown failed: keep showing what was there.
      if (samePicture && this.source) {
        this.wantedHdu = undefined;
        this.wantedPlane = undefined;
        this.wantedView = null;
        const select = this.querySelector<HTMLSelectElement>("select[data-testid=hdu]");
        if (select && this._description) select.value = String(this._description.hdu);
        this.emitState();
        return;
      }
      // Keep no picture of another file under this one's name.
      this._description = null;
      this.dropLayer();
    } finally {
      if (seq === this.describeSeq) this._busy = false;
    }
  }

  /** Reopens a saved state (workspace restore, or a collaborator's change). */
  async restore(state: ImageTileState, options: { view?: boolean } = {}): Promise<void> {
    const applyView = options.view ?? true;
    if (state.stretch) this._stretch = state.stretch;
    if (state.limits) this._limits = state.limits;
    if (typeof state.lo === "number") this._userLo = state.lo;
    if (typeof state.hi === "number") this._userHi = state.hi;
    if (state.cmap) {
      this._cmap = state.cmap;
      this._cmapCustom = !COLORMAPS.includes(state.cmap);
    }
    if (typeof state.invert === "boolean") this._invert = state.invert;
    if (typeof state.contrast === "number" && state.contrast > 0) this._contrast = state.contrast;
    if (typeof state.bias === "number" && Number.isFinite(state.bias)) this._bias = state.bias;
    if (typeof state.clientRender === "boolean") this._clientRender = state.clientRender;
    const view =
      applyView && state.center && state.resolution
        ? { center: state.center, resolution: state.resolution }
        : null;
    const d = this._description;
    const samePicture =
      d !== null &&
      state.path === this._path &&
      (state.hdu === undefined || state.hdu === d.hdu) &&
      (state.plane === undefined || state.plane === d.plane);
    if (!state.path) {
      this.clear();
    } else if (!samePicture) {
      const opts: OpenOptions = { view };
      if (state.hdu !== undefined) opts.hdu = state.hdu;
      if (state.plane !== undefined) opts.plane = state.plane;
      await this.open(state.path, opts);
    } else {
      this.updateRender();
      if (view) this.setView(view);
    }
  }

  /** Shows nothing (the empty viewer). */
  clear(): void {
    this.player.stop();
    this.describeSeq += 1;
    this._path = null;
    this._description = null;
    this._error = null;
    this._tileError = null;
    this._busy = false;
    this._prerender = null;
    this.layers?.resetCounts();
    this.dropLayer();
    this.emitState();
  }

  fit(): void {
    const hdu = this.hduInfo;
    const map = this.map;
    if (!hdu || !map || !this.source) return;
    this.fitted = true;
    const size = map.getSize();
    if (!size || size[0] === 0 || size[1] === 0) {
      this.pendingFit = true;
      return;
    }
    this.pendingFit = false;
    map.getView().fit([0, 0, hdu.width, hdu.height], { size, padding: [6, 6, 6, 6] });
  }

  zoomToActualSize(): void {
    if (!this.source) return;
    this.fitted = false;
    this.map?.getView().setResolution(1);
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  protected override firstUpdated(): void {
    const target = this.querySelector<HTMLElement>(".viewer-map");
    if (!target) return;
    this.map = new OlMap({
      target,
      controls: [new Zoom({ className: "ol-zoom viewer-zoom" })],
      interactions: defaultInteractions({ altShiftDragRotate: false, pinchRotate: false }),
      layers: [],
      view: new View({ center: [0, 0], resolution: 1 }),
    });
    this.layers = new ImageLayers(this.map, (count) => (this._tilesLoading = count));
    this.map.on("moveend", () => {
      if (this.source) this.emitState();
    });
    this.map.on("pointermove", (event: MapBrowserEvent) => this.onPointerMove(event));
    target.addEventListener("pointerleave", () => {
      this.probe.reset();
      this._readout = null;
    });
    // The user moved the view: stop refitting it on resize.
    this.map.on("pointerdrag", () => (this.fitted = false));
    const unfit = (): void => {
      this.fitted = false;
    };
    target.addEventListener("wheel", unfit, { capture: true, passive: true });
    target.addEventListener("dblclick", unfit, { capture: true });
    target.addEventListener("keydown", unfit, { capture: true });
    target.addEventListener("click", (event) => {
      if ((event.target as HTMLElement).closest(".ol-zoom")) unfit();
    });
    new ContrastDrag(target, {
      enabled: () => this.source !== null,
      toolActive: () => this._contrastTool,
      current: () => this.contrastBias,
      start: () => this.startContrastDrag(),
      move: (cb) => this.moveContrast(cb),
      end: (cb) => this.endContrastDrag(cb),
    });
    this.resizeObserver = new ResizeObserver(() => {
      this.map?.updateSize();
      if (this.pendingFit || this.fitted) this.fit();
    });
    this.resizeObserver.observe(target);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.probe.reset();
  }

  /** Releases OpenLayers' resources; the element is not usable afterwards. */
  dispose(): void {
    this.player.stop();
    this.describeSeq += 1;
    this.probe.reset();
    this.resizeObserver?.disconnect();
    this.map?.setTarget(undefined);
    this.map?.dispose();
    this.map = null;
  }

  // -------------------------------------------------------------------------------------------
  // Showing a description

  private showDescription(d: Description, view: OpenOptions["view"], samePicture: boolean): void {
    const previous = this._description;
    this._description = d;
    this.wantedHdu = undefined;
    this.wantedPlane = undefined;
    this.wantedView = null;
    this._tileError = null;
    this.checkedErrorKey = null;
    const hdu = d.hdus.find((h) => h.index === d.hdu);
    if (!hdu || hdu.problem || hdu.width <= 0 || hdu.height <= 0) {
      this._error = hdu?.problem ?? `HDU ${d.hdu} cannot be shown.`;
      this.dropLayer();
      this.emitState();
      return;
    }
    if (!(this._limits in d.cuts) && this._limits !== "user") {
      this._limits = DEFAULT_LIMITS in d.cuts ? DEFAULT_LIMITS : (Object.keys(d.cuts)[0] ?? "user");
    }
    if (!this.renderParams || !this.map) return;
    const sameGeometry =
      samePicture &&
      previous !== null &&
      this.source !== null &&
      previous.hdu === d.hdu &&
      previous.identity === d.identity &&
      this.source.levels === hdu.levels;
    if (sameGeometry && this.source) {
      // Another plane of the same cube: keep the view, swap the tiles (the old ones stay
      // on screen until the new ones are there).
      this.updateRender();
      return;
    }
    this.buildLayer(hdu, view);
    this.emitState();
  }

  /** Why the browser cannot draw this HDU itself (null: it can). */
  private clientRenderBlocked(hdu: HduInfo | null): string | null {
    if (!hdu) return "No image";
    if (hdu.bands > 1) return "Colour images are drawn by the server";
    return null;
  }

  /** Client rendering is asked for (or the default) and can draw the current stretch. */
  private wantClient(): boolean {
    const hdu = this.hduInfo;
    if (!hdu || this.clientRenderBlocked(hdu) !== null) return false;
    return (this._clientRender ?? true) && isClientStretch(this._stretch);
  }

  /** A source of the kind the current settings want, with the viewer's tile counters. */
  private makeSource(hdu: HduInfo): ImageSource | null {
    const params = this.serverParams;
    const data = this.dataParams;
    if (!params || !data) return null;
    const { width, height, levels } = hdu;
    const projection = pixelProjection(width, height);
    const onFailure = (failure: TileFailure): void => this.onTileFailure(failure);
    const source = this.wantClient()
      ? new RawPyramidSource({ projection, width, height, levels, data, onFailure })
      : new PyramidSource({ projection, width, height, levels, params, onFailure });
    return this.layers?.watch(source) ?? null;
  }

  /** Shows `source` (see ImageLayers.install), then gets its colours ready. */
  private installSource(source: ImageSource, crossfade = false): void {
    this.layers?.install(source, crossfade);
    this.loadPalette();
    if (source instanceof RawPyramidSource) void this.applyClientRender();
  }

  private buildLayer(hdu: HduInfo, view: OpenOptions["view"]): void {
    const map = this.map;
    const source = this.makeSource(hdu);
    if (!map || !source) return;
    const { width, height, levels } = hdu;
    const projection = source.getProjection() ?? pixelProjection(width, height);
    const size = map.getSize();
    const fitResolution =
      size && size[0] && size[1] ? Math.max(width / size[0], height / size[1]) : 2 ** (levels - 1);
    map.setView(
      new View({
        projection,
        center: [width / 2, height / 2],
        resolution: fitResolution,
        minResolution: MIN_RESOLUTION,
        maxResolution: Math.max(2 ** levels, fitResolution * 4),
        extent: [0, 0, width, height],
        constrainOnlyCenter: true,
        showFullExtent: true,
        enableRotation: false,
      }),
    );
    this.installSource(source);
    if (view) this.setView(view);
    else this.fit();
  }

  private dropLayer(): void {
    this.layers?.drop();
  }

  private setView(view: { center: [number, number]; resolution: number }): void {
    const v = this.map?.getView();
    if (!v) return;
    this.pendingFit = false;
    this.fitted = false;
    v.setCenter(view.center);
    v.setResolution(view.resolution);
  }

  private currentLimits(): [number, number] {
    if (this._limits === "user") return [this._userLo, this._userHi];
    const cuts = this._description?.cuts ?? {};
    return cuts[this._limits] ?? cuts["minmax"] ?? Object.values(cuts)[0] ?? [0, 1];
  }

  /**
   * New rendering parameters or plane: client rendering repaints from the float tiles it has;
   * server rendering asks for new tile URLs. Switches between the two when the choice (or a
   * stretch only the server draws) says so.
   */
  private updateRender(): void {
    this.loadPalette();
    const hdu = this.hduInfo;
    const src = this.source;
    const params = this.serverParams;
    const data = this.dataParams;
    if (hdu && src && params && data) {
      const client = this.wantClient();
      if (client !== src instanceof RawPyramidSource) {
        const next = this.makeSource(hdu);
        if (next) this.installSource(next, true);
      } else if (src instanceof RawPyramidSource) {
        src.setData(data);
        void this.applyClientRender();
      } else if (renderQuery(params) !== renderQuery(src.render)) {
        this._tileError = null;
        this.checkedErrorKey = null;
        src.setRender(params);
      }
    }
    this.emitState();
  }

  /** Loads the colours of the current colormap (for the colorbar and client rendering). */
  private loadPalette(): void {
    const key = `${this._cmap}|${this._invert ? 1 : 0}`;
    if (key === this.paletteKey) return;
    this.paletteKey = key;
    this._palette = null;
    const { _cmap: cmap, _invert: invert } = this;
    fetchColormap(cmap).then(
      (colors) => {
        if (this.paletteKey !== key) return;
        this._palette = packPalette(colors, invert);
        if (this.source instanceof RawPyramidSource) void this.applyClientRender();
      },
      (error: unknown) => {
        if (this.paletteKey !== key) return;
        // Let a later change of colormap try again.
        this.paletteKey = "";
        if (this.source instanceof RawPyramidSource) this._tileError = errorText(error);
      },
    );
  }

  /** The client rendering of the current parameters; waits for the colours if needed. */
  private async currentClientRender(): Promise<ClientRender | null> {
    if (!isClientStretch(this._stretch)) return null;
    this.loadPalette();
    let palette = this._palette;
    if (!palette) {
      const invert = this._invert;
      palette = packPalette(await fetchColormap(this._cmap), invert);
    }
    const [lo, hi] = this.currentLimits();
    return clientRender(lo, hi, this._stretch, this.contrastBias, palette);
  }

  /** Repaints client-rendered tiles with the current parameters: no request to the server. */
  private async applyClientRender(): Promise<void> {
    const src = this.source;
    if (!(src instanceof RawPyramidSource) || !this._palette) return;
    const render = await this.currentClientRender();
    if (!render || this.source !== src) return;
    this._tileError = null;
    src.setRenderer(render);
    this.map?.render();
  }

  /** Shows another plane of the cube, keeping the view; resolves once its tiles are drawn. */
  private async showPlane(plane: number): Promise<void> {
    await this.openPlane(plane);
    if (this._description?.plane !== plane) throw new Error("the plane could not be shown");
    await this.layers?.drawn();
  }

  /** Opens another plane of the HDU shown, keeping the view where it is. */
  private async openPlane(plane: number): Promise<void> {
    const d = this._description;
    if (!this._path || !d) return;
    const view = this.state;
    await this.open(this._path, {
      hdu: d.hdu,
      plane,
      view:
        view.center && view.resolution
          ? { center: view.center, resolution: view.resolution }
          : null,
    });
  }

  private emitState(): void {
    this.dispatchEvent(
      new CustomEvent("toyz-viewer-state", {
        bubbles: true,
        composed: true,
        detail: { tileId: this.tileId, state: this.state },
      }),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Tiles that fail

  private onTileFailure(failure: TileFailure): void {
    const key = failure.url.split("?")[1] ?? "";
    // One look at the error body per rendering is enough: every tile fails the same way.
    if (this.checkedErrorKey === key) return;
    this.checkedErrorKey = key;
    void fetch(failure.url, { credentials: "same-origin" })
      .then(async (response) => {
        if (response.ok) return null; // a transient failure: the next attempt may work
        let message = `Tile request failed (HTTP ${response.status}).`;
        try {
          const body: unknown = await response.json();
          if (isHttpErrorBody(body)) message = body.error.message;
        } catch {
          // not JSON: keep the status line
        }
        return message;
      })
      .catch((error: unknown) => `Tile request failed: ${errorText(error)}`)
      .then((message) => {
        const src = this.source;
        const current =
          src instanceof RawPyramidSource
            ? dataQuery(src.data)
            : src
              ? renderQuery(src.render)
              : null;
        if (message && key === current) this._tileError = message;
      });
  }

  // -------------------------------------------------------------------------------------------
  // Pixel readout

  private onPointerMove(event: MapBrowserEvent): void {
    if (event.dragging) return;
    const hdu = this.hduInfo;
    const d = this._description;
    if (!hdu || !d || !this.source || !this.socket) return;
    const [x, y] = event.coordinate as [number, number];
    if (x < 0 || y < 0 || x >= hdu.width || y >= hdu.height) {
      this.probe.reset();
      this._readout = null;
      return;
    }
    const col = Math.floor(x);
    const row = Math.floor(y);
    const same = this._readout && this._readout.x === col + 1 && this._readout.y === row + 1;
    if (!same) this._readout = { x: col + 1, y: row + 1, value: null, world: null };
    const { path, hdu: hduIndex, plane } = d;
    this.probe.move(x, y, (px, py) => fetchPixel({ path, hdu: hduIndex, plane }, px, py));
  }

  private showPixel(pixel: Pixel): void {
    let world: string | null = null;
    const parts = pixel.world?.trim().split(/\s+/) ?? [];
    if (parts.length === 2) world = `RA ${parts[0]}  Dec ${parts[1]}`;
    else if (pixel.ra !== null && pixel.dec !== null) {
      world = `RA ${sexagesimal(pixel.ra, true)}  Dec ${sexagesimal(pixel.dec, false)}`;
    } else if (pixel.world) world = pixel.world;
    this._readout = {
      x: pixel.col + 1,
      y: pixel.row + 1,
      value: pixel.inside ? formatValue(pixel.value) : "outside",
      world,
      ccd: ccdReadout(pixel),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Toolbar handlers

  private onHdu(event: Event): void {
    const index = Number((event.target as HTMLSelectElement).value);
    if (!this._path || !Number.isInteger(index)) return;
    this.player.stop();
    void this.open(this._path, { hdu: index, plane: 0 });
  }

  private onPlane(event: Event): void {
    const input = event.target as HTMLInputElement;
    const hdu = this.hduInfo;
    const d = this._description;
    if (!this._path || !hdu || !d) return;
    this.player.stop();
    const plane = Math.min(hdu.planes - 1, Math.max(0, Math.round(Number(input.value))));
    input.value = String(plane);
    if (plane === d.plane) return;
    void this.openPlane(plane);
  }

  private onStretch(event: Event): void {
    this._stretch = (event.target as HTMLSelectElement).value;
    this.updateRender();
  }

  private onLimits(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    if (value === "user" && this._limits !== "user") {
      // Start the user's limits from what is shown now.
      [this._userLo, this._userHi] = this.currentLimits();
    }
    this._limits = value;
    this.updateRender();
  }

  private onUserLimit(which: "lo" | "hi", event: Event): void {
    const value = Number((event.target as HTMLInputElement).value);
    if (!Number.isFinite(value)) return;
    if (which === "lo") this._userLo = value;
    else this._userHi = value;
    this.updateRender();
  }

  private onCmapSelect(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    if (value === CUSTOM_CMAP) {
      this._cmapCustom = true;
      return;
    }
    this._cmapCustom = false;
    this._cmap = value;
    this.updateRender();
  }

  private onCmapText(event: Event): void {
    const value = (event.target as HTMLInputElement).value.trim();
    if (!value || value === this._cmap) return;
    this._cmap = value;
    this._cmapCustom = !COLORMAPS.includes(value);
    this.updateRender();
  }

  private onInvert(event: Event): void {
    this._invert = (event.target as HTMLInputElement).checked;
    this.updateRender();
  }

  private onClientRender(event: Event): void {
    this._clientRender = (event.target as HTMLInputElement).checked;
    this.updateRender();
  }

  private onFps(event: Event): void {
    const input = event.target as HTMLInputElement;
    this._fps = clampFps(Number(input.value));
    input.value = String(this._fps);
    this.player.fps = this._fps;
  }

  private resetContrast(): void {
    this._contrast = NEUTRAL_CONTRAST_BIAS.contrast;
    this._bias = NEUTRAL_CONTRAST_BIAS.bias;
    this.updateRender();
  }

  // -------------------------------------------------------------------------------------------
  // Contrast/bias drag

  private startContrastDrag(): void {
    if (this.source instanceof RawPyramidSource) return;
    // Server rendering: preview the tile under the centre, drawn here from its float values.
    const seq = ++this.previewSeq;
    this.previewData = null;
    const hdu = this.hduInfo;
    const map = this.map;
    const src = this.source;
    const center = map?.getView().getCenter();
    const resolution = map?.getView().getResolution();
    const grid = src?.getTileGrid();
    if (!hdu || !src || !center || !resolution || !grid || !isClientStretch(this._stretch)) return;
    if (this.clientRenderBlocked(hdu) !== null) return;
    const z = grid.getZForResolution(resolution);
    const coord = grid.getTileCoordForCoordAndZ(center, z);
    const url = this.rawTileUrl(src.levels - 1 - z, coord[1] ?? 0, -(coord[2] ?? 0) - 1);
    if (!url) return;
    this._preview = true;
    void fetchRaw(url).then(
      (data) => {
        if (seq !== this.previewSeq || !this._preview) return;
        this.previewData = data;
        void this.paintPreview();
      },
      () => {
        if (seq === this.previewSeq) this._preview = false;
      },
    );
  }

  private moveContrast(cb: ContrastBias): void {
    this._contrast = cb.contrast;
    this._bias = cb.bias;
    if (this.source instanceof RawPyramidSource) void this.applyClientRender();
    else void this.paintPreview();
  }

  private endContrastDrag(cb: ContrastBias): void {
    this.previewSeq += 1;
    this._preview = false;
    this.previewData = null;
    this._contrast = cb.contrast;
    this._bias = cb.bias;
    this.updateRender();
  }

  private async paintPreview(): Promise<void> {
    const data = this.previewData;
    if (!data) return;
    const render = await this.currentClientRender();
    const canvas = this.querySelector<HTMLCanvasElement>("canvas.contrast-preview");
    if (!render || !canvas || data !== this.previewData) return;
    canvas.width = data.length === 0 ? 0 : 256;
    canvas.height = 256;
    canvas.getContext("2d")?.putImageData(paintToImageData(data, render), 0, 0);
  }

  private colorbarModel(): ColorbarModel | null {
    const params = this.renderParams;
    if (!params || !this.source) return null;
    const client = this.source instanceof RawPyramidSource;
    // The server folds contrast/bias into its limits; the client applies it to the colours.
    const [lo, hi] = client
      ? [params.lo, params.hi]
      : effectiveLimits(params.lo, params.hi, params.stretch, this.contrastBias);
    return {
      palette: this._palette,
      contrastBias: client ? this.contrastBias : NEUTRAL_CONTRAST_BIAS,
      lo,
      hi,
      stretch: params.stretch,
    };
  }

  protected override updated(): void {
    const model = this.colorbarModel();
    const canvas = this.querySelector<HTMLCanvasElement>("canvas.colorbar-canvas");
    if (!model || !canvas) {
      this.colorbarPainted = "";
      return;
    }
    const signature = colorbarSignature(model);
    if (signature && signature !== this.colorbarPainted) {
      paintColorbar(canvas, model);
      this.colorbarPainted = signature;
    }
  }

  private showHeader(): void {
    this.querySelector<HTMLDialogElement>("dialog.header-dialog")?.showModal();
  }

  private prerender(): void {
    const socket = this.socket;
    const d = this._description;
    if (!socket || !d) return;
    void togglePrerender(
      socket,
      d.path,
      d.hdu,
      d.plane,
      () => this._prerender,
      (state) => (this._prerender = state),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Rendering

  protected override render(): TemplateResult {
    const d = this._description;
    const hdu = this.hduInfo;
    const hasImage = d !== null && hdu !== null && !hdu.problem && this.source !== null;
    const error = this._error ?? this._tileError;
    const [lo, hi] = this.currentLimits();
    const model: ToolbarModel = {
      uid: this.uid,
      description: d,
      hdu,
      hasImage,
      stretch: this._stretch,
      limits: this._limits,
      shownLimits: [lo, hi],
      userLo: this._userLo,
      userHi: this._userHi,
      cmap: this._cmap,
      cmapCustom: this._cmapCustom,
      invert: this._invert,
      prerendering: this._prerender?.running ?? false,
      playing: this._playing,
      fps: this._fps,
      clientRender: this._clientRender ?? true,
      clientRenderActive: this.source instanceof RawPyramidSource,
      clientRenderBlocked: hdu ? this.clientRenderBlocked(hdu) : "No image",
      contrastTool: this._contrastTool,
      contrast: this._contrast,
      bias: this._bias,
    };
    return html`
      <div class="viewer-toolbar">${toolbarTemplate(model, this.toolbarHandlers)}</div>
      ${errorBannerTemplate(error, () => {
        this._error = null;
        this._tileError = null;
      })}
      ${this._prerender ? prerenderTemplate(this._prerender, () => (this._prerender = null)) : nothing}
      <div class="viewer-body">
        <div class="viewer-map" data-testid="viewer-map"></div>
        ${
          this._path === null
            ? html`<div class="viewer-empty">
                Choose an image in the file browser to open it here.
              </div>`
            : nothing
        }
        ${this._busy && !(hasImage && d?.path === this._path) ? html`<div class="viewer-busy">Opening ${basename(this._path ?? "")}…</div>` : nothing}
        ${
          this._preview
            ? html`<div class="contrast-preview-box" data-testid="contrast-preview">
                <canvas class="contrast-preview"></canvas>
                <span>contrast ${this._contrast.toFixed(2)} · bias ${this._bias.toFixed(2)}</span>
              </div>`
            : nothing
        }
      </div>
      ${hasImage ? colorbarTemplate(this.colorbarModel()) : nothing}
      ${statusTemplate(this._readout, hasImage ? hdu : null, this._tilesLoading)}
      ${headerDialogTemplate(d, this._headerFilter, (text) => (this._headerFilter = text))}
    `;
  }

  private readonly toolbarHandlers: ToolbarHandlers = {
    hdu: (e) => this.onHdu(e),
    plane: (e) => this.onPlane(e),
    stretch: (e) => this.onStretch(e),
    limits: (e) => this.onLimits(e),
    userLimit: (which, e) => this.onUserLimit(which, e),
    cmapSelect: (e) => this.onCmapSelect(e),
    cmapText: (e) => this.onCmapText(e),
    invert: (e) => this.onInvert(e),
    play: () => this.player.toggle(),
    fps: (e) => this.onFps(e),
    clientRender: (e) => this.onClientRender(e),
    contrastTool: () => (this._contrastTool = !this._contrastTool),
    resetContrast: () => this.resetContrast(),
    fit: () => this.fit(),
    actualSize: () => this.zoomToActualSize(),
    header: () => this.showHeader(),
    prerender: () => this.prerender(),
  };
}

customElements.define("toyz-image-viewer", ToyzImageViewer);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-image-viewer": ToyzImageViewer;
  }
}
