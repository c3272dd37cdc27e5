// Locking image viewers together (DS9's "lock frame"): by WCS (the same sky centre, angular scale
// and orientation, whatever each image's pixel grid: rotated and mirrored WCS included), by pixel
// (the same viewer coordinates and resolution), plus a crosshair, cut limits and colormap shared.
// Every viewer of the page has a ViewerLock; the lock is page-wide (setting it in one viewer sets it
// in all), and each tile saves it in its state (`lock`). A viewer moved by the lock does not
// re-broadcast: the group applies a move with `applying` set, and the listeners ignore what it does.
//
// Screen orientation: OpenLayers' view rotation r turns the map clockwise on screen, so a direction
// at angle a (radians, CCW from viewer +y) is seen at a - r (CCW from screen up). A mirrored viewer
// (East at +x on screen where the others have it at -x) flips its layers with CSS (scaleX(-1)) and
// mirrors the map's event pixels, so the pointer still lands on the coordinate under it.
import type OlMap from "ol/Map";
import Overlay from "ol/Overlay";
import type View from "ol/View";
import { html, type TemplateResult } from "lit";

import type { ImageRef } from "./catalogue-layer";
import type { DisplaySettings } from "./settings";
import { skyTransformFor, type SkyTransform } from "./wcs";

export type LockBy = "wcs" | "pixel" | "none";

export interface LockSettings {
  by: LockBy;
  crosshair: boolean;
  limits: boolean;
  colormap: boolean;
}

export const NO_LOCK: LockSettings = {
  by: "none",
  crosshair: false,
  limits: false,
  colormap: false,
};

/** A view as the lock moves it: centre (viewer coordinates), image pixels per screen pixel,
 *  OpenLayers rotation (radians, clockwise on screen) and whether the screen is mirrored. */
export interface LockView {
  center: [number, number];
  resolution: number;
  rotation: number;
  mirrored: boolean;
}

/** The saved lock from a tile state (anything else: no lock). */
export function parseLock(value: unknown): LockSettings {
  if (typeof value !== "object" || value === null) return NO_LOCK;
  const v = value as Partial<LockSettings>;
  const by: LockBy = v.by === "wcs" || v.by === "pixel" ? v.by : "none";
  return {
    by,
    crosshair: v.crosshair === true,
    limits: v.limits === true,
    colormap: v.colormap === true,
  };
}

/** The angle (radians, CCW from screen up) at which a viewer shows a direction at `angle` (CCW
 *  from viewer +y), and whether East is on the screen's right. */
function onScreen(
  angle: number,
  eastRight: boolean,
  view: Pick<LockView, "rotation" | "mirrored">,
): { angle: number; eastRight: boolean } {
  const turned = angle - view.rotation;
  return view.mirrored ? { angle: -turned, eastRight: !eastRight } : { angle: turned, eastRight };
}

/**
 * The view of image B that shows what view `from` shows of image A: the same sky centre, angular
 * scale and orientation (North and East in the same screen directions). Null when either image
 * cannot place the centre.
 */
export function viewThrough(from: LockView, a: SkyTransform, b: SkyTransform): LockView | null {
  const [cx, cy] = from.center;
  // Through the nearest CCD when the centre is in a mosaic's gap: a fitted focal plane centres on one.
  const sky = a.toSkyNear(cx, cy);
  const la = a.local(cx, cy);
  if (!sky || !la) return null;
  const center = b.toPixel(sky[0], sky[1]);
  if (!center) return null;
  const lb = b.local(center[0], center[1]);
  if (!lb) return null;
  const seen = onScreen(la.north, la.eastRight, from);
  const mirrored = lb.eastRight !== seen.eastRight;
  // Solve onScreen(lb.north, ..., {rotation, mirrored}).angle === seen.angle for the rotation.
  const rotation = mirrored ? lb.north + seen.angle : lb.north - seen.angle;
  return {
    center,
    resolution: (from.resolution * la.scale) / lb.scale,
    rotation: normaliseAngle(rotation),
    mirrored,
  };
}

function normaliseAngle(a: number): number {
  const t = a % (2 * Math.PI);
  return t > Math.PI ? t - 2 * Math.PI : t <= -Math.PI ? t + 2 * Math.PI : t;
}

// ---------------------------------------------------------------------------------------------
// The page's group of locked viewers

const members = new Set<ViewerLock>();
// Set while the group moves viewers: their own change listeners then stay quiet (no echo).
let applying = false;

function group(from: ViewerLock): ViewerLock[] {
  return [...members].filter((m) => m !== from && m.map() !== null);
}

export interface LockDeps {
  map: () => OlMap | null;
  image: () => ImageRef | null;
  settings: () => DisplaySettings;
  /** Applies display settings copied from another viewer (limits or colormap). */
  applySettings: (settings: Partial<DisplaySettings>) => void;
  /** The lock changed: the viewer's state (saved) changed. */
  changed: () => void;
}

