// The regions drawn on an image viewer (its state's `regions`): circles, ellipses, boxes, polygons,
// lines, points and texts, drawn with the mouse, moved by dragging, edited in a small popup,
// imported from and exported to ds9/CRTF files (/api/analysis/regions/...).
//
// A region is kept in sky coordinates (ICRS degrees, sizes in arcseconds) where the image has a WCS,
// so it stays on its object when another aligned exposure is shown, and in viewer coordinates
// otherwise (docs/architecture.md "Regions"). Drawing happens in viewer coordinates; the client WCS
// (wcs.ts) converts on each draw and edit, and back whenever the image changes.
import { html, nothing, render, type ReactiveControllerHost, type TemplateResult } from "lit";
import type OlMap from "ol/Map";
import Feature from "ol/Feature";
import Overlay from "ol/Overlay";
import VectorLayer from "ol/layer/Vector";
import VectorSource from "ol/source/Vector";
import Draw, { createBox } from "ol/interaction/Draw";
import Modify from "ol/interaction/Modify";
import Translate from "ol/interaction/Translate";
import Collection from "ol/Collection";
import { Circle as CircleGeom, LineString, Point, Polygon, type Geometry } from "ol/geom";
import { Circle as CircleStyle, Fill, RegularShape, Stroke, Style, Text } from "ol/style";
import type { Coordinate } from "ol/coordinate";

import { apiRequest } from "../api";
import { errorText } from "../socket";
import { MAX_REGIONS, REGION_SHAPES, type Region, type RegionShape } from "../analysis/types";
import type { ImageRef } from "./catalogue-layer";
import { GrabPan } from "./pan";
import { skyTransformFor, type SkyTransform } from "./wcs";
import "./regions.css";

/** The tile state must stay under 64 KB (apps/workspaces/messages.py): the regions get most of it. */
export const MAX_REGIONS_BYTES = 48 * 1024;
const DEFAULT_COLOR = "#00ff66";
const SELECTED_COLOR = "#ffeb3b";
const ELLIPSE_VERTICES = 72;

type Tool = "select" | RegionShape;

/** A region in viewer coordinates (what is drawn): sizes in pixels, angle from +x. */
interface Placed {
  points: [number, number][];
  size: [number, number] | null;
  angle: number;
}

export interface RegionsHost {
  map(): OlMap | null;
  image(): ImageRef | null;
  /** The regions changed by this user: the viewer's state changed. */
  changed(): void;
}

/** The public face (`viewer.regions`). */
export interface RegionsApi {
  list(): Region[];
  /** False (and nothing added) when they would not fit the viewer's limits. */
  add(regions: Region[]): boolean;
  selected(): Region | null;
}

