// <toyz-image-viewer>: the workspace tile that shows one image (file, HDU, plane) as a zoomable
// pyramid. `tileId` is the workspace tile's id; every pyramid tile is named `pyramidTile…`.
import { LitElement, html, nothing, type TemplateResult } from "lit";

import { apiRequest } from "../api";
import type { Description, HduInfo, ImageTileState } from "../protocol";
import { errorText, type WorkspaceSocket } from "../socket";
import { basename } from "../util";
import { ColorbarPainter, colorbarTemplate } from "./colorbar";
import { ContrastDrag, ContrastSketch } from "./contrast";
import { DEFAULT_FPS, PlanePlayer, clampFps } from "./cube";
import type OlMap from "ol/Map";

import type { ImageRef } from "./catalogue-layer";
import type { PyramidSource } from "./layers";
import { HoverReadout } from "./probe";
import { PrerenderPanel } from "./prerender";
import { pixelProjection, type RenderParams } from "./pyramid";
import { fetchRaw, paintToImageData } from "./raw-pyramid-source";
import { ImageRendering, clientRenderBlocked } from "./rendering";
import {
  DEFAULT_SETTINGS,
  contrastBiasOf,
  dataParamsOf,
  limitsFor,
  renderParamsOf,
  restoredSettings,
  savedSettings,
  settingsHandlers,
  settingsModel,
  type DisplaySettings,
} from "./settings";
import type { ContrastBias } from "./stretch";
import {
  rawPyramidTileUrl,
  pyramidTileUrl as serverTileUrl,
  type DataParams,
} from "./pyramid-tiles";
import {
  errorBannerTemplate,
  headerDialogTemplate,
  statusTemplate,
  toolbarTemplate,
  type ToolbarHandlers,
  type ToolbarModel,
} from "./templates";
import { ViewerMap, type SavedView } from "./view";
import { ViewerOverlays, parseOverlays } from "./overlays";
import { ViewerRegions, parseRegions, type RegionsApi } from "./regions";
import { ViewerLock, parseLock, type LockView } from "./lock";
import { GridLayer } from "./grid-layer";
import { ContourLayer } from "./contour-layer";
import { ViewerBlink, type ShownFrame } from "./blink";
import type { SourceRegistry } from "../sources/types";
import { DetectionPanel, type Region } from "../analysis/detection";
import { AnalysisPanel, selectedRegionOf } from "../analysis/panel";

let instances = 0;
// How often a drag in progress emits the viewer's state (which co-viewing sends to the others).
const DRAG_STATE_MS = 100;

interface OpenOptions {
  hdu?: number;
  plane?: number;
  view?: SavedView | null;
}

export class ToyzImageViewer extends LitElement {
  static override properties = {
    tileId: { attribute: "tile-id" },
    _description: { state: true },
    _path: { state: true },
    _settings: { state: true },
    _busy: { state: true },
    _error: { state: true },
    _headerFilter: { state: true },
    _contrastTool: { state: true },
    _playing: { state: true },
    _fps: { state: true },
  };

  declare tileId: string;
  /** Set by the workspace before `open`/`restore`. */
  socket: WorkspaceSocket | null = null;

  private _sources: SourceRegistry | null = null;
  /** The workspace's data sources (set by the app): the "Overlay" menu lists them. */
  get sources(): SourceRegistry | null {
    return this._sources;
  }
  set sources(registry: SourceRegistry | null) {
    this._sources = registry;
    this.overlays.sourcesChanged();
  }

  declare private _description: Description | null;
  declare private _path: string | null;
  declare private _settings: DisplaySettings;
  declare private _busy: boolean;
  declare private _error: string | null;
  declare private _headerFilter: string;
  declare private _contrastTool: boolean;
  declare private _playing: boolean;
  declare private _fps: number;

