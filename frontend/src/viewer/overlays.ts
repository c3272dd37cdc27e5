// The catalogues drawn on an image viewer (its state's `overlays`): fetched once per image, kept in
// step with their source's selection, selecting on the image (shift-drag box, or the select
// tool's box or lasso), and a click on a marker showing its row.
import { html, nothing, render, type ReactiveControllerHost, type TemplateResult } from "lit";
import type OlMap from "ol/Map";
import Overlay from "ol/Overlay";
import DragBox from "ol/interaction/DragBox";
import DragZoom from "ol/interaction/DragZoom";
import Draw from "ol/interaction/Draw";
import { shiftKeyOnly, always } from "ol/events/condition";
import type { Polygon } from "ol/geom";

import { errorText } from "../socket";
import type {
  OverlayState,
  RowsPage,
  SelectionState,
  SourceRegistry,
  SourceStore,
} from "../sources/types";
import { CatalogueLayer, SHAPES, fetchPlacement, type ImageRef } from "./catalogue-layer";
import { GrabPan } from "./pan";

/** Explicit row sets are capped by the selection state (see the contract). */
const MAX_ROWS_SELECTED = 100_000;
const COLORS = ["#00e5ff", "#ff4081", "#76ff03", "#ff9100", "#e040fb"];

export type SelectTool = "pan" | "box" | "lasso";

export function newOverlay(source: string, index: number): OverlayState {
  return {
    source,
    color: COLORS[index % COLORS.length] ?? "#00e5ff",
    shape: "circle",
    size: 10,
    visible: true,
  };
}

/** Only well-formed overlays survive a restore (a saved state comes from other pages). */
export function parseOverlays(value: unknown): OverlayState[] {
  if (!Array.isArray(value)) return [];
  const out: OverlayState[] = [];
  for (const item of value.slice(0, 20)) {
    if (typeof item !== "object" || item === null) continue;
    const o = item as Record<string, unknown>;
    if (typeof o["source"] !== "string") continue;
    const overlay: OverlayState = {
      source: o["source"],
      color: typeof o["color"] === "string" ? o["color"] : "#00e5ff",
      shape: typeof o["shape"] === "string" ? o["shape"] : "circle",
      size: typeof o["size"] === "number" && Number.isFinite(o["size"]) ? o["size"] : 10,
      visible: o["visible"] !== false,
    };
    for (const key of ["ra", "dec", "x", "y"] as const) {
      if (typeof o[key] === "string") overlay[key] = o[key];
    }
    out.push(overlay);
  }
  return out;
}

interface Shown {
  overlay: OverlayState;
  /** What the placement was fetched for: the image and the columns. */
  key: string;
  layer: CatalogueLayer | null;
  /** The store it was fetched from: a reloaded source (an edited file) comes as a new one. */
  store: SourceStore;
  error: string | null;
  abort: AbortController;
  unsubscribe: () => void;
}

interface Popup {
  source: string;
  row: number;
  page: RowsPage | null;
  error: string | null;
}

export interface OverlayHost {
  map(): OlMap | null;
  image(): ImageRef | null;
  sources(): SourceRegistry | null;
  tileId(): string;
  /** The overlays changed by this user: the viewer's state changed. */
  changed(): void;
  /** Buttons under a marker's row in its popup (e.g. a detection's Delete and Relabel). */
  rowActions?(source: string, row: number, page: RowsPage | null): TemplateResult | typeof nothing;
}

