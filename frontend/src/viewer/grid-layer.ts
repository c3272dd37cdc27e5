// The coordinate grid over an image viewer (its state's `grid`): RA/Dec or galactic lines from
// GET /api/analysis/grid for the visible box, drawn as a vector layer with labels along the edges,
// fetched again (debounced) when the view comes to rest after a pan or a zoom.
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from "lit";
import Feature from "ol/Feature";
import type OlMap from "ol/Map";
import LineString from "ol/geom/LineString";
import Point from "ol/geom/Point";
import VectorLayer from "ol/layer/Vector";
import VectorSource from "ol/source/Vector";
import { Fill, Stroke, Style, Text } from "ol/style";
import type { EventsKey } from "ol/events";
import { unByKey } from "ol/Observable";

import { apiRequest } from "../api";
import type { components } from "../generated/api";
import { errorText } from "../socket";
import type { ImageRef } from "./catalogue-layer";

export type GridOut = components["schemas"]["GridOut"];
export type GridLine = components["schemas"]["GridLineOut"];

export interface GridState {
  on: boolean;
  system: "icrs" | "galactic";
  format: "sexagesimal" | "degrees";
}

export const DEFAULT_GRID: GridState = { on: false, system: "icrs", format: "sexagesimal" };
export const GRID_COLOR = "rgba(0, 255, 140, 0.85)";
/** Wait this long after the view stops moving before asking for the grid of the new box. */
const DEBOUNCE_MS = 200;

/** Only a well-formed grid state survives a restore (a saved state comes from other pages). */
export function parseGrid(value: unknown): GridState {
  if (typeof value !== "object" || value === null) return { ...DEFAULT_GRID };
  const v = value as Record<string, unknown>;
  return {
    on: v["on"] === true,
    system: v["system"] === "galactic" ? "galactic" : "icrs",
    format: v["format"] === "degrees" ? "degrees" : "sexagesimal",
  };
}

export interface GridHost {
  map(): OlMap | null;
  image(): ImageRef | null;
  /** The grid's settings changed by this user: the viewer's state changed. */
  changed(): void;
}

/** Where a label sits against the box edge its line meets. */
function labelStyle(line: GridLine): Style {
  const edge = line.label_at?.edge ?? "inside";
  const text = new Text({
    text: line.label,
    font: "11px sans-serif",
    fill: new Fill({ color: "#eafff4" }),
    backgroundFill: new Fill({ color: "rgba(0, 40, 20, 0.7)" }),
    padding: [1, 3, 1, 3],
    textAlign: edge === "right" ? "right" : edge === "left" ? "left" : "center",
    textBaseline: edge === "bottom" ? "bottom" : edge === "top" ? "top" : "middle",
    offsetX: edge === "left" ? 3 : edge === "right" ? -3 : 0,
    offsetY: edge === "bottom" ? -3 : edge === "top" ? 3 : 0,
  });
  return new Style({ text });
}

