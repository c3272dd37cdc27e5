// <toyz-image-viewer>: one image (file, HDU, plane) as a zoomable pyramid of server tiles.
import { LitElement, html, nothing, type TemplateResult } from "lit";
import OlMap from "ol/Map";
import View from "ol/View";
import TileLayer from "ol/layer/Tile";
import Zoom from "ol/control/Zoom";
import { defaults as defaultInteractions } from "ol/interaction/defaults";
import type MapBrowserEvent from "ol/MapBrowserEvent";
import type { TileSourceEvent } from "ol/source/Tile";
import type Tile from "ol/Tile";
import TileState from "ol/TileState";

import type { Description, HduInfo, ImageTileState, Pixel } from "../protocol";
import { isHttpErrorBody } from "../protocol";
import { JobError, type WorkspaceSocket } from "../socket";
import { basename, formatValue, roundTo, sexagesimal, significant } from "../util";
import { COLORMAPS, CUSTOM_CMAP, DEFAULT_CMAP, DEFAULT_LIMITS, DEFAULT_STRETCH } from "./options";
import { PixelProbe } from "./probe";
import {
  headerDialogTemplate,
  prerenderTemplate,
  readoutTemplate,
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

function errorText(error: unknown): string {
  if (error instanceof JobError) return error.message || error.code;
  if (error instanceof Error) return error.message;
  return String(error);
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

  private readonly uid = ++instances;
  private map: OlMap | null = null;
  private layer: TileLayer<PyramidSource> | null = null;
  private source: PyramidSource | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private pendingFit = false;
  // True while the view is the fitted one: the image then stays fitted as the tile resizes.
  private fitted = false;
  private describeSeq = 0;
  private _loadedTiles = 0;
  private readonly loadingTiles = new Set<Tile>();
  private loadingTimer: ReturnType<typeof setTimeout> | null = null;
  private _failedTiles = 0;
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
  }

  // Light DOM: OpenLayers' and the page's style sheets apply inside.
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // Public, read-only API (browser tests read these)

  /** Tiles loaded successfully since the current file was opened. */
  get loadedTiles(): number {
    return this._loadedTiles;
  }

  get failedTiles(): number {
    return this._failedTiles;
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

  /** The URL of tile (level, tx, ty) as rendered now. */
  tileUrl(level: number, tx: number, ty: number): string | null {
    const src = this.source;
    if (!src) return null;
    return src.urlFor(src.levels - 1 - level, tx, -ty - 1);
  }

  /** What the layout saves to reopen the same picture. */
  get state(): ImageTileState {
    const state: ImageTileState = {
      stretch: this._stretch,
      limits: this._limits,
      cmap: this._cmap,
      invert: this._invert,
    };
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
      this._loadedTiles = 0;
      this._failedTiles = 0;
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
    this.describeSeq += 1;
    this._path = null;
    this._description = null;
    this._error = null;
    this._tileError = null;
    this._busy = false;
    this._prerender = null;
    this._loadedTiles = 0;
    this._failedTiles = 0;
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
    const params = this.renderParams;
    if (!params || !this.map) return;
    const sameGeometry =
      samePicture &&
      previous !== null &&
      this.source !== null &&
      previous.hdu === d.hdu &&
      previous.identity === d.identity &&
      this.source.levels === hdu.levels;
    if (sameGeometry && this.source) {
      // Another plane of the same cube: keep the view, swap the tiles.
      this.source.setRender(params);
    } else {
      this.buildLayer(hdu, params, view);
    }
    this.emitState();
  }

  private buildLayer(hdu: HduInfo, params: RenderParams, view: OpenOptions["view"]): void {
    const map = this.map;
    if (!map) return;
    const { width, height, levels } = hdu;
    const projection = pixelProjection(width, height);
    const source = new PyramidSource({
      projection,
      width,
      height,
      levels,
      params,
      onFailure: (failure) => this.onTileFailure(failure),
    });
    source.on("tileloadstart", (event: TileSourceEvent) => {
      if (this.source !== source) return;
      this.loadingTiles.add(event.tile);
      this.countLoading();
    });
    source.on("tileloadend", (event: TileSourceEvent) => {
      if (this.source !== source) return;
      this.loadingTiles.delete(event.tile);
      this._loadedTiles += 1;
      this.countLoading();
    });
    source.on("tileloaderror", (event: TileSourceEvent) => {
      if (this.source !== source) return;
      this.loadingTiles.delete(event.tile);
      this._failedTiles += 1;
      this.countLoading();
    });
    this.source = source;
    this.loadingTiles.clear();
    this._tilesLoading = 0;
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
    if (this.layer) {
      this.layer.setSource(source);
    } else {
      this.layer = new TileLayer({ source, preload: 1 });
      map.addLayer(this.layer);
    }
    if (view) this.setView(view);
    else this.fit();
  }

  /** Tiles that OpenLayers dropped while loading send no event: count only those still loading. */
  private countLoading(): void {
    for (const tile of this.loadingTiles) {
      if (tile.getState() !== TileState.LOADING) this.loadingTiles.delete(tile);
    }
    this._tilesLoading = this.loadingTiles.size;
    if (this.loadingTiles.size > 0 && this.loadingTimer === null) {
      this.loadingTimer = setTimeout(() => {
        this.loadingTimer = null;
        this.countLoading();
      }, 1000);
    }
  }

  private dropLayer(): void {
    this.source = null;
    this.loadingTiles.clear();
    this._tilesLoading = 0;
    if (this.layer) {
      this.map?.removeLayer(this.layer);
      this.layer = null;
    }
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

  /** New rendering parameters: new tile URLs, no new description. */
  private updateRender(): void {
    const params = this.renderParams;
    if (params && this.source && renderQuery(params) !== renderQuery(this.source.render)) {
      this._tileError = null;
      this.checkedErrorKey = null;
      this.source.setRender(params);
    }
    this.emitState();
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
        const current = this.source ? renderQuery(this.source.render) : null;
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
    const socket = this.socket;
    const { path, hdu: hduIndex, plane } = d;
    this.probe.move(x, y, (px, py) =>
      socket.job("imaging.pixel", { path, hdu: hduIndex, plane, x: px, y: py }),
    );
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
    };
  }

  // -------------------------------------------------------------------------------------------
  // Toolbar handlers

  private onHdu(event: Event): void {
    const index = Number((event.target as HTMLSelectElement).value);
    if (!this._path || !Number.isInteger(index)) return;
    void this.open(this._path, { hdu: index, plane: 0 });
  }

  private onPlane(event: Event): void {
    const input = event.target as HTMLInputElement;
    const hdu = this.hduInfo;
    const d = this._description;
    if (!this._path || !hdu || !d) return;
    const plane = Math.min(hdu.planes - 1, Math.max(0, Math.round(Number(input.value))));
    input.value = String(plane);
    if (plane === d.plane) return;
    const view = this.state;
    void this.open(this._path, {
      hdu: d.hdu,
      plane,
      view:
        view.center && view.resolution
          ? { center: view.center, resolution: view.resolution }
          : null,
    });
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

  private showHeader(): void {
    this.querySelector<HTMLDialogElement>("dialog.header-dialog")?.showModal();
  }

  private async prerender(): Promise<void> {
    const socket = this.socket;
    const d = this._description;
    if (!socket || !d) return;
    if (this._prerender?.running && this._prerender.jobId !== null) {
      socket.cancel(this._prerender.jobId);
      return;
    }
    const job = socket.job("imaging.prerender", { path: d.path, hdu: d.hdu }, (progress) => {
      if (!this._prerender || this._prerender.jobId !== job.id) return;
      this._prerender = {
        ...this._prerender,
        done: progress.done,
        total: progress.total,
        message: progress.message ?? "",
      };
    });
    this._prerender = {
      running: true,
      jobId: job.id,
      done: 0,
      total: 0,
      message: "Starting…",
      outcome: null,
    };
    try {
      await job;
      if (this._prerender?.jobId !== job.id) return;
      this._prerender = {
        ...this._prerender,
        running: false,
        done: this._prerender.total || 1,
        total: this._prerender.total || 1,
        message: "Pre-rendered: tiles are ready.",
        outcome: "ok",
      };
    } catch (error) {
      if (this._prerender?.jobId !== job.id) return;
      const cancelled = error instanceof JobError && error.code === "cancelled";
      this._prerender = {
        ...this._prerender,
        running: false,
        message: cancelled
          ? "Pre-rendering cancelled."
          : `Pre-rendering failed: ${errorText(error)}`,
        outcome: "error",
      };
    }
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
    };
    return html`
      <div class="viewer-toolbar">${toolbarTemplate(model, this.toolbarHandlers)}</div>
      ${
        error
          ? html`<div class="viewer-banner error" role="alert" data-testid="error">
              <span>${error}</span>
              <button
                class="icon-button"
                title="Dismiss"
                @click=${() => {
                  this._error = null;
                  this._tileError = null;
                }}
              >
                ×
              </button>
            </div>`
          : nothing
      }
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
        ${this._busy ? html`<div class="viewer-busy">Opening ${basename(this._path ?? "")}…</div>` : nothing}
      </div>
      <div class="viewer-status">
        <span class="readout" data-testid="readout"
          >${readoutTemplate(this._readout, hasImage)}</span
        >
        <span class="viewer-status-right">
          ${
            this._tilesLoading > 0
              ? html`<span class="tiles-loading" data-testid="tiles-loading"
                  >loading ${this._tilesLoading} tile${this._tilesLoading === 1 ? "" : "s"}</span
                >`
              : nothing
          }
          ${
            hdu && hasImage
              ? html`<span class="dims"
                  >${hdu.width} × ${hdu.height}${hdu.planes > 1 ? ` × ${hdu.planes}` : ""}</span
                >`
              : nothing
          }
        </span>
      </div>
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
    fit: () => this.fit(),
    actualSize: () => this.zoomToActualSize(),
    header: () => this.showHeader(),
    prerender: () => void this.prerender(),
  };
}

customElements.define("toyz-image-viewer", ToyzImageViewer);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-image-viewer": ToyzImageViewer;
  }
}
