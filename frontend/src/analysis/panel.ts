// The analysis panel of an image viewer: a collapsible side panel inside the viewer tile that shows
// the last result of each tool (statistics, photometry, radial profile, surface, histogram, cuts,
// spectrum), each with its controls built from the job's parameter schema, and runs the tools from
// imexam's keys (keys.ts) or the toolbar's "Analyse" menu. Why inside the tile and not a tile of its
// own: docs/architecture.md "The analysis panel and keys".
import { html, nothing, render, type ReactiveControllerHost, type TemplateResult } from "lit";
import { keyed } from "lit/directives/keyed.js";
import { ref } from "lit/directives/ref.js";
import type OlMap from "ol/Map";
import type MapBrowserEvent from "ol/MapBrowserEvent";
import Feature from "ol/Feature";
import { Circle, LineString, Point, Polygon } from "ol/geom";
import VectorLayer from "ol/layer/Vector";
import VectorSource from "ol/source/Vector";
import { Circle as CircleStyle, Stroke, Style } from "ol/style";

import { apiRequest } from "../api";
import type { HduInfo } from "../protocol";
import { errorText, type WorkspaceSocket } from "../socket";
import type { ImageRef } from "../viewer/catalogue-layer";
import { jobSchema, type JsonSchema } from "./job-form";
import "./job-form";
import { keyAction, type KeyAction } from "./keys";
import { drawStamp, linePlot } from "./plots";
import {
  CCD_COLUMNS,
  PLACED_PARAMS,
  TOOLS,
  TOOL_JOB,
  TOOL_TITLE,
  ccdRows,
  columnCut,
  cursorBox,
  fitsPixel,
  histogramBars,
  photometryRows,
  profileRows,
  profileSeries,
  rowCut,
  statsRows,
  type ResultOf,
  type Row,
  type Tool,
} from "./results";
import { DEFAULT_VIEW, dragToTurn, drawSurface, type SurfaceView } from "./surface";
import type { Region } from "./types";
import "./panel.css";

/** What the panel needs of its viewer. */
export interface AnalysisHost {
  map(): OlMap | null;
  image(): ImageRef | null;
  socket(): WorkspaceSocket | null;
  hdu(): HduInfo | null;
  /** The region selected on the viewer (helper C's `viewer.regions`), or null. */
  selectedRegion(): Region | null;
}

/** A tool's last run. */
interface Entry {
  tool: Tool;
  seq: number;
  image: ImageRef;
  /** The parameters the cursor or the region gave (image, x, y, region, start, end). */
  placed: Record<string, unknown>;
  /** Words for where it was measured ("at 101.0, 51.0", "in region r3", "row 51"). */
  where: string;
  result: unknown;
  error: string | null;
  running: boolean;
  progress: string;
  abort: AbortController;
}

const APERTURE = "#ffd54f";
const ANNULUS = "#4dd0e1";
const DEFAULT_BOX = 21;
/** Where keys are typed: the focus stays there when the pointer crosses an image. */
const TEXT_FIELDS =
  "input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=color]), select, textarea, [contenteditable]";
/** The most samples `analysis.line` takes (workers/analysis/measure.py MAX_SAMPLES). */
const MAX_CUT_SAMPLES = 20_000;

/** The region selected on a viewer that has helper C's region controller (absent: null). */
export function selectedRegionOf(viewer: object): Region | null {
  const regions = (viewer as { regions?: { selected?: () => Region | null } | null }).regions;
  return typeof regions?.selected === "function" ? regions.selected() : null;
}

