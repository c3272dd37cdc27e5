// Contours over an image viewer (its state's `contours`): the "Contours" dialog runs the
// `analysis.contours` job (of this image, or of another open viewer's image placed here through
// both WCSs) and draws the paths as a vector layer; "Save as regions" hands them to the viewer's
// regions, when it has them.
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from "lit";
import Feature from "ol/Feature";
import type OlMap from "ol/Map";
import LineString from "ol/geom/LineString";
import VectorLayer from "ol/layer/Vector";
import VectorSource from "ol/source/Vector";
import { Stroke, Style } from "ol/style";

import type { Region } from "../analysis/types";
import "./analysis-layers.css";
import type { ContoursResult } from "../generated/socket";
import { errorText, type WorkspaceSocket } from "../socket";
import type { ImageRef } from "./catalogue-layer";

export type ContourScale = "linear" | "log" | "sqrt";

export interface ContourState {
  on: boolean;
  count: number;
  scale: ContourScale;
  /** Lowest and highest level; null: the contoured image's default cut levels. */
  limits: [number, number] | null;
  smooth: number;
  color: string;
  /** Contour this other image instead (placed here by WCS); null: this image. */
  of: ImageRef | null;
}

export const DEFAULT_CONTOURS: ContourState = {
  on: false,
  count: 7,
  scale: "linear",
  limits: null,
  smooth: 2,
  color: "#ffd400",
  of: null,
};
/** Regions take at most this many points each, and a viewer this many regions (the contract's limits). */
const MAX_REGION_POINTS = 1000;
const MAX_REGIONS = 500;

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function parseImageRef(value: unknown): ImageRef | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v["path"] !== "string" || !finite(v["hdu"]) || !finite(v["plane"])) return null;
  return { path: v["path"], hdu: v["hdu"], plane: v["plane"] };
}

/** Only a well-formed contour state survives a restore (a saved state comes from other pages). */
export function parseContours(value: unknown): ContourState {
  if (typeof value !== "object" || value === null) return { ...DEFAULT_CONTOURS };
  const v = value as Record<string, unknown>;
  const limits = v["limits"];
  const scale = v["scale"];
  return {
    on: v["on"] === true,
    count: finite(v["count"]) ? Math.min(50, Math.max(1, Math.round(v["count"]))) : 7,
    scale: scale === "log" || scale === "sqrt" ? scale : "linear",
    limits:
      Array.isArray(limits) && limits.length === 2 && finite(limits[0]) && finite(limits[1])
        ? [limits[0], limits[1]]
        : null,
    smooth: finite(v["smooth"]) ? Math.min(100, Math.max(0, v["smooth"])) : 2,
    color:
      typeof v["color"] === "string" && v["color"].length <= 32
        ? v["color"]
        : DEFAULT_CONTOURS.color,
    of: parseImageRef(v["of"]),
  };
}

/** The paths as regions: closed ones polygons, open ones lines, in viewer coordinates. */
export function contoursToRegions(result: ContoursResult, color: string): Region[] {
  const stamp = Date.now().toString(36);
  const paths = [...result.paths].sort((a, b) => b.xy.length - a.xy.length).slice(0, MAX_REGIONS);
  return paths.map((path, i) => {
    let points: [number, number][] = [];
    for (let k = 0; k + 1 < path.xy.length; k += 2)
      points.push([path.xy[k] ?? 0, path.xy[k + 1] ?? 0]);
    if (path.closed && points.length > 3) points = points.slice(0, -1); // a polygon closes itself
    if (points.length > MAX_REGION_POINTS) {
      const step = Math.ceil(points.length / MAX_REGION_POINTS);
      points = points.filter((_, k) => k % step === 0);
    }
    return {
      id: `contour-${stamp}-${i}`,
      shape: path.closed && points.length >= 3 ? "polygon" : "line",
      frame: "image",
      points,
      size: null,
      angle: 0,
      text: `level ${path.level.toPrecision(4)}`,
      color,
    };
  });
}

/** What the regions API of the viewer offers (helper C's `viewer.regions`), when it is there. */
interface RegionsApi {
  add(regions: Region[]): boolean;
}

export interface ContourHost {
  map(): OlMap | null;
  image(): ImageRef | null;
  socket(): WorkspaceSocket | null;
  /** The display limits in use (the dialog starts from them). */
  limits(): [number, number] | null;
  regions(): RegionsApi | null;
  /** This viewer (left out of the "contours of" choices). */
  self(): HTMLElement;
  /** The contour settings changed by this user: the viewer's state changed. */
  changed(): void;
}

interface OtherImage {
  label: string;
  image: ImageRef;
}