  private readonly uid = ++instances;
  private view: ViewerMap | null = null;
  private readonly rendering = new ImageRendering(this, {
    settings: () => this._settings,
    description: () => this._description,
    hdu: () => this.hduInfo,
    params: () => this.renderParams,
    data: () => this.dataParams,
  });
  private readonly readout = new HoverReadout(this);
  private readonly overlays = new ViewerOverlays(this, {
    map: () => this.olMap,
    image: () => this.imageRef,
    sources: () => this._sources,
    tileId: () => this.tileId,
    changed: () => this.emitState(),
    rowActions: (source, row, page) => this.detection.rowActions(source, row, page),
  });
  private readonly detection: DetectionPanel = new DetectionPanel(this, {
    socket: () => this.socket,
    image: () => this.imageRef,
    description: () => this._description,
    map: () => this.olMap,
    // Helper C's regions controller, when this build has it.
    selectedRegion: () =>
      (this as { regions?: { selected?(): Region | null } }).regions?.selected?.() ?? null,
    overlays: () => this.overlays,
    sources: () => this._sources,
    element: () => this,
  });
  private readonly regionsCtl = new ViewerRegions(this, {
    map: () => this.olMap,
    image: () => this.imageRef,
    changed: () => this.emitState(),
  });
  private readonly grid = new GridLayer(this, {
    map: () => this.olMap,
    image: () => this.imageRef,
    changed: () => this.emitState(),
  });
  readonly lock = new ViewerLock({
    map: () => this.olMap,
    image: () => this.imageRef,
    settings: () => this._settings,
    applySettings: (s) => {
      this._settings = { ...this._settings, ...s };
      this.updateRender();
    },
    changed: () => this.emitState(),
  });
  private readonly contours = new ContourLayer(this, {
    map: () => this.olMap,
    image: () => this.imageRef,
    socket: () => this.socket,
    limits: () =>
      this._description ? settingsModel(this._settings, this._description).shownLimits : null,
    // helper C's regions API, when the viewer has one.
    regions: () => this.regionsCtl,
    self: () => this,
    changed: () => this.emitState(),
  });
  readonly blink = new ViewerBlink(this, {
    socket: () => this.socket,
    lock: this.lock,
    current: () => {
      const ref = this.imageRef;
      const description = this._description;
      const source = this.pyramidSource;
      return ref && description && source
        ? { ref, description, settings: this._settings, source }
        : null;
    },
    makeSource: (hdu, d, s) => this.rendering.makeFrameSource(hdu, d, s),
    preload: (source, d, s, view) => this.rendering.preload(source, d, s, view),
    forget: (source) => this.rendering.forget(source),
    show: (frame, view) => this.showFrame(frame, view),
    changed: () => this.emitState(),
    others: () =>
      [...document.querySelectorAll("toyz-image-viewer")].flatMap((v, i) => {
        const image = v.imageRef;
        return v === this || !image
          ? []
          : [{ label: `viewer ${i + 1} (${basename(image.path)})`, image, settings: v._settings }];
      }),
  });
  private readonly analysis = new AnalysisPanel(this, {
    map: () => this.olMap,
    image: () => this.imageRef,
    socket: () => this.socket,
    hdu: () => (this.pyramidSource ? this.hduInfo : null),
    selectedRegion: () => selectedRegionOf(this),
  });
  private readonly prerender = new PrerenderPanel(this, (path, hdu) => this.onBuilt(path, hdu));
  private readonly contrastSketch = new ContrastSketch(this, () => this.rendering.clientRender());
  private readonly player = new PlanePlayer(
    (plane) => this.showPlane(plane),
    () => {
      const d = this._description;
      const hdu = this.hduInfo;
      return d && hdu && this.pyramidSource ? { plane: d.plane, planes: hdu.planes } : null;
    },
    (playing) => (this._playing = playing),
  );
  private describeSeq = 0;
  private _renderCount = 0;
  // What the last complete render drew (ImageRendering.shownKey at that moment).
  private _drawnKey = "";

  constructor() {
    super();
    this.tileId = "";
    this._description = null;
    this._path = null;
    this._settings = DEFAULT_SETTINGS;
    this._busy = false;
    this._error = null;
    this._headerFilter = "";
    this._contrastTool = false;
    this._playing = false;
    this._fps = DEFAULT_FPS;
    new ColorbarPainter(this, () => this.rendering.colorbarModel());
  }

  // Light DOM: OpenLayers' and the page's style sheets apply inside.
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // Public, read-only API (browser tests read these)

  /** Pyramid tiles loaded successfully since the current file was opened. */
  get loadedPyramidTiles(): number {
    return this.rendering.loadedPyramidTiles;
  }