export class AnalysisPanel {
  /** The panel's element: the viewer puts it in its body, the panel draws into it. */
  readonly element: HTMLDivElement = document.createElement("div");
  private opened = false;
  private active: Tool | null = null;
  private readonly entries = new Map<Tool, Entry>();
  private readonly values = new Map<Tool, Record<string, unknown>>();
  private readonly schemas = new Map<Tool, JsonSchema | null>();
  private seq = 0;
  private boxSize = DEFAULT_BOX;
  private pointer: [number, number] | null = null;
  // The last viewer point the pointer was on over the image (kept when it leaves).
  private lastPointer: [number, number] | null = null;
  private marks: VectorLayer | null = null;
  private readonly marksSource = new VectorSource();
  private surfaceView: SurfaceView = DEFAULT_VIEW;
  private histogramLog = false;
  private shownImage = "null";
  private readonly disposers = new Map<string, () => void>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly deps: AnalysisHost,
  ) {
    this.element.className = "analysis-panel";
    this.element.dataset["testid"] = "analysis-panel";
    this.update();
  }

  // -------------------------------------------------------------------------------------------
  // Public (the viewer, and browser tests)

  /** The viewer point under the pointer (level-0 pixels, y up), null when it is off the image. */
  get cursor(): [number, number] | null {
    return this.pointer;
  }

  get isOpen(): boolean {
    return this.opened;
  }

  /** The last result of `tool`, null before one (or after an error). */
  last<T extends Tool>(tool: T): ResultOf[T] | null {
    const e = this.entries.get(tool);
    return e && !e.running && !e.error ? (e.result as ResultOf[T]) : null;
  }

  /** The last error of `tool`, as the server worded it. */
  lastError(tool: Tool): string | null {
    return this.entries.get(tool)?.error ?? null;
  }

  toggle(open = !this.opened): void {
    this.opened = open;
    if (!open) this.marksSource.clear();
    else this.drawMarks();
    this.update();
  }

  /** Follows the pointer over `map` (whose element is `target`) and takes the keys there. */
  attach(map: OlMap, target: HTMLElement): void {
    this.marks = new VectorLayer({
      source: this.marksSource,
      zIndex: 50,
      updateWhileInteracting: true,
      updateWhileAnimating: true,
    });
    map.addLayer(this.marks);
    map.on("pointermove", (event: MapBrowserEvent) => {
      const [x = NaN, y = NaN] = event.coordinate;
      this.pointer = this.onImage(x, y) ? [x, y] : null;
      if (this.pointer) this.lastPointer = this.pointer;
    });
    target.addEventListener("pointerleave", () => (this.pointer = null));
    // As in DS9, pointing at an image is enough for its keys: the map takes the focus, except from a
    // field being typed in (its text and caret stay where they are).
    target.addEventListener("pointerenter", () => {
      const active = document.activeElement;
      const typing = active?.matches(TEXT_FIELDS) === true;
      if (!typing && active !== target) target.focus({ preventScroll: true });
    });
    // Keys on the map, or on this panel (focused after a click in it); a key that works on the selected
    // region needs no pointer over the picture (the panel or the region's popup may lie under it).
    const onKey = (event: KeyboardEvent): void => {
      const action = keyAction(event);
      if (!action || !this.deps.image()) return;
      const at =
        this.pointer ?? (this.onRegion(action) ? (this.lastPointer ?? this.viewCentre()) : null);
      if (!at) return;
      event.preventDefault();
      event.stopPropagation();
      void this.run(action, at);
    };
    target.addEventListener("keydown", onKey);
    this.element.addEventListener("keydown", onKey);
  }

  /** Whether `action` measures the selected region (m, h, a on any region; l on a line region). */
  private onRegion(action: KeyAction): boolean {
    const region = this.deps.selectedRegion();
    if (!region) return false;
    if (action.tool === "line") return action.cut === "row" && region.shape === "line";
    return action.tool === "stats" || action.tool === "histogram" || action.tool === "photometry";
  }

  dispose(): void {
    for (const e of this.entries.values()) e.abort.abort();
    for (const off of this.disposers.values()) off();
    this.disposers.clear();
    this.marks?.getMapInternal()?.removeLayer(this.marks);
  }

  /**
   * Runs a tool at viewer point `at` (the cursor's, or the view's centre from the menu): h and m on
   * the selected region, else a box around the point; l along a selected line region, else the row.
   */
  async run(action: KeyAction | Tool, at: [number, number] | null = null): Promise<void> {
    const { tool, cut } = typeof action === "string" ? { tool: action, cut: undefined } : action;
    const image = this.deps.image();
    const socket = this.deps.socket();
    const hdu = this.deps.hdu();
    if (!image || !socket || !hdu) return;
    const point = at ?? this.pointer ?? this.viewCentre();
    if (!point) return;
    const [x, y] = point;
    this.opened = true;
    this.active = tool;
    const previous = this.entries.get(tool);
    previous?.abort.abort();
    const entry: Entry = {
      tool,
      seq: ++this.seq,
      image,
      placed: {},
      where: "",
      result: null,
      error: null,
      running: true,
      progress: "",
      abort: new AbortController(),
    };
    this.entries.set(tool, entry);
    void this.loadSchema(tool);
    try {
      const placed = await this.place(tool, cut, x, y, image, hdu);
      entry.placed = placed.params;
      entry.where = placed.where;
      this.drawMarks();
      this.update();
      const params = { ...(this.values.get(tool) ?? {}), ...placed.params, image };
      const fn: string = TOOL_JOB[tool];
      entry.result = await socket.job<unknown>(
        fn,
        params,
        (p) => {
          entry.progress = `${p.message || "Working"}${p.total ? ` (${p.done}/${p.total})` : ""}`;
          this.update();
        },
        { signal: entry.abort.signal },
      );
    } catch (error) {
      if (entry.abort.signal.aborted && this.entries.get(tool) !== entry) return;
      entry.error = errorText(error);
    } finally {
      entry.running = false;
    }
    if (this.entries.get(tool) !== entry) return;
    this.drawMarks();
    this.update();
  }

  /** Runs the shown tool again where it ran, with the form's values. */
  private rerun(tool: Tool): void {
    const e = this.entries.get(tool);
    const socket = this.deps.socket();
    if (!e || !socket) return;
    e.abort.abort();
    const entry: Entry = {
      ...e,
      seq: ++this.seq,
      result: null,
      error: null,
      running: true,
      progress: "",
      abort: new AbortController(),
    };
    this.entries.set(tool, entry);
    this.update();
    const params = { ...(this.values.get(tool) ?? {}), ...entry.placed, image: entry.image };
    const fn: string = TOOL_JOB[tool];
    void socket
      .job<unknown>(fn, params, undefined, { signal: entry.abort.signal })
      .then(
        (result) => (entry.result = result),
        (error: unknown) => (entry.error = errorText(error)),
      )
      .finally(() => {
        entry.running = false;
        if (this.entries.get(tool) !== entry) return;
        this.drawMarks();
        this.update();
      });
  }

  // -------------------------------------------------------------------------------------------
  // Where a tool measures

  private onImage(x: number, y: number): boolean {
    const hdu = this.deps.hdu();
    return hdu !== null && x >= 0 && y >= 0 && x < hdu.width && y < hdu.height;
  }

  private viewCentre(): [number, number] | null {
    const c = this.deps.map()?.getView().getCenter();
    return c && c.length >= 2 ? [c[0] ?? 0, c[1] ?? 0] : null;
  }

  private async place(
    tool: Tool,
    cut: "row" | "column" | undefined,
    x: number,
    y: number,
    image: ImageRef,
    hdu: HduInfo,
  ): Promise<{ params: Record<string, unknown>; where: string }> {
    const at = `at ${fitsPixel(x)}, ${fitsPixel(y)}`;
    const region = this.deps.selectedRegion();
    switch (tool) {
      case "histogram":
      case "stats": {
        if (region && !["line", "point", "text"].includes(region.shape))
          return { params: { region }, where: `in region ${region.text || region.id}` };
        const box = cursorBox(x, y, this.boxSize);
        return { params: { region: box }, where: `in a ${box.size?.[0] ?? ""} px box ${at}` };
      }
      case "line": {
        if (cut !== "column" && region?.shape === "line" && region.points.length >= 2) {
          const [a, b] = await this.lineEnds(region, image);
          return {
            params: { start: a, end: b },
            where: `along region ${region.text || region.id}`,
          };
        }
        const params = cut === "column" ? columnCut(x, hdu.height) : rowCut(y, hdu.width);
        const where = cut === "column" ? `column ${Math.floor(x) + 1}` : `row ${Math.floor(y) + 1}`;
        // Across a whole mosaic a cut is longer than the job samples by default: at most MAX_CUT_SAMPLES.
        const length = cut === "column" ? hdu.height : hdu.width;
        const asked = this.values.get("line")?.["samples"];
        if (length + 1 > MAX_CUT_SAMPLES && (asked === null || asked === undefined))
          return { params: { ...params, samples: MAX_CUT_SAMPLES }, where };
        return { params, where };
      }
      case "photometry":
        // A selected area region is the aperture (a person who drew it around a star means it).
        if (region && ["circle", "ellipse", "box", "polygon"].includes(region.shape))
          return { params: { region }, where: `in region ${region.text || region.id}` };
        return { params: { x, y }, where: at };
      case "spectrum":
        if (hdu.planes <= 1)
          throw new Error("This image is not a cube: there is no spectrum to take (j).");
        return { params: { x, y }, where: at };
      default:
        return { params: { x, y }, where: at };
    }
  }

  /** A line region's two ends in viewer coordinates (a sky region through the image's WCS). */
  private async lineEnds(
    region: Region,
    image: ImageRef,
  ): Promise<[[number, number], [number, number]]> {
    const ends = region.points.slice(0, 2) as [[number, number], [number, number]];
    if (region.frame === "image") return ends;
    const out: [number, number][] = [];
    for (const [ra, dec] of ends) {
      const query = new URLSearchParams({
        path: image.path,
        hdu: String(image.hdu),
        plane: String(image.plane),
        ra: String(ra),
        dec: String(dec),
      });
      const p = await apiRequest<{ x: number | null; y: number | null }>(
        "GET",
        `/api/imaging/world-to-pixel?${query.toString()}`,
      );
      if (p.x === null || p.y === null) throw new Error("That line does not lie on this image.");
      out.push([p.x, p.y]);
    }
    return [out[0] ?? [0, 0], out[1] ?? [0, 0]];
  }

  private async loadSchema(tool: Tool): Promise<void> {
    if (this.schemas.has(tool)) return;
    this.schemas.set(tool, null);
    try {
      this.schemas.set(tool, await jobSchema(TOOL_JOB[tool]));
    } catch {
      // The form stays away; the job's own answer says what is wrong.
      this.schemas.delete(tool);
    }
    this.update();
  }

  /** The viewer shows another picture: the marks of the old one go, the results say where they were measured. */
  private imageShown(): void {
    const key = JSON.stringify(this.deps.image());
    if (key === this.shownImage) return;
    this.shownImage = key;
    // Not during the viewer's render: the panel draws itself once that is over.
    queueMicrotask(() => {
      this.drawMarks();
      this.update();
    });
  }

  // -------------------------------------------------------------------------------------------
  // The marks on the image: the aperture and annulus, the cut, the box measured

  private drawMarks(): void {
    this.marksSource.clear();
    const tool = this.active;
    const e = tool ? this.entries.get(tool) : undefined;
    if (!this.opened || !e || JSON.stringify(e.image) !== JSON.stringify(this.deps.image())) return;
    const p = e.placed;
    const features: Feature[] = [];
    const stroke = (color: string, dash?: number[]): Style =>
      new Style({ stroke: new Stroke({ color, width: 1.5, ...(dash ? { lineDash: dash } : {}) }) });
    if (e.tool === "photometry" && typeof p["x"] === "number" && typeof p["y"] === "number") {
      const r = e.result as ResultOf["photometry"] | null;
      const cx = r?.x ?? p["x"];
      const cy = r?.y ?? p["y"];
      const values = this.values.get("photometry") ?? {};
      const radius =
        typeof values["radius"] === "number"
          ? values["radius"]
          : Number(this.defaultOf("photometry", "radius", 5));
      const annulus = Array.isArray(values["annulus"])
        ? (values["annulus"] as number[])
        : (this.defaultOf("photometry", "annulus", [10, 15]) as number[]);
      const aperture = new Feature(new Circle([cx, cy], radius));
      aperture.setStyle(stroke(APERTURE));
      features.push(aperture);
      for (const a of annulus.slice(0, 2)) {
        const ring = new Feature(new Circle([cx, cy], a));
        ring.setStyle(stroke(ANNULUS, [4, 3]));
        features.push(ring);
      }
    } else if (e.tool === "line" && Array.isArray(p["start"]) && Array.isArray(p["end"])) {
      const line = new Feature(new LineString([p["start"] as number[], p["end"] as number[]]));
      line.setStyle(stroke(APERTURE, [6, 4]));
      features.push(line);
    } else if (
      (e.tool === "stats" || e.tool === "histogram") &&
      (p["region"] as Region | undefined)?.id === "cursor-box"
    ) {
      const box = p["region"] as Region;
      const [cx = 0, cy = 0] = box.points[0] ?? [];
      const [w = 0, h = 0] = box.size ?? [];
      const square = new Feature(
        new Polygon([
          [
            [cx - w / 2, cy - h / 2],
            [cx + w / 2, cy - h / 2],
            [cx + w / 2, cy + h / 2],
            [cx - w / 2, cy + h / 2],
            [cx - w / 2, cy - h / 2],
          ],
        ]),
      );
      square.setStyle(stroke(APERTURE, [4, 3]));
      features.push(square);
    } else if (typeof p["x"] === "number" && typeof p["y"] === "number") {
      const r = e.result as { x?: number; y?: number } | null;
      const point = new Feature(new Point([r?.x ?? p["x"], r?.y ?? p["y"]]));
      point.setStyle(
        new Style({
          image: new CircleStyle({
            radius: 6,
            stroke: new Stroke({ color: APERTURE, width: 1.5 }),
          }),
        }),
      );
      features.push(point);
    }
    this.marksSource.addFeatures(features);
  }

  /** A parameter's default in the tool's schema (what the server uses when the form sent none). */
  private defaultOf(tool: Tool, name: string, fallback: unknown): unknown {
    const props = this.schemas.get(tool)?.["properties"] as
      Record<string, { default?: unknown }> | undefined;
    return props?.[name]?.default ?? fallback;
  }

  // -------------------------------------------------------------------------------------------
  // Drawing

  private update(): void {
    render(this.template(), this.element);
    this.element.classList.toggle("open", this.opened);
    this.host.requestUpdate();
  }

  /** Mounts a plot in `el` (keyed by the result, so a new result gets a new element). */
  private mount(
    slot: string,
    el: Element | undefined,
    make: (el: HTMLElement) => () => void,
  ): void {
    this.disposers.get(slot)?.();
    this.disposers.delete(slot);
    if (el instanceof HTMLElement) {
      // After the element is in the page, so that it has a width.
      requestAnimationFrame(() => {
        if (!el.isConnected) return;
        this.disposers.get(slot)?.();
        this.disposers.set(slot, make(el));
      });
    }
  }

  /** The toolbar's "Analyse" menu: the tools (as their keys do, at the cursor or the view's centre). */
  menuTemplate(hasImage: boolean): TemplateResult {
    this.imageShown();
    const cube = (this.deps.hdu()?.planes ?? 1) > 1;
    const item = (
      label: string,
      key: string,
      action: KeyAction,
      disabled = false,
    ): TemplateResult =>
      html`<button
        type="button"
        data-testid=${`analyse-${key}`}
        ?disabled=${!hasImage || disabled}
        @click=${(e: Event) => {
          (e.target as HTMLElement).closest("details")?.removeAttribute("open");
          void this.run(action, this.viewCentre());
        }}
      >
        ${label} <kbd>${key}</kbd>
      </button>`;
    return html`<details class="analysis-menu" data-testid="analysis-menu">
      <summary title="Measure the image (keys: the pointer over the image)">Analyse</summary>
      <div class="analysis-menu-body">
        <p class="analysis-menu-note">At the view's centre here; with a key, at the pointer.</p>
        ${item("Aperture photometry", "a", { tool: "photometry" })}
        ${item("Radial profile", "r", { tool: "profile" })}
        ${item("Surface", "s", { tool: "surface" })}
        ${item("Histogram", "h", { tool: "histogram" })}
        ${item("Statistics", "m", { tool: "stats" })}
        ${item("Row cut / line profile", "l", { tool: "line", cut: "row" })}
        ${item("Column cut", "c", { tool: "line", cut: "column" })}
        ${item("Spectrum", "j", { tool: "spectrum" }, !cube)}
        <button type="button" data-testid="analysis-toggle" ?disabled=${!hasImage} @click=${() => this.toggle()}>
          ${this.opened ? "Hide" : "Show"} the results panel
        </button>
      </div>
    </details>`;
  }

  private template(): TemplateResult {
    if (!this.opened) return html``;
    const shown = TOOLS.filter((t) => this.entries.has(t));
    const active = this.active && this.entries.has(this.active) ? this.active : (shown[0] ?? null);
    return html`<div class="analysis-head">
        <div class="analysis-tabs" role="tablist">
          ${shown.map(
            (t) =>
              html`<button
                type="button"
                role="tab"
                data-testid=${`analysis-tab-${t}`}
                aria-selected=${t === active ? "true" : "false"}
                @click=${() => {
                  this.active = t;
                  this.drawMarks();
                  this.update();
                }}
              >
                ${TOOL_TITLE[t]}
              </button>`,
          )}
        </div>
        <button type="button" class="analysis-close" title="Hide the panel" @click=${() => this.toggle(false)}>×</button>
      </div>
      <div class="analysis-body">
        ${active ? this.entryTemplate(active) : html`<p class="analysis-hint">${hint}</p>`}
      </div>`;
  }

  private entryTemplate(tool: Tool): TemplateResult {
    const e = this.entries.get(tool);
    if (!e) return html``;
    const schema = this.schemas.get(tool);
    return html`<section class="analysis-entry" data-tool=${tool} data-testid=${`analysis-${tool}`}>
      <div class="analysis-where">${TOOL_TITLE[tool]} ${e.where}${this.otherImage(e)}</div>
      ${e.running ? html`<div class="analysis-progress" data-testid="analysis-progress">${e.progress || "Measuring…"}</div>` : nothing}
      ${e.error ? html`<div class="analysis-error" role="alert" data-testid="analysis-error">${e.error}</div>` : nothing}
      ${!e.running && !e.error && e.result ? keyed(e.seq, this.resultTemplate(tool, e.result)) : nothing}
      ${
        schema &&
        Object.keys((schema["properties"] as object | undefined) ?? {}).some(
          (k) => !(PLACED_PARAMS as readonly string[]).includes(k),
        )
          ? html`<details class="analysis-controls">
              <summary>Settings</summary>
              <toyz-job-form
                .schema=${schema}
                .omit=${PLACED_PARAMS}
                .value=${this.values.get(tool) ?? null}
                @toyz-form-change=${(
                  ev: CustomEvent<{ values: Record<string, unknown>; valid: boolean }>,
                ) => {
                  if (ev.detail.valid) this.values.set(tool, ev.detail.values);
                }}
              ></toyz-job-form>
              ${tool === "stats" || tool === "histogram" ? this.boxControl() : nothing}
              <button type="button" data-testid="analysis-rerun" @click=${(e: Event) => {
                const form = (e.target as HTMLElement).parentElement?.querySelector(
                  "toyz-job-form",
                );
                // A value that does not parse is shown, not silently replaced by the last good one.
                if (!form || form.check()) this.rerun(tool);
              }}>Measure again</button>
            </details>`
          : tool === "stats" || tool === "histogram"
            ? html`<details class="analysis-controls"><summary>Settings</summary>${this.boxControl()}</details>`
            : nothing
      }
    </section>`;
  }

  /** " on other.fits" when the entry was measured on another picture than the one shown. */
  private otherImage(e: Entry): string {
    const now = this.deps.image();
    if (now && JSON.stringify(e.image) === JSON.stringify(now)) return "";
    const name = e.image.path.split("/").pop() ?? e.image.path;
    const hdu = e.image.hdu === -1 ? "mosaic" : `HDU ${e.image.hdu}`;
    return ` on ${name} (${hdu}${e.image.plane ? `, plane ${e.image.plane}` : ""})`;
  }

  private boxControl(): TemplateResult {
    return html`<label class="analysis-box"
      >Box around the pointer (px, when no region is selected)
      <input
        type="number"
        min="3"
        max="501"
        step="2"
        .value=${String(this.boxSize)}
        @change=${(e: Event) => {
          const v = Math.round(Number((e.target as HTMLInputElement).value));
          this.boxSize = Number.isFinite(v) ? Math.min(501, Math.max(3, v)) : DEFAULT_BOX;
        }}
    /></label>`;
  }

  private resultTemplate(tool: Tool, result: unknown): TemplateResult {
    switch (tool) {
      case "stats":
        return this.statsTemplate(result as ResultOf["stats"]);
      case "photometry": {
        const r = result as ResultOf["photometry"];
        return html`${rowsTable(photometryRows(r), "photometry")}${r.note ? html`<p class="analysis-note">${r.note}</p>` : nothing}`;
      }
      case "profile":
        return this.profileTemplate(result as ResultOf["profile"]);
      case "histogram":
        return this.histogramTemplate(result as ResultOf["histogram"]);
      case "surface":
        return this.surfaceTemplate(result as ResultOf["surface"]);
      case "line":
        return this.lineTemplate(result as ResultOf["line"]);
      case "spectrum":
        return this.spectrumTemplate(result as ResultOf["spectrum"]);
    }
  }

  private statsTemplate(r: ResultOf["stats"]): TemplateResult {
    const ccds = ccdRows(r);
    return html`${rowsTable(statsRows(r), "stats")}
    ${r.note ? html`<p class="analysis-note" data-testid="analysis-note">${r.note}</p>` : nothing}
    ${
      ccds.length
        ? html`<table class="analysis-table analysis-ccds" data-testid="analysis-per-ccd">
            <thead><tr>${CCD_COLUMNS.map((c) => html`<th>${c}</th>`)}</tr></thead>
            <tbody>${ccds.map((row) => html`<tr>${row.map((v) => html`<td>${v}</td>`)}</tr>`)}</tbody>
          </table>`
        : nothing
    }`;
  }

  private profileTemplate(r: ResultOf["profile"]): TemplateResult {
    const fwhm = r.gaussian?.ok ? r.gaussian.fwhm : (r.moffat?.fwhm ?? null);
    const stamp = r.stamp;
    return html`<div
        class="analysis-figure"
        data-testid="profile-fwhm"
        data-value=${fwhm === null ? "" : String(fwhm)}
      ></div>
      ${rowsTable(profileRows(r), "profile")}
      <div
        class="analysis-plot"
        data-testid="profile-plot"
        ${ref((el) =>
          this.mount("profile", el, (host) =>
            linePlot(host, {
              xlabel: "radius (px)",
              ylabel: "value",
              data: profileSeries(r),
              series: [
                { label: "pixels", color: "#dde1e7", points: true },
                { label: "Gaussian", color: APERTURE },
                { label: "Moffat", color: ANNULUS, dash: [5, 3] },
              ],
            }),
          ),
        )}
      ></div>
      <div
        class="analysis-plot"
        data-testid="growth-plot"
        ${ref((el) =>
          this.mount("growth", el, (host) =>
            linePlot(host, {
              xlabel: "radius (px)",
              ylabel: "flux within",
              data: [r.growth_radii, r.growth_flux],
              series: [{ label: "curve of growth", color: APERTURE }],
              height: 130,
            }),
          ),
        )}
      ></div>
      ${
        stamp && stamp.width > 0
          ? html`<div class="analysis-stamps" data-testid="profile-stamps">
              ${(["data", "model", "residual"] as const).map(
                (which) =>
                  html`<figure>
                    <canvas ${ref((el) => el instanceof HTMLCanvasElement && drawStamp(el, stamp, which))}></canvas>
                    <figcaption>${which === "data" ? "star" : which === "model" ? `${stamp.fit === "moffat" ? "Moffat" : "Gaussian"} fit` : "residual"}</figcaption>
                  </figure>`,
              )}
            </div>`
          : nothing
      }`;
  }

  private histogramTemplate(h: ResultOf["histogram"]): TemplateResult {
    const { centres, counts } = histogramBars(h);
    const total = counts.reduce((a, b) => a + b, 0);
    const log = this.histogramLog;
    const logs = h.log_counts ?? counts.map((c) => Math.log10(1 + c));
    return html`<p class="analysis-note">
        ${total} pixels in ${counts.length} bins.
        <label
          ><input
            type="checkbox"
            data-testid="histogram-log"
            .checked=${log}
            @change=${(e: Event) => {
              this.histogramLog = (e.target as HTMLInputElement).checked;
              this.update();
            }}
          />log counts</label
        >
      </p>
      ${h.note ? html`<p class="analysis-note">${h.note}</p>` : nothing}
      ${keyed(
        log,
        html`<div
        class="analysis-plot"
        data-testid="histogram-plot"
        ${ref((el) =>
          this.mount("histogram", el, (host) =>
            linePlot(host, {
              xlabel: "value",
              ylabel: log ? "log10(1 + pixels)" : "pixels",
              data: [centres, log ? logs.slice(0, counts.length) : counts],
              series: [{ label: "pixels", color: ANNULUS, bars: true }],
            }),
          ),
        )}
      ></div>`,
      )}`;
  }

  private surfaceTemplate(s: ResultOf["surface"]): TemplateResult {
    const redraw = (canvas: HTMLCanvasElement): void =>
      void drawSurface(canvas, s, this.surfaceView);
    return html`<p class="analysis-note">
        ${s.width} × ${s.height} px from ${fitsPixel(s.x0)}, ${fitsPixel(s.y0)}; drag to turn it.
      </p>
      <canvas
        class="analysis-surface"
        data-testid="surface-canvas"
        ${ref((el) => {
          if (!(el instanceof HTMLCanvasElement) || el.dataset["ready"]) return;
          el.dataset["ready"] = "1";
          dragToTurn(
            el,
            () => this.surfaceView,
            (v) => {
              this.surfaceView = v;
              redraw(el);
            },
          );
          requestAnimationFrame(() => redraw(el));
        })}
      ></canvas>`;
  }

  private lineTemplate(l: ResultOf["line"]): TemplateResult {
    return html`<p class="analysis-note">${l.values.length} samples over ${l.distance.at(-1)?.toFixed(1) ?? 0} px.</p>
      <div
        class="analysis-plot"
        data-testid="line-plot"
        ${ref((el) =>
          this.mount("line", el, (host) =>
            linePlot(host, {
              xlabel: "distance (px)",
              ylabel: "value",
              data: [l.distance, l.values],
              series: [{ label: "value", color: APERTURE }],
            }),
          ),
        )}
      ></div>`;
  }

  private spectrumTemplate(s: ResultOf["spectrum"]): TemplateResult {
    const axis = s.axis && s.axis.values.length === s.values.length ? s.axis : null;
    const label = axis ? `${axis.name || "axis 3"}${axis.unit ? ` (${axis.unit})` : ""}` : "plane";
    return html`<div
      class="analysis-plot"
      data-testid="spectrum-plot"
      ${ref((el) =>
        this.mount("spectrum", el, (host) =>
          linePlot(host, {
            xlabel: label,
            ylabel: "value",
            data: [axis ? axis.values : s.planes, s.values],
            series: [{ label: "value", color: APERTURE }],
          }),
        ),
      )}
    ></div>`;
  }
}

const hint =
  "Point at the image and press a (photometry), r (radial profile), s (surface), h (histogram), " +
  "m (statistics), l (row cut), c (column cut) or j (cube spectrum); or use the Analyse menu.";

function rowsTable(rows: Row[], name: string): TemplateResult {
  return html`<table class="analysis-table" data-testid=${`${name}-table`}>
    ${rows.map(([label, value]) => html`<tr data-row=${label}><th>${label}</th><td>${value}</td></tr>`)}
  </table>`;
}