export class ContourLayer {
  private settings: ContourState = { ...DEFAULT_CONTOURS };
  private readonly source = new VectorSource();
  private readonly layer = new VectorLayer({ source: this.source, zIndex: 15 });
  private attachedTo: OlMap | null = null;
  private _result: ContoursResult | null = null;
  /** What the last "Save as regions" kept: how many paths of how many. */
  private _saved: { count: number; total: number } | null = null;
  private _error: string | null = null;
  private _busy = false;
  private _open = false;
  private _others: OtherImage[] = [];
  private seq = 0;
  /** The image the paths drawn were computed for (they belong to it alone). */
  private drawnFor = "";

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly deps: ContourHost,
  ) {
    this.layer.set("name", "contours");
  }

  get state(): ContourState {
    return { ...this.settings, of: this.settings.of ? { ...this.settings.of } : null };
  }

  /** The contours drawn now (tests read them), null when off or not computed yet. */
  get result(): ContoursResult | null {
    return this.settings.on ? this._result : null;
  }

  get busy(): boolean {
    return this._busy;
  }

  attach(map: OlMap): void {
    this.attachedTo = map;
    map.addLayer(this.layer);
  }

  dispose(): void {
    this.seq += 1;
    this.attachedTo?.removeLayer(this.layer);
    this.attachedTo = null;
  }

  /** A restored or a collaborator's state. */
  restore(value: unknown): void {
    const next = parseContours(value);
    if (JSON.stringify(next) === JSON.stringify(this.settings)) return;
    this.settings = next;
    this.drawnFor = "";
    this.refresh();
  }

  /** The image shown changed (or the viewer's picture came back): compute again if contours are on. */
  refresh(): void {
    const image = this.deps.image();
    if (!this.settings.on || !image) {
      this.seq += 1;
      this.source.clear();
      this._result = null;
      this.drawnFor = "";
      this.host.requestUpdate();
      return;
    }
    const key = JSON.stringify([image, this.settings]);
    if (key !== this.drawnFor) void this.compute();
  }

  /** Runs the job with the current settings and draws its paths. */
  async compute(): Promise<void> {
    const image = this.deps.image();
    const socket = this.deps.socket();
    if (!image || !socket) return;
    const seq = ++this.seq;
    const s = this.settings;
    const params: Record<string, unknown> = {
      image,
      count: s.count,
      scale: s.scale,
      smooth: s.smooth,
    };
    if (s.limits) params["limits"] = s.limits;
    if (s.of) params["of"] = s.of;
    this._busy = true;
    this._error = null;
    this.host.requestUpdate();
    try {
      const result = await socket.job<ContoursResult>("analysis.contours", params);
      if (seq !== this.seq) return;
      this._result = result;
      this._saved = null;
      this.drawnFor = JSON.stringify([image, s]);
      this.draw(result);
    } catch (error) {
      if (seq !== this.seq) return;
      this._error = errorText(error);
      this.source.clear();
      this._result = null;
    } finally {
      if (seq === this.seq) {
        this._busy = false;
        this.host.requestUpdate();
      }
    }
  }

  private draw(result: ContoursResult): void {
    const style = new Style({ stroke: new Stroke({ color: this.settings.color, width: 1.2 }) });
    const features = result.paths.map((path) => {
      const coordinates: [number, number][] = [];
      for (let i = 0; i + 1 < path.xy.length; i += 2)
        coordinates.push([path.xy[i] ?? 0, path.xy[i + 1] ?? 0]);
      const feature = new Feature(new LineString(coordinates));
      feature.set("level", path.level);
      return feature;
    });
    this.layer.setStyle(style);
    this.source.clear();
    this.source.addFeatures(features);
  }

  /** The other open viewers' images, as "contours of" choices. */
  private otherImages(): OtherImage[] {
    const mine = this.deps.self();
    const out: OtherImage[] = [];
    for (const viewer of document.querySelectorAll("toyz-image-viewer")) {
      if (viewer === mine) continue;
      const image = viewer.imageRef;
      if (!image) continue;
      const name = image.path.split("/").pop() ?? image.path;
      out.push({
        label: `${name} [${image.hdu}]${image.plane ? ` plane ${image.plane}` : ""}`,
        image,
      });
    }
    return out;
  }

  private toggleDialog(): void {
    this._open = !this._open;
    if (this._open) {
      this._others = this.otherImages();
      // The limits start from what the display shows, unless the user set some already.
      if (!this.settings.limits) {
        const shown = this.deps.limits();
        if (shown) this.settings = { ...this.settings, limits: shown };
      }
    }
    this.host.requestUpdate();
  }

  private apply(form: HTMLFormElement): void {
    const value = (name: string): string =>
      (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value ?? "";
    const lo = Number(value("lo"));
    const hi = Number(value("hi"));
    const ofIndex = value("of");
    const other = ofIndex === "" ? null : (this._others[Number(ofIndex)]?.image ?? null);
    // Limits of another image are its own default cuts unless given: this image's display says nothing of it.
    const limits: [number, number] | null =
      Number.isFinite(lo) &&
      Number.isFinite(hi) &&
      hi > lo &&
      value("lo") !== "" &&
      value("hi") !== ""
        ? [lo, hi]
        : null;
    const scale = value("scale");
    this.settings = parseContours({
      on: true,
      count: Number(value("count")),
      scale,
      limits,
      smooth: Number(value("smooth")),
      color: value("color") || DEFAULT_CONTOURS.color,
      of: other,
    });
    this.deps.changed();
    void this.compute();
  }

  private clear(): void {
    this.settings = { ...this.settings, on: false };
    this.seq += 1;
    this._busy = false;
    this._result = null;
    this._saved = null;
    this.drawnFor = "";
    this.source.clear();
    this.deps.changed();
    this.host.requestUpdate();
  }

  /** Adds the drawn contours to the viewer's regions (when it has a regions API). */
  saveAsRegions(): number {
    const regions = this.deps.regions();
    if (!regions || !this._result) return 0;
    let list = contoursToRegions(this._result, this.settings.color);
    const total = this._result.paths.length;
    // A viewer keeps its regions in the tile state (tens of KB): the longest paths, coarser, until they fit.
    while (list.length > 0 && !regions.add(list)) {
      list = list
        .slice(0, Math.floor(list.length / 2))
        .map((r) =>
          r.points.length > 8 ? { ...r, points: r.points.filter((_, k) => k % 2 === 0) } : r,
        );
    }
    this._saved = { count: list.length, total };
    this.host.requestUpdate();
    return list.length;
  }

  /** The toolbar's "Contours" button and its dialog. */
  template(hasImage: boolean): TemplateResult {
    const s = this.settings;
    const r = this._result;
    const ofKey = s.of ? JSON.stringify(s.of) : "";
    return html`<span class="field contour-tools">
      <button
        data-testid="contours-button"
        class=${s.on ? "active" : ""}
        aria-pressed=${s.on ? "true" : "false"}
        title="Contour lines of this image, or of another open image placed here by WCS"
        ?disabled=${!hasImage}
        @click=${() => this.toggleDialog()}
      >
        Contours${this._busy ? "…" : ""}
      </button>
      ${
        this._open && hasImage
          ? html`<form
              class="contour-dialog"
              data-testid="contours-dialog"
              @submit=${(e: Event) => {
                e.preventDefault();
                this.apply(e.target as HTMLFormElement);
              }}
            >
              <label>levels <input class="num small" name="count" type="number" min="1" max="50" step="1" .value=${String(s.count)} /></label>
              <label
                >scale
                <select name="scale">
                  ${(["linear", "log", "sqrt"] as const).map(
                    (v) => html`<option value=${v} ?selected=${v === s.scale}>${v}</option>`,
                  )}
                </select></label
              >
              <label>low <input class="num" name="lo" type="number" step="any" .value=${s.limits ? String(s.limits[0]) : ""} /></label>
              <label>high <input class="num" name="hi" type="number" step="any" .value=${s.limits ? String(s.limits[1]) : ""} /></label>
              <label>smooth (px) <input class="num small" name="smooth" type="number" min="0" max="100" step="any" .value=${String(s.smooth)} /></label>
              <label>colour <input name="color" type="color" .value=${s.color} /></label>
              <label
                >of
                <select name="of" data-testid="contours-of">
                  <option value="" ?selected=${!s.of}>this image</option>
                  ${this._others.map(
                    (o, i) =>
                      html`<option value=${String(i)} ?selected=${JSON.stringify(o.image) === ofKey}>${o.label}</option>`,
                  )}
                </select></label
              >
              <button type="submit" data-testid="contours-draw">Draw</button>
              <button type="button" data-testid="contours-clear" ?disabled=${!s.on} @click=${() => this.clear()}>
                Clear
              </button>
              ${
                this.deps.regions()
                  ? html`<button
                      type="button"
                      data-testid="contours-save-regions"
                      ?disabled=${!r || !s.on || r.paths.length === 0}
                      @click=${() => this.saveAsRegions()}
                    >
                      Save as regions
                    </button>`
                  : nothing
              }
              <span class="muted" data-testid="contours-summary"
                >${
                  this._error ??
                  (r && s.on
                    ? `${r.paths.length} paths, ${r.points} points${r.note ? ` — ${r.note}` : ""}` +
                      (this._saved
                        ? `; saved ${this._saved.count} of ${this._saved.total} as regions` +
                          (this._saved.count < this._saved.total
                            ? " (the longest, simplified: a viewer keeps at most tens of KB of regions)"
                            : "")
                        : "")
                    : "")
                }</span
              >
            </form>`
          : nothing
      }
    </span>`;
  }
}