  get failedPyramidTiles(): number {
    return this.rendering.failedPyramidTiles;
  }

  /** Complete renders so far: frames drawn with every visible pyramid tile loaded. */
  get renderCount(): number {
    return this._renderCount;
  }

  /**
   * True once the map has completely drawn what the settings ask for (every visible pyramid tile of the
   * current rendering loaded and drawn, the view at rest): what a test waits on, not a delay.
   */
  get renderSettled(): boolean {
    return (
      this.pyramidSource !== null &&
      this._drawnKey === this.rendering.wantedKey() &&
      this.rendering.pyramidTilesLoading === 0
    );
  }

  /** The pyramid source shown, null with no image. */
  private get pyramidSource(): PyramidSource | null {
    return this.rendering.pyramidSource;
  }

  get description(): Description | null {
    return this._description;
  }

  get hduInfo(): HduInfo | null {
    const d = this._description;
    return d ? (d.hdus.find((h) => h.index === d.hdu) ?? null) : null;
  }

  /** The rendering parameters of the pyramid tiles shown now, or null with no image. */
  get renderParams(): RenderParams | null {
    const d = this._description;
    return d && this._path ? renderParamsOf(d, this._settings) : null;
  }

  private get dataParams(): DataParams | null {
    const d = this._description;
    return d && this._path ? dataParamsOf(d) : null;
  }

  /** The URL of the server-rendered pyramid tile (level, tx, ty) with the current parameters. */
  pyramidTileUrl(level: number, tx: number, ty: number): string | null {
    const params = this.rendering.serverParams;
    return params && this.pyramidSource ? serverTileUrl(params, level, tx, ty) : null;
  }

  /** The URL of the float pyramid tile (level, tx, ty) of the picture shown. */
  rawPyramidTileUrl(level: number, tx: number, ty: number): string | null {
    const data = this.dataParams;
    return data && this.pyramidSource ? rawPyramidTileUrl(data, level, tx, ty) : null;
  }

  /** True while the browser draws the pyramid tiles from float data (no server rendering). */
  get clientRenderActive(): boolean {
    return this.rendering.clientActive;
  }

  get contrastBias(): ContrastBias {
    return contrastBiasOf(this._settings);
  }

  get playing(): boolean {
    return this._playing;
  }

  /**
   * The RGBA bytes (256 × 256 × 4, first row on top) that client rendering gives pyramid tile
   * (level, tx, ty) with the current parameters; null when the client cannot draw it.
   */
  async clientPyramidTilePixels(level: number, tx: number, ty: number): Promise<number[] | null> {
    const url = this.rawPyramidTileUrl(level, tx, ty);
    const render = await this.rendering.clientRender();
    if (!url || !render) return null;
    return Array.from(paintToImageData(await fetchRaw(url), render).data);
  }

  /** The picture shown (file, HDU, plane; HDU -1 is the focal-plane mosaic), null while none is. */
  get imageRef(): ImageRef | null {
    const d = this._description;
    return d && this._path === d.path && this.pyramidSource
      ? { path: d.path, hdu: d.hdu, plane: d.plane }
      : null;
  }

  /** The OpenLayers map (viewer coordinates: see docs/architecture.md), null before the first picture. */
  get olMap(): OlMap | null {
    return this.view?.map ?? null;
  }

  /** The catalogues drawn on the image, and how many rows of each landed on it. */
  get catalogueOverlays(): ViewerOverlays {
    return this.overlays;
  }

  /** The regions drawn on the image (list, add, selected; event `toyz-regions-changed`). */
  get regions(): RegionsApi & ViewerRegions {
    return this.regionsCtl;
  }

  /** The coordinate grid drawn over the image (its state's `grid`). */
  get gridLayer(): GridLayer {
    return this.grid;
  }

  /** The contours drawn over the image (its state's `contours`). */
  get contourLayer(): ContourLayer {
    return this.contours;
  }

  /** The "Detect sources" panel (its toolbar button opens it). */
  get sourceDetection(): DetectionPanel {
    return this.detection;
  }

  /** The analysis panel and keys (imexam's a, r, s, h, m, l, c, j; frontend/src/analysis/). */
  get analysisPanel(): AnalysisPanel {
    return this.analysis;
  }

  /** Plays or pauses the planes of a cube. */
  togglePlay(): void {
    this.player.toggle();
  }