export class ViewerLock {
  private _lock: LockSettings = NO_LOCK;
  private _mirrored = false;
  private sky: SkyTransform | null = null;
  private skyKey = "";
  private boundView: View | null = null;
  private crosshairOverlay: Overlay | null = null;
  private readonly onViewChange = (): void => this.moved();

  constructor(private readonly deps: LockDeps) {
    members.add(this);
  }

  get lock(): LockSettings {
    return this._lock;
  }

  /** Whether this viewer's screen is mirrored by the lock (East shown at +x where the WCS has it at -x, or back). */
  get mirrored(): boolean {
    return this._mirrored;
  }

  map(): OlMap | null {
    return this.deps.map();
  }

  /** The view as the lock sees it, null without an image. */
  lockView(): LockView | null {
    const view = this.map()?.getView();
    const center = view?.getCenter();
    const resolution = view?.getResolution();
    if (!view || !center || !resolution || !this.deps.image()) return null;
    return {
      center: [center[0] ?? 0, center[1] ?? 0],
      resolution,
      rotation: view.getRotation(),
      mirrored: this._mirrored,
    };
  }

  /** The sky transform of the picture shown (null while loading or without a WCS). */
  get skyTransform(): SkyTransform | null {
    return this.sky;
  }

  attach(map: OlMap): void {
    map.on("change:view", () => this.bindView());
    this.bindView();
    // Mirrored screens: the pointer's map pixel is mirrored too, so it names what is under it.
    const eventPixel = map.getEventPixel.bind(map);
    map.getEventPixel = (event) => {
      const p = eventPixel(event);
      const size = map.getSize();
      return this._mirrored && size ? [(size[0] ?? 0) - (p[0] ?? 0), p[1] ?? 0] : p;
    };
    map.on("pointermove", (event) => this.pointerMoved(event.coordinate as [number, number]));
    map.getViewport()?.addEventListener("pointerleave", () => this.pointerMoved(null));
  }

  dispose(): void {
    this.boundView?.un(
      ["change:center", "change:resolution", "change:rotation"],
      this.onViewChange,
    );
    members.delete(this);
  }

  /** A saved lock (restore, or the page's lock set from another viewer). */
  restore(lock: LockSettings): void {
    const same = JSON.stringify(lock) === JSON.stringify(this._lock);
    this._lock = lock;
    if (lock.by !== "wcs" && this._mirrored) this.setMirrored(false);
    if (lock.by === "none" || !lock.crosshair) this.showCrosshair(null);
    if (!same) this.deps.changed();
  }

  /** The user set the lock here: every viewer of the page takes it, and aligns on this one. */
  setLock(lock: LockSettings): void {
    this.restore(lock);
    for (const m of group(this)) m.restore(lock);
    if (lock.by !== "none") {
      this.moved();
      this.settingsChanged();
    }
  }

  /** Show a sky (or pixel) transform loaded for the picture shown; align to the group. */
  private bindView(): void {
    this.boundView?.un(
      ["change:center", "change:resolution", "change:rotation"],
      this.onViewChange,
    );
    const view = this.map()?.getView() ?? null;
    this.boundView = view;
    view?.on(["change:center", "change:resolution", "change:rotation"], this.onViewChange);
    void this.loadSky();
  }

  /**
   * The SkyTransform of a picture about to be shown, known already (a blink frame): set before
   * the view moves, so that the group is moved through the right transform, not the last one's.
   */
  preset(image: ImageRef, sky: SkyTransform | null): void {
    this.skyKey = `${image.path}\n${image.hdu}\n${image.plane}`;
    this.sky = sky;
  }

  /** Loads the picture's SkyTransform when it changed, then follows the group. */
  async loadSky(): Promise<void> {
    const image = this.deps.image();
    const key = image ? `${image.path}\n${image.hdu}\n${image.plane}` : "";
    if (key === this.skyKey) return;
    this.skyKey = key;
    this.sky = null;
    if (!image) return;
    try {
      const sky = await skyTransformFor(image);
      if (this.skyKey !== key) return;
      this.sky = sky;
    } catch {
      this.sky = null;
    }
    this.follow();
  }

  /** Takes the view of the first other locked viewer (a new picture in a locked group). */
  follow(): void {
    if (this._lock.by === "none") return;
    const leader = group(this).find((m) => m.lock.by === this._lock.by && m.lockView());
    if (leader) leader.moved(true);
  }