export class GridLayer {
  private settings: GridState = { ...DEFAULT_GRID };
  private readonly source = new VectorSource();
  private readonly layer = new VectorLayer({
    source: this.source,
    zIndex: 20,
    style: new Style({ stroke: new Stroke({ color: GRID_COLOR, width: 1.2 }) }),
    updateWhileAnimating: false,
    updateWhileInteracting: true,
  });
  private attachedTo: OlMap | null = null;
  private moveKey: EventsKey | null = null;
  private timer: number | null = null;
  private abort: AbortController | null = null;
  private _grid: GridOut | null = null;
  private _error: string | null = null;
  private _fetches = 0;
  private _open = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly deps: GridHost,
  ) {
    this.layer.set("name", "grid");
  }

  /** What the viewer's state saves. */
  get state(): GridState {
    return { ...this.settings };
  }

  /** The grid drawn now (tests read it), null when off or not fetched yet. */
  get grid(): GridOut | null {
    return this.settings.on ? this._grid : null;
  }

  /** Grids received so far (a test waits for the next one after a pan). */
  get fetches(): number {
    return this._fetches;
  }

  get error(): string | null {
    return this._error;
  }

  attach(map: OlMap): void {
    this.attachedTo = map;
    map.addLayer(this.layer);
    this.moveKey = map.on("moveend", () => this.schedule());
  }

  /** A restored or a collaborator's state. */
  restore(value: unknown): void {
    const next = parseGrid(value);
    if (JSON.stringify(next) === JSON.stringify(this.settings)) return;
    this.settings = next;
    this.refresh();
  }

  /** Turns the grid on or off, or changes its system or format (this user's change). */
  set(change: Partial<GridState>): void {
    this.settings = { ...this.settings, ...change };
    this.deps.changed();
    this.refresh();
  }

  /** The image or its view changed: fetch the grid for what is shown now (or clear it). */
  refresh(): void {
    this.abort?.abort();
    if (!this.settings.on || !this.deps.image()) {
      this.source.clear();
      this._grid = null;
      this._error = null;
      this.host.requestUpdate();
      return;
    }
    this.schedule();
  }

  dispose(): void {
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.abort?.abort();
    if (this.moveKey) unByKey(this.moveKey);
    this.attachedTo?.removeLayer(this.layer);
    this.attachedTo = null;
  }

  private schedule(): void {
    if (!this.settings.on) return;
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      this.timer = null;
      void this.fetchGrid();
    }, DEBOUNCE_MS);
  }

  private async fetchGrid(): Promise<void> {
    const map = this.deps.map();
    const image = this.deps.image();
    const size = map?.getSize();
    if (!map || !image || !size || !this.settings.on) return;
    const extent = map.getView().calculateExtent(size);
    const [x0 = NaN, y0 = NaN, x1 = NaN, y1 = NaN] = extent;
    if (![x0, y0, x1, y1].every(Number.isFinite) || x1 <= x0 || y1 <= y0) return;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    // Whole pixels: a view that comes back to the same place asks for the same URL (revalidated by ETag).
    const params = new URLSearchParams({
      path: image.path,
      hdu: String(image.hdu),
      plane: String(image.plane),
      x0: String(Math.floor(x0)),
      y0: String(Math.floor(y0)),
      x1: String(Math.ceil(x1)),
      y1: String(Math.ceil(y1)),
      system: this.settings.system,
      format: this.settings.format,
    });
    try {
      const grid = await apiRequest<GridOut>("GET", `/api/analysis/grid?${params.toString()}`);
      if (abort.signal.aborted || !this.settings.on) return;
      this._grid = grid;
      this._error = null;
      this.draw(grid);
      this._fetches += 1;
    } catch (error) {
      if (abort.signal.aborted) return;
      this._error = errorText(error);
      this.source.clear();
    }
    this.host.requestUpdate();
  }

  private draw(grid: GridOut): void {
    const features: Feature[] = [];
    for (const line of grid.lines) {
      for (const flat of line.paths) {
        const coordinates: [number, number][] = [];
        for (let i = 0; i + 1 < flat.length; i += 2)
          coordinates.push([flat[i] ?? 0, flat[i + 1] ?? 0]);
        const feature = new Feature(new LineString(coordinates));
        feature.set("grid", `${line.axis}:${line.value}`);
        features.push(feature);
      }
      if (line.label_at) {
        const label = new Feature(new Point([line.label_at.x, line.label_at.y]));
        label.setStyle(labelStyle(line));
        features.push(label);
      }
    }
    this.source.clear();
    this.source.addFeatures(features);
  }

  /** The toolbar's "Grid" toggle with its system and format. */
  template(hasImage: boolean): TemplateResult {
    const s = this.settings;
    return html`<span class="field grid-tools">
      <button
        data-testid="grid-toggle"
        class=${s.on ? "active" : ""}
        aria-pressed=${s.on ? "true" : "false"}
        title=${this._error ?? "Draw the RA/Dec (or galactic) coordinate grid over the image"}
        ?disabled=${!hasImage}
        @click=${() => this.set({ on: !s.on })}
      >
        Grid
      </button>
      ${
        s.on
          ? html`<button
              class="icon-button"
              data-testid="grid-options"
              title="Grid options"
              @click=${() => {
                this._open = !this._open;
                this.host.requestUpdate();
              }}
            >
              ▾
            </button>`
          : nothing
      }
      ${
        s.on && this._open
          ? html`<select
                data-testid="grid-system"
                title="Coordinate system"
                @change=${(e: Event) =>
                  this.set({
                    system:
                      (e.target as HTMLSelectElement).value === "galactic" ? "galactic" : "icrs",
                  })}
              >
                <option value="icrs" ?selected=${s.system === "icrs"}>RA/Dec</option>
                <option value="galactic" ?selected=${s.system === "galactic"}>galactic</option>
              </select>
              <select
                data-testid="grid-format"
                title="Label format"
                @change=${(e: Event) =>
                  this.set({
                    format:
                      (e.target as HTMLSelectElement).value === "degrees"
                        ? "degrees"
                        : "sexagesimal",
                  })}
              >
                <option value="sexagesimal" ?selected=${s.format === "sexagesimal"}>h:m:s</option>
                <option value="degrees" ?selected=${s.format === "degrees"}>degrees</option>
              </select>`
          : nothing
      }
      ${this._error && s.on ? html`<span class="muted" data-testid="grid-error">${this._error}</span>` : nothing}
    </span>`;
  }
}