  /** What the layout saves to reopen the same picture. */
  get state(): ImageTileState {
    const state = savedSettings(this._settings);
    const overlays = this.overlays.overlays;
    if (overlays.length) state.overlays = overlays;
    const regions = this.regionsCtl.list();
    if (regions.length) state.regions = regions;
    if (this.lock.lock.by !== "none") state.lock = this.lock.lock;
    if (this.grid.state.on) state.grid = this.grid.state;
    if (this.contours.state.on) state.contours = this.contours.state;
    const blink = this.blink.saved();
    if (blink) Object.assign(state, blink);
    if (this._path) {
      state.path = this._path;
      const d = this._description;
      if (d && d.path === this._path) {
        state.hdu = d.hdu;
        state.plane = d.plane;
        // The view belongs to the picture shown, not to one still being opened.
        const view = this.pyramidSource ? this.view?.saved() : null;
        if (view) {
          state.center = view.center;
          state.resolution = view.resolution;
        }
      } else {
        const { hdu, plane, view } = this.wanted;
        if (hdu !== undefined) state.hdu = hdu;
        if (plane !== undefined) state.plane = plane;
        if (view) {
          state.center = view.center;
          state.resolution = view.resolution;
        }
      }
    }
    return state;
  }

  // What was asked for while the description is not there yet (kept in the saved state).
  private wanted: OpenOptions = {};