export class ViewerOverlays {
  private list: OverlayState[] = [];
  private readonly shown = new Map<string, Shown>();
  private tool: SelectTool = "pan";
  private popup: Popup | null = null;
  private popupOverlay: Overlay | null = null;
  private readonly popupElement = document.createElement("div");
  private box: DragBox | null = null;
  private lasso: Draw | null = null;
  private attachedTo: OlMap | null = null;
  private registryOff: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly deps: OverlayHost,
  ) {
    this.popupElement.className = "overlay-popup";
    this.popupElement.dataset["testid"] = "overlay-popup";
  }

  get overlays(): OverlayState[] {
    return this.list.map((o) => ({ ...o }));
  }

  get selectTool(): SelectTool {
    return this.tool;
  }

  /** How many rows of each shown overlay landed on the image (tests and the menu read it). */
  get placed(): { source: string; rows: number; inside: number; error: string | null }[] {
    return [...this.shown.values()].map((s) => ({
      source: s.overlay.source,
      rows: s.layer?.placement.rows ?? 0,
      inside: s.layer?.placement.inside ?? 0,
      error: s.error,
    }));
  }

  /** Where a row of a shown overlay is drawn (viewer coordinates), or null. */
  rowPosition(source: string, row: number): [number, number] | null {
    return this.shown.get(source)?.layer?.position(row) ?? null;
  }

  /** The map exists (the viewer's first update): the interactions go onto it. */
  attach(map: OlMap): void {
    this.attachedTo = map;
    this.popupOverlay = new Overlay({
      element: this.popupElement,
      positioning: "bottom-center",
      offset: [0, -12],
      stopEvent: true,
    });
    map.addOverlay(this.popupOverlay);
    this.box = new DragBox({
      condition: (event) =>
        this.list.some((o) => o.visible) && (this.tool === "box" || shiftKeyOnly(event)),
      className: "overlay-box",
    });
    this.box.on("boxend", () => {
      const extent = this.box?.getGeometry().getExtent();
      if (!extent) return;
      const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = extent;
      this.selectOnImage((layer) => layer.rowsInBox(x0, y0, x1, y1));
    });
    map.addInteraction(this.box);
    this.lasso = new Draw({
      type: "Polygon",
      freehand: true,
      freehandCondition: always,
      condition: always,
    });
    this.lasso.setActive(false);
    this.lasso.on("drawend", (event) => {
      const ring = (event.feature.getGeometry() as Polygon).getCoordinates()[0] ?? [];
      const polygon = ring.map((c) => [c[0] ?? 0, c[1] ?? 0] as [number, number]);
      if (polygon.length >= 3) this.selectOnImage((layer) => layer.rowsInPolygon(polygon));
    });
    map.addInteraction(this.lasso);
    map.on("singleclick", (event) => {
      if (this.tool !== "pan") return;
      void this.showRowAt(event.coordinate[0] ?? 0, event.coordinate[1] ?? 0);
    });
    this.applyTool();
  }

  /** The workspace's sources arrived or changed: the menu lists them, overlays find their store. */
  sourcesChanged(): void {
    this.registryOff?.();
    this.registryOff = this.deps.sources()?.onChange(() => this.refresh()) ?? null;
    this.refresh();
  }

  /** Sets the overlays (a restore, a collaborator's state); nothing is refetched that is unchanged. */
  set(overlays: OverlayState[]): void {
    this.list = parseOverlays(overlays);
    this.refresh();
  }

  add(source: string): void {
    if (this.list.some((o) => o.source === source)) return;
    this.list = [...this.list, newOverlay(source, this.list.length)];
    this.refresh();
    this.deps.changed();
  }

  remove(source: string): void {
    this.list = this.list.filter((o) => o.source !== source);
    this.refresh();
    this.deps.changed();
  }

  update(source: string, change: Partial<OverlayState>): void {
    this.list = this.list.map((o) => (o.source === source ? { ...o, ...change, source } : o));
    this.refresh();
    this.deps.changed();
  }

  setTool(tool: SelectTool): void {
    this.tool = tool;
    this.applyTool();
    this.host.requestUpdate();
  }

  /**
   * Brings the layers in line with the list and the image: new overlays and those whose image or
   * columns changed are fetched, removed ones dropped, the others restyled.
   */
  refresh(): void {
    const map = this.deps.map();
    const image = this.deps.image();
    const registry = this.deps.sources();
    const wanted = new Set(this.list.map((o) => o.source));
    for (const [source, shown] of this.shown) {
      if (!wanted.has(source)) this.drop(source, shown);
    }
    this.list.forEach((overlay, index) => {
      const store = registry?.get(overlay.source) ?? null;
      const key =
        image && store
          ? JSON.stringify([
              image,
              store.spec.path,
              store.spec.table,
              overlay.ra,
              overlay.dec,
              overlay.x,
              overlay.y,
            ])
          : "";
      const current = this.shown.get(overlay.source);
      if (current && current.key === key && current.store === store) {
        current.overlay = overlay;
        current.layer?.restyle(overlay);
        return;
      }
      if (current) this.drop(overlay.source, current);
      if (!map || !image || !store) return;
      this.show(map, image, store, overlay, key, 10 + 2 * index);
    });
    if (this.popup && !wanted.has(this.popup.source)) this.closePopup();
    this.applyTool();
    this.host.requestUpdate();
  }

  dispose(): void {
    for (const [source, shown] of this.shown) this.drop(source, shown);
    this.registryOff?.();
    this.registryOff = null;
  }

  private show(
    map: OlMap,
    image: ImageRef,
    store: SourceStore,
    overlay: OverlayState,
    key: string,
    zIndex: number,
  ): void {
    const abort = new AbortController();
    const shown: Shown = {
      overlay,
      key,
      layer: null,
      store,
      error: null,
      abort,
      unsubscribe: store.onSelection((_state, mask) => shown.layer?.setMask(mask)),
    };
    this.shown.set(overlay.source, shown);
    void (async () => {
      try {
        const placement = await fetchPlacement(store.spec, overlay, image, abort.signal);
        if (abort.signal.aborted) return;
        shown.layer = new CatalogueLayer(map, placement, shown.overlay, zIndex);
        const mask = store.selection ? await store.mask() : null;
        if (!abort.signal.aborted) shown.layer.setMask(mask);
      } catch (error) {
        if (abort.signal.aborted) return;
        shown.error = errorText(error);
      }
      this.host.requestUpdate();
    })();
  }

  private drop(source: string, shown: Shown): void {
    shown.abort.abort();
    shown.unsubscribe();
    shown.layer?.dispose();
    this.shown.delete(source);
  }

  private applyTool(): void {
    const map = this.attachedTo;
    if (!map) return;
    const any = this.list.some((o) => o.visible);
    const selecting = any && this.tool !== "pan";
    this.lasso?.setActive(any && this.tool === "lasso");
    for (const interaction of map.getInteractions().getArray()) {
      // Shift-drag selects while a catalogue is shown (OpenLayers' shift-drag zoom steps aside).
      if (interaction instanceof DragZoom) interaction.setActive(!any);
      if (interaction instanceof GrabPan) interaction.setActive(!selecting);
    }
  }

  /** Selects, in each visible overlay's source, the rows that `pick` finds on the image. */
  private selectOnImage(pick: (layer: CatalogueLayer) => number[]): void {
    const registry = this.deps.sources();
    for (const shown of this.shown.values()) {
      if (!shown.overlay.visible || !shown.layer) continue;
      const store = registry?.get(shown.overlay.source);
      if (!store) continue;
      const rows = pick(shown.layer);
      if (rows.length > MAX_ROWS_SELECTED) {
        shown.error = `That selects ${rows.length} rows; select at most ${MAX_ROWS_SELECTED} on the image, or select in a plot.`;
        continue;
      }
      shown.error = null;
      const state: SelectionState | null = rows.length ? { kind: "rows", rows } : null;
      store.select(state, this.deps.tileId());
    }
    this.host.requestUpdate();
  }

  /** The nearest marker of a visible overlay within its size of viewer point (x, y), or null. */
  markerAt(x: number, y: number): { source: string; row: number } | null {
    const map = this.deps.map();
    const resolution = map?.getView().getResolution() ?? 1;
    let best: { source: string; row: number; distance: number } | null = null;
    for (const shown of this.shown.values()) {
      if (!shown.overlay.visible || !shown.layer) continue;
      const tolerance = (shown.overlay.size / 2 + 4) * resolution;
      const found = shown.layer.nearest(x, y, tolerance);
      if (found && (best === null || found.distance < best.distance)) {
        best = { source: shown.overlay.source, ...found };
      }
    }
    return best ? { source: best.source, row: best.row } : null;
  }

  /** A click: the nearest marker within its size shows its row in a popup. */
  private async showRowAt(x: number, y: number): Promise<void> {
    const best = this.markerAt(x, y);
    if (!best) {
      this.closePopup();
      return;
    }
    const { source, row } = best;
    const position = this.rowPosition(source, row) ?? [x, y];
    this.popup = { source, row, page: null, error: null };
    this.placePopup(position);
    this.popupOverlay?.setPosition(position);
    this.renderPopup();
    const store = this.deps.sources()?.get(source);
    try {
      const page = store ? await store.rows({ start: row, count: 1 }) : null;
      if (this.popup?.row === row && this.popup.source === source) this.popup.page = page;
    } catch (error) {
      if (this.popup?.row === row && this.popup.source === source)
        this.popup.error = errorText(error);
    }
    this.renderPopup();
  }

  /** The popup opens towards the middle of the map, so that it stays inside the viewer. */
  private placePopup(position: number[]): void {
    const map = this.deps.map();
    const size = map?.getSize();
    const pixel = map?.getPixelFromCoordinate(position);
    if (!this.popupOverlay || !size || !pixel) return;
    const [width = 0, height = 0] = size;
    const [px = 0, py = 0] = pixel;
    const side = px < width / 3 ? "left" : px > (2 * width) / 3 ? "right" : "center";
    const below = py < height / 2;
    this.popupOverlay.setPositioning(`${below ? "top" : "bottom"}-${side}`);
    this.popupOverlay.setOffset([0, below ? 12 : -12]);
  }

  /** Draws the popup again (what its row actions depend on changed). */
  redrawPopup(): void {
    this.renderPopup();
  }

  closePopup(): void {
    this.popup = null;
    this.popupOverlay?.setPosition(undefined);
    this.renderPopup();
  }

  private renderPopup(): void {
    const p = this.popup;
    if (!p) {
      render(nothing, this.popupElement);
      return;
    }
    const page = p.page;
    const cells = page?.cells[0] ?? [];
    const name = this.deps.sources()?.get(p.source)?.spec.name ?? "";
    render(
      html`<div class="overlay-popup-head">
          <strong>${name}</strong> row ${p.row}
          <button type="button" title="Close" @click=${() => this.closePopup()}>×</button>
        </div>
        ${this.deps.rowActions?.(p.source, p.row, page) ?? nothing}
        ${p.error ? html`<div class="overlay-popup-error">${p.error}</div>` : nothing}
        ${
          page
            ? html`<table data-testid="overlay-row">
              ${page.columns.map(
                (column, i) =>
                  html`<tr>
                    <th>${column}</th>
                    <td>${cells[i] === null || cells[i] === undefined ? "—" : String(cells[i])}</td>
                  </tr>`,
              )}
            </table>`
            : p.error
              ? nothing
              : html`<div>Loading…</div>`
        }`,
      this.popupElement,
    );
  }

  /** The toolbar's "Overlay" menu: the workspace's sources, each with its marker settings. */
  menuTemplate(hasImage: boolean): TemplateResult {
    const registry = this.deps.sources();
    const specs = registry?.specs ?? [];
    const status = new Map(this.placed.map((p) => [p.source, p]));
    const byId = new Map(this.list.map((o) => [o.source, o]));
    return html`<details class="overlay-menu" data-testid="overlay-menu">
      <summary title="Catalogues on the image">Overlay${this.list.length ? ` (${this.list.length})` : ""}</summary>
      <div class="overlay-menu-body">
        ${
          specs.length === 0
            ? html`<p>No data source in this workspace yet: open a table from the file browser.</p>`
            : nothing
        }
        ${specs
          .filter((s) => s.kind === "file")
          .map((spec) => {
            const o = byId.get(spec.id);
            const st = status.get(spec.id);
            return html`<div class="overlay-row" data-source=${spec.id}>
              <label
                ><input
                  type="checkbox"
                  data-testid="overlay-on"
                  .checked=${o !== undefined}
                  ?disabled=${!hasImage}
                  @change=${(e: Event) =>
                    (e.target as HTMLInputElement).checked
                      ? this.add(spec.id)
                      : this.remove(spec.id)}
                />${spec.name}</label
              >
              ${
                o
                  ? html`<input
                      type="color"
                      title="Colour"
                      .value=${o.color}
                      @change=${(e: Event) => this.update(spec.id, { color: (e.target as HTMLInputElement).value })}
                    />
                    <select
                      title="Shape"
                      @change=${(e: Event) => this.update(spec.id, { shape: (e.target as HTMLSelectElement).value })}
                    >
                      ${SHAPES.map((s) => html`<option ?selected=${s === o.shape}>${s}</option>`)}
                    </select>
                    <input
                      type="number"
                      title="Size (screen pixels)"
                      min="2"
                      max="40"
                      .value=${String(o.size)}
                      @change=${(e: Event) =>
                        this.update(spec.id, {
                          size: Number((e.target as HTMLInputElement).value) || 10,
                        })}
                    />
                    <label title="Show the markers"
                      ><input
                        type="checkbox"
                        .checked=${o.visible}
                        @change=${(e: Event) =>
                          this.update(spec.id, { visible: (e.target as HTMLInputElement).checked })}
                      />shown</label
                    >
                    <span class="overlay-status"
                      >${st?.error ?? (st && st.rows ? `${st.inside} of ${st.rows} rows on the image` : "")}</span
                    >`
                  : nothing
              }
            </div>`;
          })}
        <div class="overlay-tools" role="group" aria-label="Select on the image">
          ${(["pan", "box", "lasso"] as const).map(
            (tool) =>
              html`<button
                type="button"
                data-testid=${`overlay-tool-${tool}`}
                aria-pressed=${this.tool === tool ? "true" : "false"}
                @click=${() => this.setTool(tool)}
              >
                ${tool === "pan" ? "Pan" : tool === "box" ? "Select box" : "Select lasso"}
              </button>`,
          )}
        </div>
      </div>
    </details>`;
  }
}