let counter = 0;
function newId(): string {
  counter += 1;
  return `r${Date.now().toString(36)}${counter.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function pair(v: unknown): [number, number] | null {
  return Array.isArray(v) && v.length === 2 && finite(v[0]) && finite(v[1]) ? [v[0], v[1]] : null;
}

/** Only well-formed regions survive a restore or an import (a saved state comes from other pages). */
export function parseRegions(value: unknown): Region[] {
  if (!Array.isArray(value)) return [];
  const out: Region[] = [];
  const ids = new Set<string>();
  for (const item of value.slice(0, MAX_REGIONS)) {
    if (typeof item !== "object" || item === null) continue;
    const o = item as Record<string, unknown>;
    const shape = o["shape"] as RegionShape;
    if (!REGION_SHAPES.includes(shape)) continue;
    const frame = o["frame"] === "sky" ? "sky" : o["frame"] === "image" ? "image" : null;
    if (!frame || !Array.isArray(o["points"])) continue;
    const points = (o["points"] as unknown[]).map(pair);
    if (points.length === 0 || points.some((p) => p === null)) continue;
    const need = shape === "polygon" ? 3 : shape === "line" ? 2 : 1;
    if (points.length < need || (need === 1 && points.length !== 1)) continue;
    const size = pair(o["size"]);
    if (["circle", "ellipse", "box"].includes(shape) && !(size && size[0] > 0 && size[1] > 0))
      continue;
    let id = typeof o["id"] === "string" && o["id"] ? o["id"].slice(0, 64) : newId();
    if (ids.has(id)) id = newId();
    ids.add(id);
    out.push({
      id,
      shape,
      frame,
      points: points as [number, number][],
      size: ["circle", "ellipse", "box"].includes(shape) ? size : null,
      angle: finite(o["angle"]) ? o["angle"] : 0,
      text: typeof o["text"] === "string" ? o["text"].slice(0, 200) : "",
      color: typeof o["color"] === "string" ? o["color"].slice(0, 32) : "",
    });
  }
  return out;
}

/** Pixel angle = sky angle - (angle of North from +y), as astropy's regions has it (degrees). */
function northDeg(
  sky: SkyTransform,
  x: number,
  y: number,
): { north: number; arcsecPerPx: number } | null {
  const local = sky.local(x, y);
  if (!local || !(local.scale > 0)) return null;
  return { north: (local.north * 180) / Math.PI, arcsecPerPx: local.scale * 3600 };
}

/** A region in viewer coordinates; null when it cannot be placed (a sky region without a WCS). */
export function placeRegion(region: Region, sky: SkyTransform | null): Placed | null {
  if (region.frame === "image") {
    return {
      points: region.points.map((p) => [p[0], p[1]]),
      size: region.size,
      angle: region.angle,
    };
  }
  if (!sky) return null;
  const points: [number, number][] = [];
  for (const [ra, dec] of region.points) {
    const p = sky.toPixel(ra, dec);
    if (!p) return null;
    points.push(p);
  }
  const [x, y] = points[0] ?? [0, 0];
  const local = northDeg(sky, x, y);
  if (!local) return null;
  return {
    points,
    size: region.size
      ? [region.size[0] / local.arcsecPerPx, region.size[1] / local.arcsecPerPx]
      : null,
    angle: region.angle - local.north,
  };
}

/** A region from its viewer coordinates, kept in sky coordinates when the image has a WCS. */
export function storeRegion(base: Region, placed: Placed, sky: SkyTransform | null): Region {
  const frame = sky ? "sky" : "image";
  if (!sky)
    return { ...base, frame, points: placed.points, size: placed.size, angle: placed.angle };
  const points: [number, number][] = [];
  for (const [x, y] of placed.points) {
    // Through the CCD holding the point, or the nearest one in a gap: a region on a mosaic stays in the sky frame.
    const s = sky.toSkyNear(x, y);
    if (!s)
      return {
        ...base,
        frame: "image",
        points: placed.points,
        size: placed.size,
        angle: placed.angle,
      };
    points.push(s);
  }
  const [x, y] = placed.points[0] ?? [0, 0];
  const local = northDeg(sky, x, y);
  if (!local)
    return {
      ...base,
      frame: "image",
      points: placed.points,
      size: placed.size,
      angle: placed.angle,
    };
  return {
    ...base,
    frame,
    points,
    size: placed.size
      ? [placed.size[0] * local.arcsecPerPx, placed.size[1] * local.arcsecPerPx]
      : null,
    angle: (((placed.angle + local.north) % 360) + 360) % 360,
  };
}

function ellipseRing(cx: number, cy: number, a: number, b: number, angleDeg: number): Coordinate[] {
  const t = (angleDeg * Math.PI) / 180;
  const ring: Coordinate[] = [];
  for (let i = 0; i <= ELLIPSE_VERTICES; i++) {
    const u = (2 * Math.PI * i) / ELLIPSE_VERTICES;
    const x = a * Math.cos(u);
    const y = b * Math.sin(u);
    ring.push([cx + x * Math.cos(t) - y * Math.sin(t), cy + x * Math.sin(t) + y * Math.cos(t)]);
  }
  return ring;
}

function boxRing(cx: number, cy: number, w: number, h: number, angleDeg: number): Coordinate[] {
  const t = (angleDeg * Math.PI) / 180;
  return [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
    [-1, -1],
  ].map(([sx = 0, sy = 0]) => {
    const x = (sx * w) / 2;
    const y = (sy * h) / 2;
    return [cx + x * Math.cos(t) - y * Math.sin(t), cy + x * Math.sin(t) + y * Math.cos(t)];
  });
}

function geometryOf(shape: RegionShape, p: Placed): Geometry {
  const [cx, cy] = p.points[0] ?? [0, 0];
  const [w, h] = p.size ?? [1, 1];
  switch (shape) {
    case "circle":
      return new CircleGeom([cx, cy], w);
    case "ellipse":
      return new Polygon([ellipseRing(cx, cy, w, h, p.angle)]);
    case "box":
      return new Polygon([boxRing(cx, cy, w, h, p.angle)]);
    case "polygon":
      return new Polygon([[...p.points, p.points[0] ?? [cx, cy]]]);
    case "line":
      return new LineString(p.points);
    default:
      return new Point([cx, cy]);
  }
}

/** The viewer coordinates of a drawn or edited geometry, for a region of `shape` (before: what it was). */
function placedOf(shape: RegionShape, geometry: Geometry, before: Placed | null): Placed | null {
  if (geometry instanceof CircleGeom && shape === "circle") {
    const [x = 0, y = 0] = geometry.getCenter();
    const r = geometry.getRadius();
    return { points: [[x, y]], size: [r, r], angle: 0 };
  }
  if ((shape === "ellipse" || shape === "box") && before) {
    // Moved only (Translate): the first vertex says by how much.
    const ring = (geometry as Polygon).getCoordinates()[0] ?? [];
    const first = ring[0];
    const old = geometryOf(shape, before) as Polygon;
    const oldFirst = old.getCoordinates()[0]?.[0];
    if (!first || !oldFirst) return null;
    const dx = (first[0] ?? 0) - (oldFirst[0] ?? 0);
    const dy = (first[1] ?? 0) - (oldFirst[1] ?? 0);
    const [cx, cy] = before.points[0] ?? [0, 0];
    return { ...before, points: [[cx + dx, cy + dy]] };
  }
  if (geometry instanceof Polygon) {
    const ring = (geometry.getCoordinates()[0] ?? []).slice(0, -1);
    return { points: ring.map((c) => [c[0] ?? 0, c[1] ?? 0]), size: null, angle: 0 };
  }
  if (geometry instanceof LineString) {
    return {
      points: geometry.getCoordinates().map((c) => [c[0] ?? 0, c[1] ?? 0]),
      size: null,
      angle: 0,
    };
  }
  if (geometry instanceof Point) {
    const [x = 0, y = 0] = geometry.getCoordinates();
    return { points: [[x, y]], size: null, angle: 0 };
  }
  return null;
}

function styleOf(region: Region, selected: boolean): Style[] {
  const color = selected ? SELECTED_COLOR : region.color || DEFAULT_COLOR;
  const stroke = new Stroke({ color, width: selected ? 3 : 2 });
  const label = region.shape === "text" ? region.text || "text" : region.text;
  const text = label
    ? new Text({
        text: label,
        fill: new Fill({ color }),
        stroke: new Stroke({ color: "#000", width: 3 }),
        font: "13px sans-serif",
        offsetY: region.shape === "text" ? 0 : -14,
        overflow: true,
      })
    : undefined;
  if (region.shape === "point") {
    return [
      new Style({
        image: new RegularShape({ stroke, points: 4, radius: 7, radius2: 0, angle: Math.PI / 4 }),
        ...(text ? { text } : {}),
      }),
    ];
  }
  if (region.shape === "text") {
    return [
      new Style({
        image: new CircleStyle({ radius: selected ? 4 : 2, fill: new Fill({ color }) }),
        ...(text ? { text } : {}),
      }),
    ];
  }
  return [
    new Style({ stroke, fill: new Fill({ color: "rgba(0,0,0,0.01)" }), ...(text ? { text } : {}) }),
  ];
}

export class ViewerRegions implements RegionsApi {
  private regions: Region[] = [];
  private selectedId: string | null = null;
  private tool: Tool = "select";
  private sky: SkyTransform | null = null;
  private skyFor = "";
  private error: string | null = null;
  private notes: string[] = [];
  private readonly source = new VectorSource<Feature<Geometry>>();
  private readonly layer = new VectorLayer({ source: this.source, zIndex: 30 });
  private draw: Draw | null = null;
  private translate: Translate | null = null;
  private modify: Modify | null = null;
  private readonly modifiable = new Collection<Feature<Geometry>>();
  private attachedTo: OlMap | null = null;
  private popupOverlay: Overlay | null = null;
  private readonly popupElement = document.createElement("div");
  private drawStart: Coordinate | null = null;
  private imageKey = "";

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly deps: RegionsHost,
  ) {
    this.popupElement.className = "region-popup";
    this.popupElement.dataset["testid"] = "region-popup";
  }

  // ---------------------------------------------------------------------------------------------
  // Public API

  list(): Region[] {
    return this.regions.map((r) => ({ ...r, points: r.points.map((p) => [p[0], p[1]]) }));
  }

  /** Adds regions (an import, another tool); refused with a message beyond the state's limit. */
  add(regions: Region[]): boolean {
    const parsed = parseRegions(regions).map((r) =>
      this.regions.some((o) => o.id === r.id) ? { ...r, id: newId() } : r,
    );
    return this.commit([...this.regions, ...this.adopt(parsed)]);
  }

  selected(): Region | null {
    return this.regions.find((r) => r.id === this.selectedId) ?? null;
  }

  /** The viewer coordinates a region is drawn at now (tests and other tools read it). */
  placed(id: string): Placed | null {
    const region = this.regions.find((r) => r.id === id);
    return region ? placeRegion(region, this.sky) : null;
  }

  get activeTool(): Tool {
    return this.tool;
  }

  /** Sets the regions (a restore, a collaborator's state): nothing is emitted. */
  set(regions: Region[]): void {
    this.regions = parseRegions(regions);
    if (!this.regions.some((r) => r.id === this.selectedId)) this.selectedId = null;
    this.redraw();
  }

  // ---------------------------------------------------------------------------------------------
  // Map wiring

  attach(map: OlMap): void {
    this.attachedTo = map;
    map.addLayer(this.layer);
    this.popupOverlay = new Overlay({
      element: this.popupElement,
      positioning: "bottom-center",
      offset: [0, -16],
      stopEvent: true,
    });
    map.addOverlay(this.popupOverlay);
    this.translate = new Translate({ layers: [this.layer], hitTolerance: 4 });
    this.translate.on("translatestart", (event) => {
      const feature = event.features.item(0);
      if (feature) this.select(String(feature.getId()));
    });
    this.translate.on("translateend", (event) => {
      for (const feature of event.features.getArray()) this.edited(feature);
    });
    map.addInteraction(this.translate);
    this.modify = new Modify({ features: this.modifiable, pixelTolerance: 6 });
    this.modify.on("modifyend", (event) => {
      for (const feature of event.features.getArray()) this.edited(feature);
    });
    map.addInteraction(this.modify);
    map.on("singleclick", (event) => {
      if (this.tool !== "select") return;
      const hit = map.forEachFeatureAtPixel(event.pixel, (f) => f, {
        layerFilter: (l) => l === this.layer,
        hitTolerance: 4,
      });
      this.select(hit ? String(hit.getId()) : null);
    });
    const target = map.getTargetElement();
    target?.addEventListener("keydown", (event) => this.onKey(event));
    this.applyTool();
    void this.refresh();
  }

  /** The image shown changed (or its WCS arrived): regions are placed again. */
  async refresh(): Promise<void> {
    const image = this.deps.image();
    const key = image ? JSON.stringify(image) : "";
    this.imageKey = key;
    if (key !== this.skyFor) {
      this.sky = null;
      this.skyFor = key;
      if (image) {
        try {
          const sky = await skyTransformFor(image);
          if (this.imageKey !== key) return;
          this.sky = sky;
        } catch {
          this.sky = null;
        }
      }
    }
    this.redraw();
  }

  dispose(): void {
    this.attachedTo?.removeLayer(this.layer);
  }

  private redraw(): void {
    this.source.clear();
    this.modifiable.clear();
    const image = this.deps.image();
    if (image) {
      for (const region of this.regions) {
        const placed = placeRegion(region, this.sky);
        if (!placed) continue;
        const feature = new Feature(geometryOf(region.shape, placed));
        feature.setId(region.id);
        feature.setStyle(styleOf(region, region.id === this.selectedId));
        this.source.addFeature(feature);
        if (region.id === this.selectedId && ["circle", "polygon", "line"].includes(region.shape))
          this.modifiable.push(feature);
      }
    }
    this.renderPopup();
    this.host.requestUpdate();
  }

  /** Image-frame regions get sky coordinates when the image has a WCS (an import of a pixel file). */
  private adopt(regions: Region[]): Region[] {
    const sky = this.sky;
    if (!sky) return regions;
    return regions.map((r) => {
      if (r.frame === "sky") return r;
      const placed = placeRegion(r, null);
      return placed ? storeRegion(r, placed, sky) : r;
    });
  }

  private commit(regions: Region[], emit = true): boolean {
    const bytes = JSON.stringify(regions).length;
    if (regions.length > MAX_REGIONS || bytes > MAX_REGIONS_BYTES) {
      this.error = `That makes ${regions.length} regions (${Math.round(bytes / 1024)} KB): a viewer keeps at most ${MAX_REGIONS} regions in ${MAX_REGIONS_BYTES / 1024} KB. Delete some, or keep them in a region file.`;
      this.redraw();
      return false;
    }
    this.error = null;
    this.regions = regions;
    this.redraw();
    if (emit) {
      this.deps.changed();
      this.host.dispatchEvent(
        new CustomEvent("toyz-regions-changed", {
          bubbles: true,
          composed: true,
          detail: { regions: this.list() },
        }),
      );
    }
    return true;
  }

  private select(id: string | null): void {
    if (this.selectedId === id) return;
    this.selectedId = id;
    this.redraw();
  }

  private edited(feature: Feature<Geometry>): void {
    const id = String(feature.getId());
    const region = this.regions.find((r) => r.id === id);
    const geometry = feature.getGeometry();
    if (!region || !geometry) return;
    const before = placeRegion(region, this.sky);
    const placed = placedOf(region.shape, geometry, before);
    if (!placed) return;
    if (region.shape !== "circle" && region.shape !== "ellipse" && region.shape !== "box") {
      placed.size = null;
    }
    const updated = storeRegion(region, placed, region.frame === "sky" ? this.sky : null);
    this.commit(this.regions.map((r) => (r.id === id ? updated : r)));
  }

  private update(id: string, change: Partial<Region>): void {
    this.commit(this.regions.map((r) => (r.id === id ? { ...r, ...change, id } : r)));
  }

  /** Changes a region's centre, size or angle as typed in its viewer coordinates. */
  private updatePlaced(id: string, change: Partial<Placed>): void {
    const region = this.regions.find((r) => r.id === id);
    const before = region ? placeRegion(region, this.sky) : null;
    if (!region || !before) return;
    const placed = { ...before, ...change };
    this.commit(
      this.regions.map((r) =>
        r.id === id ? storeRegion(r, placed, r.frame === "sky" ? this.sky : null) : r,
      ),
    );
  }

  remove(id: string): void {
    if (this.selectedId === id) this.selectedId = null;
    this.commit(this.regions.filter((r) => r.id !== id));
  }

  clearAll(): void {
    this.selectedId = null;
    this.commit([]);
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    if (target.closest("input, textarea, select")) return;
    if (event.key === "Escape") {
      if (this.tool !== "select") {
        this.draw?.abortDrawing();
        this.setTool("select");
      } else this.select(null);
      event.preventDefault();
    } else if ((event.key === "Delete" || event.key === "Backspace") && this.selectedId) {
      this.remove(this.selectedId);
      event.preventDefault();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Drawing

  setTool(tool: Tool): void {
    this.tool = tool;
    this.applyTool();
    this.host.requestUpdate();
  }

  private applyTool(): void {
    const map = this.attachedTo;
    if (!map) return;
    if (this.draw) {
      map.removeInteraction(this.draw);
      this.draw = null;
    }
    const drawing = this.tool !== "select";
    this.translate?.setActive(!drawing);
    this.modify?.setActive(!drawing);
    for (const interaction of map.getInteractions().getArray()) {
      if (interaction instanceof GrabPan) interaction.setActive(!drawing);
    }
    if (!drawing) return;
    const shape = this.tool as RegionShape;
    const draw = this.makeDraw(shape);
    draw.on("drawend", (event) => {
      const geometry = event.feature.getGeometry();
      const start = this.drawStart;
      this.drawStart = null;
      if (!geometry) return;
      const placed = this.drawnPlaced(shape, geometry, start);
      if (!placed) return;
      const base: Region = {
        id: newId(),
        shape,
        frame: "image",
        points: [],
        size: null,
        angle: 0,
        text: shape === "text" ? "text" : "",
        color: "",
      };
      const region = storeRegion(base, placed, this.sky);
      // Drawn features are ours to make: the Draw's own feature is not kept.
      queueMicrotask(() => {
        if (this.commit([...this.regions, region])) {
          this.selectedId = region.id;
          this.redraw();
        }
      });
    });
    map.addInteraction(draw);
    this.draw = draw;
  }

  private makeDraw(shape: RegionShape): Draw {
    const style = new Style({
      stroke: new Stroke({ color: DEFAULT_COLOR, width: 2, lineDash: [4, 4] }),
      image: new CircleStyle({ radius: 4, fill: new Fill({ color: DEFAULT_COLOR }) }),
    });
    if (shape === "circle") return new Draw({ type: "Circle", freehand: true, style });
    if (shape === "box") {
      return new Draw({
        type: "Circle",
        freehand: true,
        style,
        geometryFunction: (coords, geom, projection) => {
          this.drawStart = (coords as Coordinate[])[0] ?? null;
          return createBox()(coords, geom, projection);
        },
      });
    }
    if (shape === "ellipse") {
      return new Draw({
        type: "Circle",
        freehand: true,
        style,
        geometryFunction: (coords, geom) => {
          const [start = [0, 0], end = start] = coords as Coordinate[];
          this.drawStart = start;
          const ring = ellipseRing(
            start[0] ?? 0,
            start[1] ?? 0,
            Math.max(Math.abs((end[0] ?? 0) - (start[0] ?? 0)), 1e-6),
            Math.max(Math.abs((end[1] ?? 0) - (start[1] ?? 0)), 1e-6),
            0,
          );
          const polygon = (geom as Polygon | undefined) ?? new Polygon([ring]);
          polygon.setCoordinates([ring]);
          return polygon;
        },
      });
    }
    if (shape === "polygon") return new Draw({ type: "Polygon", style });
    if (shape === "line") return new Draw({ type: "LineString", maxPoints: 2, style });
    return new Draw({ type: "Point", style });
  }

  private drawnPlaced(
    shape: RegionShape,
    geometry: Geometry,
    start: Coordinate | null,
  ): Placed | null {
    if (shape === "circle") {
      const placed = placedOf("circle", geometry, null);
      return placed && placed.size && placed.size[0] > 0 ? placed : null;
    }
    if (shape === "ellipse" || shape === "box") {
      const extent = geometry.getExtent();
      const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = extent;
      if (!(x1 > x0 && y1 > y0)) return null;
      if (shape === "box")
        return { points: [[(x0 + x1) / 2, (y0 + y1) / 2]], size: [x1 - x0, y1 - y0], angle: 0 };
      const [cx = 0, cy = 0] = start ?? [(x0 + x1) / 2, (y0 + y1) / 2];
      return { points: [[cx, cy]], size: [(x1 - x0) / 2, (y1 - y0) / 2], angle: 0 };
    }
    return placedOf(shape, geometry, null);
  }

  // ---------------------------------------------------------------------------------------------
  // The properties popup of the selected region

  private renderPopup(): void {
    const region = this.selected();
    const placed = region ? placeRegion(region, this.sky) : null;
    if (!region || !placed) {
      this.popupOverlay?.setPosition(undefined);
      render(nothing, this.popupElement);
      return;
    }
    const [cx, cy] = placed.points[0] ?? [0, 0];
    this.popupOverlay?.setPosition([cx, cy]);
    const sized = region.shape === "circle" || region.shape === "ellipse" || region.shape === "box";
    const unit = region.frame === "sky" ? '"' : "px";
    const num = (value: number, digits: number): string => value.toFixed(digits);
    const centreEditable = region.points.length === 1;
    render(
      html`<div class="region-popup-head">
          <strong>${region.shape}</strong>
          <button type="button" title="Delete (Delete key)" data-testid="region-delete" @click=${() => this.remove(region.id)}>Delete</button>
          <button type="button" title="Close" @click=${() => this.select(null)}>×</button>
        </div>
        <label>${region.shape === "text" ? "text" : "label"}
          <input data-testid="region-text" maxlength="200" .value=${region.text}
            @change=${(e: Event) => this.update(region.id, { text: (e.target as HTMLInputElement).value })} /></label>
        <label>colour
          <input type="color" .value=${region.color || DEFAULT_COLOR}
            @change=${(e: Event) => this.update(region.id, { color: (e.target as HTMLInputElement).value })} /></label>
        ${
          centreEditable
            ? region.frame === "sky"
              ? html`<label>RA° <input type="number" step="any" data-testid="region-ra" .value=${num(region.points[0]?.[0] ?? 0, 7)}
                    @change=${(e: Event) => this.update(region.id, { points: [[Number((e.target as HTMLInputElement).value), region.points[0]?.[1] ?? 0]] })} /></label>
                  <label>Dec° <input type="number" step="any" data-testid="region-dec" .value=${num(region.points[0]?.[1] ?? 0, 7)}
                    @change=${(e: Event) => this.update(region.id, { points: [[region.points[0]?.[0] ?? 0, Number((e.target as HTMLInputElement).value)]] })} /></label>`
              : html`<label>x <input type="number" step="any" data-testid="region-x" .value=${num(cx, 2)}
                    @change=${(e: Event) => this.updatePlaced(region.id, { points: [[Number((e.target as HTMLInputElement).value), cy]] })} /></label>
                  <label>y <input type="number" step="any" data-testid="region-y" .value=${num(cy, 2)}
                    @change=${(e: Event) => this.updatePlaced(region.id, { points: [[cx, Number((e.target as HTMLInputElement).value)]] })} /></label>`
            : nothing
        }
        ${
          sized && region.size
            ? html`<label>${region.shape === "circle" ? "radius" : region.shape === "ellipse" ? "semi-axes" : "width, height"} (${unit})
                <input type="number" min="0" step="any" data-testid="region-w" .value=${num(region.size[0], 3)}
                  @change=${(e: Event) => this.sizeChanged(region, 0, Number((e.target as HTMLInputElement).value))} />
                ${
                  region.shape === "circle"
                    ? nothing
                    : html`<input type="number" min="0" step="any" data-testid="region-h" .value=${num(region.size[1], 3)}
                  @change=${(e: Event) => this.sizeChanged(region, 1, Number((e.target as HTMLInputElement).value))} />`
                }</label>
              ${
                region.shape === "circle"
                  ? nothing
                  : html`<label>angle°
                <input type="number" step="any" data-testid="region-angle" .value=${num(region.angle, 2)}
                  @change=${(e: Event) => this.update(region.id, { angle: Number((e.target as HTMLInputElement).value) || 0 })} /></label>`
              }`
            : nothing
        }
        <div class="region-popup-frame">${region.frame === "sky" ? "sky (ICRS; sizes in arcsec, angle from the RA axis)" : "image pixels"}</div>`,
      this.popupElement,
    );
  }

  private sizeChanged(region: Region, index: 0 | 1, value: number): void {
    if (!(value > 0) || !region.size) return;
    const size: [number, number] =
      region.shape === "circle"
        ? [value, value]
        : index === 0
          ? [value, region.size[1]]
          : [region.size[0], value];
    this.update(region.id, { size });
  }

  // ---------------------------------------------------------------------------------------------
  // Import and export

  private importBody(): Record<string, unknown> {
    const image = this.deps.image();
    return image ? { image } : {};
  }

  /** Reads a ds9/CRTF text (or a file of the data roots) on the server and adds its regions. */
  async importRegions(source: { text?: string; path?: string }): Promise<void> {
    try {
      const answer = await apiRequest<{ regions: Region[]; notes: string[] }>(
        "POST",
        "/api/analysis/regions/parse",
        { ...source, format: "auto", ...this.importBody() },
      );
      this.notes = answer.notes;
      this.add(answer.regions);
    } catch (error) {
      this.error = errorText(error);
      this.host.requestUpdate();
    }
  }

  /** Writes the regions as a file's text; saved in `folder` as well when given. */
  async exportRegions(options: {
    format: "ds9" | "crtf";
    frame: "image" | "sky";
    folder?: string;
    name?: string;
  }): Promise<{ text: string; path: string | null } | null> {
    try {
      const answer = await apiRequest<{ text: string; notes: string[]; path: string | null }>(
        "POST",
        "/api/analysis/regions/export",
        { regions: this.regions, ...options, ...this.importBody() },
      );
      this.notes = answer.notes;
      this.error = null;
      if (answer.path) this.notes = [...answer.notes, `Saved as ${answer.path}.`];
      this.host.requestUpdate();
      return answer;
    } catch (error) {
      this.error = errorText(error);
      this.host.requestUpdate();
      return null;
    }
  }

  private async download(format: "ds9" | "crtf", frame: "image" | "sky"): Promise<void> {
    const answer = await this.exportRegions({ format, frame });
    if (!answer) return;
    const blob = new Blob([answer.text], { type: "text/plain" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = format === "ds9" ? "regions.reg" : "regions.crtf";
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  private field(name: string): string {
    return (
      this.host.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
        `.regions-menu [name=${name}]`,
      )?.value ?? ""
    );
  }

  /** The toolbar's "Regions" menu: the drawing tools, the list, import and export. */
  menuTemplate(hasImage: boolean): TemplateResult {
    const tools: Tool[] = ["select", ...REGION_SHAPES];
    const format = (): "ds9" | "crtf" => (this.field("format") === "crtf" ? "crtf" : "ds9");
    const frame = (): "image" | "sky" => (this.field("frame") === "image" ? "image" : "sky");
    return html`<details class="regions-menu" data-testid="regions-menu">
      <summary title="Regions drawn on the image">Regions${this.regions.length ? ` (${this.regions.length})` : ""}</summary>
      <div class="regions-menu-body">
        <div class="regions-tools" role="group" aria-label="Draw a region">
          ${tools.map(
            (tool) =>
              html`<button type="button" data-testid=${`region-tool-${tool}`} ?disabled=${!hasImage}
                aria-pressed=${this.tool === tool ? "true" : "false"} @click=${() => this.setTool(tool)}>${tool}</button>`,
          )}
        </div>
        <p class="regions-hint">Drag to draw a circle, ellipse or box; click the vertices of a polygon (double-click ends it).
          Drag a region to move it, click it to edit it; Delete removes it, Escape stops drawing.
          ${this.sky ? "Kept in sky coordinates." : "Kept in image pixels (no WCS)."}</p>
        ${this.error ? html`<div class="regions-error" role="alert" data-testid="regions-error">${this.error}</div>` : nothing}
        ${this.notes.length ? html`<ul class="regions-notes" data-testid="regions-notes">${this.notes.map((n) => html`<li>${n}</li>`)}</ul>` : nothing}
        <ol class="regions-list" data-testid="regions-list">
          ${this.regions.map(
            (r) => html`<li data-id=${r.id} class=${r.id === this.selectedId ? "selected" : ""}>
              <button type="button" class="linkish" @click=${() => this.select(r.id)}>${r.shape}${r.text ? ` “${r.text}”` : ""}</button>
              <button type="button" title="Delete" @click=${() => this.remove(r.id)}>×</button>
            </li>`,
          )}
        </ol>
        ${this.regions.length ? html`<button type="button" @click=${() => this.clearAll()}>Delete all</button>` : nothing}
        <fieldset class="regions-io">
          <legend>Import</legend>
          <label>From the data: <input name="import-path" placeholder="folder/file.reg" data-testid="regions-import-path" /></label>
          <button type="button" data-testid="regions-import-path-go" ?disabled=${!hasImage}
            @click=${() => void this.importRegions({ path: this.field("import-path") })}>Read</button>
          <label>From this computer: <input type="file" accept=".reg,.crtf,.txt,text/plain" data-testid="regions-upload"
            ?disabled=${!hasImage}
            @change=${async (e: Event) => {
              const file = (e.target as HTMLInputElement).files?.[0];
              if (file) await this.importRegions({ text: await file.text() });
            }} /></label>
          <textarea name="import-text" rows="3" placeholder="Or paste ds9 or CRTF text here" data-testid="regions-paste"></textarea>
          <button type="button" data-testid="regions-paste-go" ?disabled=${!hasImage}
            @click=${() => void this.importRegions({ text: this.field("import-text") })}>Add pasted</button>
        </fieldset>
        <fieldset class="regions-io">
          <legend>Export</legend>
          <select name="format" title="Format"><option value="ds9">ds9</option><option value="crtf">CRTF</option></select>
          <select name="frame" title="Coordinates"><option value="sky">sky (ICRS)</option><option value="image">image pixels</option></select>
          <button type="button" data-testid="regions-download" ?disabled=${!this.regions.length}
            @click=${() => void this.download(format(), frame())}>Download</button>
          <label>Folder <input name="export-folder" placeholder="home/you" data-testid="regions-export-folder" /></label>
          <label>Name <input name="export-name" placeholder="regions.reg" data-testid="regions-export-name" /></label>
          <button type="button" data-testid="regions-save" ?disabled=${!this.regions.length}
            @click=${() => {
              const name = this.field("export-name");
              void this.exportRegions({
                format: format(),
                frame: frame(),
                folder: this.field("export-folder"),
                ...(name ? { name } : {}),
              });
            }}>Save</button>
        </fieldset>
      </div>
    </details>`;
  }
}