  /** Opens a file: describes it (default HDU unless given) and fits it in the view. */
  async open(path: string, options: OpenOptions = {}): Promise<void> {
    const socket = this.socket;
    if (!socket) throw new Error("toyz-image-viewer: no socket");
    const seq = ++this.describeSeq;
    const samePicture = this._path === path && this._description?.path === path;
    if (this._path !== path) {
      this.player.stop();
      this.rendering.resetCounts();
      this.prerender.clear();
    }
    this._path = path;
    this.wanted = { ...options };
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
      if (samePicture && this.pyramidSource) {
        this.wanted = {};
        const select = this.querySelector<HTMLSelectElement>("select[data-testid=hdu]");
        if (select && this._description) select.value = String(this._description.hdu);
        this.emitState();
        return;
      }
      // Keep no picture of another file under this one's name.
      this._description = null;
      this.rendering.drop();
    } finally {
      if (seq === this.describeSeq) this._busy = false;
    }
  }

  /** Reopens a saved state (workspace restore, or a collaborator's change). */
  async restore(state: ImageTileState, options: { view?: boolean } = {}): Promise<void> {
    const applyView = options.view ?? true;
    const overlays = parseOverlays(state.overlays);
    if (JSON.stringify(overlays) !== JSON.stringify(this.overlays.overlays))
      this.overlays.set(overlays);
    const regions = parseRegions(state.regions);
    if (JSON.stringify(regions) !== JSON.stringify(this.regionsCtl.list()))
      this.regionsCtl.set(regions);
    this.lock.restore(parseLock(state.lock));
    this.grid.restore(state.grid);
    this.contours.restore(state.contours);
    // Another frame of the blink set shown here: the blink shows it (no new opening).
    if (await this.blink.restore(state)) return;
    const previous = this._settings;
    this._settings = restoredSettings(previous, state);
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
      // The view first: the state emitted by updateRender is then the whole restored one.
      if (view) this.view?.setView(view);
      // Only a new view (a collaborator's drag, ten times a second): no need to redraw the tiles.
      const sameRendering =
        JSON.stringify(savedSettings(previous)) === JSON.stringify(savedSettings(this._settings));
      if (sameRendering) this.emitState();
      else this.updateRender();
    }
  }

  /** Shows nothing (the empty viewer). */
  clear(): void {
    this.player.stop();
    this.describeSeq += 1;
    this._path = null;
    this._description = null;
    this._error = null;
    this.rendering.clearPyramidTileError();
    this._busy = false;
    this.prerender.clear();
    this.rendering.resetCounts();
    this.rendering.drop();
    this.overlays.refresh();
    void this.regionsCtl.refresh();
    this.grid.refresh();
    this.contours.refresh();
    this.emitState();
  }

  fit(): void {
    this.view?.fit();
  }

  zoomToActualSize(): void {
    if (this.pyramidSource) this.view?.zoomToActualSize();
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  protected override firstUpdated(): void {
    const target = this.querySelector<HTMLElement>(".viewer-map");
    if (!target) return;
    const view = new ViewerMap(target, () => (this.pyramidSource ? this.hduInfo : null));
    this.view = view;
    this.rendering.attach(view.map);
    this.overlays.attach(view.map);
    this.regionsCtl.attach(view.map);
    this.lock.attach(view.map);
    this.grid.attach(view.map);
    this.contours.attach(view.map);
    this.blink.attach(target);
    this.analysis.attach(view.map, target);
    view.map.on("moveend", () => {
      if (this.pyramidSource) this.emitState();
      this.blink.viewMoved();
    });
    // A drag reaches the other pages of the workspace while it goes on, not only when it ends.
    let dragEmitted = 0;
    view.map.on("pointerdrag", () => {
      const now = performance.now();
      if (!this.pyramidSource || !view.map.getView().getInteracting()) return;
      if (now - dragEmitted < DRAG_STATE_MS) return;
      dragEmitted = now;
      this.emitState();
    });
    view.map.on("rendercomplete", () => {
      this._renderCount += 1;
      // OpenLayers also says "complete" for every frame of an animation or a drag: not settled.
      const moving = view.map.getView().getAnimating() || view.map.getView().getInteracting();
      this._drawnKey = moving ? "" : this.rendering.shownKey();
      // Also visible in the DOM, for people reading the page and for tests.
      this.dataset["renderCount"] = String(this._renderCount);
      this.dataset["drawn"] = this._drawnKey;
    });
    this.readout.attach(view.map, target, () => {
      const d = this._description;
      const hdu = this.hduInfo;
      return d && hdu && this.pyramidSource && this.socket ? { description: d, hdu } : null;
    });
    new ContrastDrag(target, {
      enabled: () => this.pyramidSource !== null,
      toolActive: () => this._contrastTool,
      current: () => this.contrastBias,
      start: () => this.startContrastDrag(),
      move: (cb) => this.moveContrast(cb),
      end: (cb) => this.endContrastDrag(cb),
    });
  }

  /**
   * Centres the view on the point `(x, y)` in level-0 pixel coordinates (pixel `(i, j)` covers
   * `[i, i+1) × [j, j+1)`, y up; docs/architecture.md "Images and tiles"), keeping the zoom.
   * False when no image is shown.
   */
  centreOnPixel(x: number, y: number): boolean {
    const view = this.view;
    const saved = view?.saved();
    if (!view || !saved || !this.pyramidSource || !Number.isFinite(x) || !Number.isFinite(y))
      return false;
    view.setView({ center: [x, y], resolution: saved.resolution });
    this.emitState();
    return true;
  }

  /**
   * Centres the view on a sky position (ICRS degrees): the server finds its pixel through the
   * image's WCS (on the mosaic, the CCD it lands on). Resolves false, with a sentence in the
   * viewer's banner, when the image has no WCS or the position lies outside it.
   */
  async centreOnSky(ra: number, dec: number): Promise<boolean> {
    const d = this._description;
    if (!d || !this._path) return false;
    const params = new URLSearchParams({
      path: d.path,
      hdu: String(d.hdu),
      plane: String(d.plane),
      ra: String(ra),
      dec: String(dec),
    });
    try {
      const where = await apiRequest<{ x: number | null; y: number | null; inside: boolean }>(
        "GET",
        `/api/imaging/world-to-pixel?${params.toString()}`,
      );
      if (where.x === null || where.y === null || !where.inside) {
        this._error = `That position (${ra.toFixed(5)}, ${dec.toFixed(5)}) is not on this image.`;
        return false;
      }
      this._error = null;
      return this.centreOnPixel(where.x, where.y);
    } catch (error) {
      this._error = errorText(error);
      return false;
    }
  }

  /** Releases OpenLayers' resources; the element is not usable afterwards. */
  dispose(): void {
    this.player.stop();
    this.describeSeq += 1;
    this.readout.stop();
    this.detection.dispose();
    this.overlays.dispose();
    this.regionsCtl.dispose();
    this.lock.dispose();
    this.grid.dispose();
    this.contours.dispose();
    this.blink.dispose();
    this.analysis.dispose();
    this.view?.dispose();
    this.view = null;
  }

  // -------------------------------------------------------------------------------------------
  // Showing a description

  private showDescription(d: Description, view: SavedView | null, samePicture: boolean): void {
    const previous = this._description;
    this._description = d;
    this.wanted = {};
    this.rendering.resetErrors();
    const hdu = d.hdus.find((h) => h.index === d.hdu);
    if (!hdu || hdu.problem || hdu.width <= 0 || hdu.height <= 0) {
      this._error = hdu?.problem ?? `HDU ${d.hdu} cannot be shown.`;
      this.rendering.drop();
      this.emitState();
      return;
    }
    this._settings = limitsFor(this._settings, d);
    if (!this.renderParams || !this.view) return;
    const pyramidSource = this.pyramidSource;
    const sameGeometry =
      samePicture &&
      previous !== null &&
      pyramidSource !== null &&
      previous.hdu === d.hdu &&
      previous.identity === d.identity &&
      pyramidSource.levels === hdu.levels;
    if (sameGeometry) {
      // Another plane of the same cube: keep the view, swap the pyramid tiles (the old ones stay
      // on screen until the new ones are there).
      this.updateRender();
      return;
    }
    this.showImage(hdu, view);
    this.emitState();
    if (d.preview && this.socket) this.prerender.buildPreviewed(this.socket, d.path, d.hdu);
  }

  /** A pre-render completed: a view shown from previews now gets its real pyramid tiles. */
  private onBuilt(path: string, hdu: number): void {
    const d = this._description;
    if (!d?.preview || d.path !== path || d.hdu !== hdu) return;
    this._description = { ...d, preview: false };
    this.updateRender();
  }

  /**
   * A new pyramid source and a new view for `hdu`, fitted unless `view` says where to look; or a
   * blink frame's (`frame`): its kept pyramid source at the view the blink aligned.
   */
  private showImage(
    hdu: HduInfo,
    view: SavedView | null,
    frame?: { source: PyramidSource; ref: ImageRef; at: LockView | null; sky: ShownFrame["sky"] },
  ): void {
    const pyramidSource = frame?.source ?? this.rendering.makePyramidSource(hdu);
    if (!this.view || !pyramidSource) return;
    // The lock maps this view's moves through the frame's own WCS from the start.
    if (frame) this.lock.preset(frame.ref, frame.sky);
    // Blink frames share the map's projection object: OpenLayers keeps each layer's drawn tiles
    // only while it stays the same.
    const projection = frame
      ? this.view.map.getView().getProjection()
      : (pyramidSource.getProjection() ?? pixelProjection(hdu.width, hdu.height));
    this.view.showImage(hdu, projection);
    if (frame) this.rendering.showKept(pyramidSource);
    else this.rendering.install(pyramidSource);
    if (frame?.at) this.lock.showView(frame.at);
    else if (view) this.view.setView(view);
    else this.fit();
    this.overlays.refresh();
    void this.regionsCtl.refresh();
    void this.lock.loadSky();
    this.grid.refresh();
    this.contours.refresh();
  }

  /** Shows a blink frame (viewer/blink.ts): its picture, settings and kept pyramid source. */
  private showFrame(f: ShownFrame, at: LockView | null): void {
    const hdu = f.description.hdus.find((h) => h.index === f.description.hdu);
    if (!this.view || !hdu) return;
    this.player.stop();
    this.describeSeq += 1;
    this._path = f.ref.path;
    this._description = f.description;
    this._settings = f.settings;
    this.wanted = {};
    this._busy = false;
    this._error = null;
    this.rendering.resetErrors();
    this.showImage(hdu, null, { source: f.source, ref: f.ref, at, sky: f.sky });
    // The frame's own settings (or the locked limits/colormap) on its pyramid source.
    this.rendering.update();
  }

  /** New rendering parameters or plane (see ImageRendering.update). */
  private updateRender(): void {
    this.rendering.update();
    this.lock.settingsChanged();
    this.emitState();
  }

  /** Shows another plane of the cube, keeping the view; resolves once its pyramid tiles are drawn. */
  private async showPlane(plane: number): Promise<void> {
    await this.openPlane(plane);
    if (this._description?.plane !== plane) throw new Error("the plane could not be shown");
    await this.rendering.drawn();
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
  // Contrast/bias drag

  private startContrastDrag(): void {
    if (this.clientRenderActive) return;
    // Server rendering: a sketch of the pyramid tile under the centre, drawn here from its floats.
    this.contrastSketch.start(this.rendering.centrePyramidTileUrl());
  }

  private moveContrast(cb: ContrastBias): void {
    this._settings = { ...this._settings, ...cb };
    if (this.clientRenderActive) void this.rendering.applyClientRender();
    else void this.contrastSketch.paint();
  }

  private endContrastDrag(cb: ContrastBias): void {
    this.contrastSketch.end();
    this._settings = { ...this._settings, ...cb };
    this.updateRender();
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

  private onFps(event: Event): void {
    const input = event.target as HTMLInputElement;
    this._fps = clampFps(Number(input.value));
    input.value = String(this._fps);
    this.player.fps = this._fps;
  }

  private onPrerender(): void {
    const d = this._description;
    if (this.socket && d) this.prerender.toggle(this.socket, d.path, d.hdu, d.plane);
  }

  private readonly toolbarHandlers: ToolbarHandlers = {
    ...settingsHandlers(
      () => this._settings,
      () => this._description,
      (settings, redraw) => {
        this._settings = settings;
        if (redraw) this.updateRender();
      },
    ),
    hdu: (e) => this.onHdu(e),
    plane: (e) => this.onPlane(e),
    play: () => this.player.toggle(),
    fps: (e) => this.onFps(e),
    contrastTool: () => (this._contrastTool = !this._contrastTool),
    fit: () => this.fit(),
    actualSize: () => this.zoomToActualSize(),
    header: () => this.querySelector<HTMLDialogElement>("dialog.header-dialog")?.showModal(),
    prerender: () => this.onPrerender(),
  };

  // -------------------------------------------------------------------------------------------
  // Rendering

  protected override render(): TemplateResult {
    const d = this._description;
    const hdu = this.hduInfo;
    const hasImage = d !== null && hdu !== null && !hdu.problem && this.pyramidSource !== null;
    const error = this._error ?? this.rendering.pyramidTileError;
    const model: ToolbarModel = {
      ...settingsModel(this._settings, d),
      uid: this.uid,
      description: d,
      hdu,
      hasImage,
      prerendering: this.prerender.running,
      playing: this._playing,
      fps: this._fps,
      clientRenderActive: this.clientRenderActive,
      clientRenderBlocked: clientRenderBlocked(hdu),
      contrastTool: this._contrastTool,
    };
    return html`
      <div class="viewer-toolbar">
        ${toolbarTemplate(model, this.toolbarHandlers)}${this.overlays.menuTemplate(hasImage)}${this.analysis.menuTemplate(hasImage)}${this.regionsCtl.menuTemplate(hasImage)}${this.lock.menuTemplate(hasImage)}${this.blink.menuTemplate(hasImage)}${this.grid.template(hasImage)}${this.contours.template(hasImage)}${this.detection.buttonTemplate(hasImage)}
      </div>
      ${errorBannerTemplate(error, () => {
        this._error = null;
        this.rendering.clearPyramidTileError();
      })}
      ${this.prerender.template()}
      <div class="viewer-body">
        <div class="viewer-map" data-testid="viewer-map"></div>
        ${this.blink.labelTemplate()}
        ${
          this._path === null
            ? html`<div class="viewer-empty">
                Choose an image in the file browser to open it here.
              </div>`
            : nothing
        }
        ${this._busy && !(hasImage && d?.path === this._path) ? html`<div class="viewer-busy">Opening ${basename(this._path ?? "")}…</div>` : nothing}
        ${this.contrastSketch.template(this.contrastBias)}${this.detection.template()}${this.analysis.element}
      </div>
      ${hasImage ? colorbarTemplate(this.rendering.colorbarModel()) : nothing}
      ${statusTemplate(this.readout.readout, hasImage ? hdu : null, this.rendering.pyramidTilesLoading)}
      ${headerDialogTemplate(d, this._headerFilter, (text) => (this._headerFilter = text))}
    `;
  }
}

customElements.define("toyz-image-viewer", ToyzImageViewer);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-image-viewer": ToyzImageViewer;
  }
}