  /** This viewer's view changed: move the others (unless the lock is moving this one). */
  moved(force = false): void {
    if ((applying && !force) || this._lock.by === "none") return;
    const from = this.lockView();
    if (!from) return;
    applying = true;
    try {
      for (const m of group(this)) {
        if (m.lock.by !== this._lock.by) continue;
        const to =
          this._lock.by === "pixel"
            ? from
            : this.sky && m.sky
              ? viewThrough(from, this.sky, m.sky)
              : null;
        if (to) m.showView(to);
      }
    } finally {
      applying = false;
    }
  }

  /** Shows a view given by the lock. */
  showView(to: LockView): void {
    const view = this.map()?.getView();
    if (!view) return;
    if (to.mirrored !== this._mirrored) this.setMirrored(to.mirrored);
    view.setRotation(to.rotation);
    view.setResolution(to.resolution);
    view.setCenter(to.center);
  }

  /** Flips the layers on screen (CSS) and keeps event pixels right (see attach). */
  setMirrored(mirrored: boolean): void {
    this._mirrored = mirrored;
    const viewport = this.map()?.getViewport();
    viewport?.classList.toggle("lock-mirrored", mirrored);
    this.map()?.render();
  }

  /** The display settings changed here: copy the locked ones to the group. */
  settingsChanged(): void {
    if (applying || this._lock.by === "none" || !(this._lock.limits || this._lock.colormap)) return;
    const s = this.deps.settings();
    const copied: Partial<DisplaySettings> = {};
    if (this._lock.limits)
      Object.assign(copied, {
        stretch: s.stretch,
        limits: s.limits,
        userLo: s.userLo,
        userHi: s.userHi,
        contrast: s.contrast,
        bias: s.bias,
      });
    if (this._lock.colormap)
      Object.assign(copied, { cmap: s.cmap, cmapCustom: s.cmapCustom, invert: s.invert });
    applying = true;
    try {
      for (const m of group(this)) if (m.lock.by !== "none") m.deps.applySettings(copied);
    } finally {
      applying = false;
    }
  }

  private pointerMoved(coordinate: [number, number] | null): void {
    if (this._lock.by === "none" || !this._lock.crosshair) return;
    const sky = coordinate && this.sky ? this.sky.toSky(coordinate[0], coordinate[1]) : null;
    for (const m of group(this)) {
      if (m.lock.by === "none" || !m.lock.crosshair) continue;
      if (!coordinate) m.showCrosshair(null);
      else if (this._lock.by === "pixel") m.showCrosshair(coordinate);
      else m.showCrosshair(sky && m.sky ? m.sky.toPixel(sky[0], sky[1]) : null);
    }
  }

  /** Draws (or hides, with null) the locked crosshair at a viewer point. */
  showCrosshair(at: [number, number] | null): void {
    const map = this.map();
    if (!map) return;
    if (!this.crosshairOverlay) {
      const element = document.createElement("div");
      element.className = "lock-crosshair";
      element.dataset["testid"] = "lock-crosshair-mark";
      this.crosshairOverlay = new Overlay({
        element,
        positioning: "center-center",
        stopEvent: false,
      });
      map.addOverlay(this.crosshairOverlay);
    }
    this.crosshairOverlay.setPosition(at ?? undefined);
  }

  /** Where the crosshair is (viewer coordinates), null when hidden. */
  get crosshair(): [number, number] | null {
    const p = this.crosshairOverlay?.getPosition();
    return p ? [p[0] ?? 0, p[1] ?? 0] : null;
  }

  menuTemplate(hasImage: boolean): TemplateResult {
    const lock = this._lock;
    // The lock as it is when the input changes (the menu may not have been drawn again since).
    const set = (patch: Partial<LockSettings>): void => this.setLock({ ...this._lock, ...patch });
    const check = (key: "crosshair" | "limits" | "colormap", label: string): TemplateResult =>
      html`<label
        ><input
          type="checkbox"
          data-testid=${`lock-${key}`}
          .checked=${lock[key]}
          @change=${(e: Event) => set({ [key]: (e.target as HTMLInputElement).checked })}
        />${label}</label
      >`;
    return html`<details class="lock-menu" data-testid="lock-menu">
      <summary title="Lock this viewer's view with the other viewers of the page">
        Lock${lock.by === "none" ? "" : `: ${lock.by === "wcs" ? "WCS" : "pixel"}`}
      </summary>
      <div class="lock-menu-body">
        <label
          >Frame
          <select
            data-testid="lock-by"
            ?disabled=${!hasImage}
            @change=${(e: Event) => set({ by: (e.target as HTMLSelectElement).value as LockBy })}
          >
            <option value="none" ?selected=${lock.by === "none"}>none</option>
            <option value="wcs" ?selected=${lock.by === "wcs"}>by WCS</option>
            <option value="pixel" ?selected=${lock.by === "pixel"}>by pixel</option>
          </select></label
        >
        ${check("crosshair", "crosshair")} ${check("limits", "limits")} ${check("colormap", "colormap")}
      </div>
    </details>`;
  }
}
