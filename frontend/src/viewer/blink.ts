// Blinking (DS9's blink; Astro-Toyz's aligned blink for moving-object searches): one image viewer
// holds a set of frames (files, HDUs or planes, e.g. consecutive exposures of one field) and shows
// them one at a time, on a timer or by key (`n` next, `b` previous, `k` play/pause, viewer
// focused). Each frame's view is derived from the one shown, by WCS (the same sky centre, scale and
// orientation, through lock.ts's `viewThrough`) or by pixel, so a star stays where it was.
//
// No flash: each frame keeps its pyramid source in a layer of its own (ImageLayers.showKept), only
// hidden while another frame is shown, and the neighbours' tiles are loaded into their layers at
// the view they will get before they are shown. Each frame keeps its display settings (unless the
// lock shares limits or colormap). Saved in the tile state as `frames` and `blink`.
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from "lit";

import type { Description, HduInfo, ImageTileState } from "../protocol";
import { errorText, type WorkspaceSocket } from "../socket";
import { basename } from "../util";
import type { ImageRef } from "./catalogue-layer";
import type { PyramidSource } from "./layers";
import { viewThrough, type LockView, type ViewerLock } from "./lock";
import {
  DEFAULT_SETTINGS,
  limitsFor,
  restoredSettings,
  savedSettings,
  type DisplaySettings,
} from "./settings";
import { skyTransformFor, type SkyTransform } from "./wcs";

export type BlinkAlign = "wcs" | "pixel";

/** The blink's own state (tile state `blink`). */
export interface BlinkSettings {
  on: boolean;
  interval_ms: number;
  /** The frame shown (0-based). */
  index: number;
  align: BlinkAlign;
}

/** A frame as the tile state saves it (`frames[]`): the picture and its display settings. */
export type FrameState = ImageTileState & { path: string; hdu: number; plane: number };

export const DEFAULT_BLINK: BlinkSettings = { on: false, interval_ms: 500, index: 0, align: "wcs" };
export const MIN_INTERVAL_MS = 50;
export const MAX_INTERVAL_MS = 60_000;
/** At most this many frames (the tile state stays small). */
export const MAX_FRAMES = 64;

const SETTING_KEYS = [
  "stretch",
  "limits",
  "lo",
  "hi",
  "cmap",
  "invert",
  "contrast",
  "bias",
  "clientRender",
] as const;

/** The saved blink settings (anything wrong: the default). */
export function parseBlink(value: unknown): BlinkSettings {
  if (typeof value !== "object" || value === null) return DEFAULT_BLINK;
  const v = value as Partial<BlinkSettings>;
  const interval =
    typeof v.interval_ms === "number" && Number.isFinite(v.interval_ms)
      ? Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, Math.round(v.interval_ms)))
      : DEFAULT_BLINK.interval_ms;
  const index =
    typeof v.index === "number" && Number.isInteger(v.index) && v.index >= 0 ? v.index : 0;
  return {
    on: v.on === true,
    interval_ms: interval,
    index,
    align: v.align === "pixel" ? "pixel" : "wcs",
  };
}

/** The saved frames: those naming a picture, with only the display settings kept. */
export function parseFrames(value: unknown): FrameState[] {
  if (!Array.isArray(value)) return [];
  const frames: FrameState[] = [];
  for (const item of value.slice(0, MAX_FRAMES)) {
    if (typeof item !== "object" || item === null) continue;
    const o = item as Record<string, unknown>;
    const path = o["path"];
    const hdu = o["hdu"];
    const plane = o["plane"];
    if (typeof path !== "string" || !path) continue;
    if (typeof hdu !== "number" || !Number.isInteger(hdu) || hdu < -1) continue;
    if (typeof plane !== "number" || !Number.isInteger(plane) || plane < 0) continue;
    const frame: FrameState = { path, hdu, plane };
    for (const key of SETTING_KEYS) if (key in o) Object.assign(frame, { [key]: o[key] });
    frames.push(frame);
  }
  return frames;
}

/** The index `step` frames on from `index` among `count`, wrapping around. */
export function stepIndex(index: number, count: number, step: number): number {
  if (count <= 0) return 0;
  return (((index + step) % count) + count) % count;
}

/** `list` with the item at `from` moved to `to` (both clamped). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const [item] = out.splice(from, 1);
  out.splice(Math.min(out.length, Math.max(0, to)), 0, item as T);
  return out;
}

/** Where the frame shown (`current`) is after moving the frame at `from` to `to`. */
export function indexAfterMove(current: number, from: number, to: number): number {
  if (current === from) return to;
  if (from < current && to >= current) return current - 1;
  if (from > current && to <= current) return current + 1;
  return current;
}

/** Which frame is shown after removing frame `removed` (`count` frames left). */
export function indexAfterRemove(current: number, removed: number, count: number): number {
  if (count <= 0) return 0;
  const index = removed < current ? current - 1 : current;
  return Math.min(index, count - 1);
}

/**
 * The view of the next frame: by WCS (when both frames have one) the same sky centre, scale and
 * orientation as `from` (lock.ts's `viewThrough`); by pixel (or without a WCS) the same viewer
 * coordinates, resolution and rotation.
 */
export function alignedView(
  from: LockView,
  a: SkyTransform | null,
  b: SkyTransform | null,
  align: BlinkAlign,
): LockView {
  if (align === "wcs" && a && b) return viewThrough(from, a, b) ?? from;
  return from;
}

function sameRef(a: ImageRef | null, b: ImageRef | null): boolean {
  return a !== null && b !== null && a.path === b.path && a.hdu === b.hdu && a.plane === b.plane;
}

/** What a frame is called in the viewer: file name, and HDU / plane when they are not the first. */
export function frameName(ref: ImageRef): string {
  const parts = [basename(ref.path)];
  if (ref.hdu !== 0) parts.push(ref.hdu === -1 ? "mosaic" : `HDU ${ref.hdu}`);
  if (ref.plane !== 0) parts.push(`plane ${ref.plane}`);
  return parts.join(" · ");
}

// ---------------------------------------------------------------------------------------------

interface Frame {
  ref: ImageRef;
  settings: DisplaySettings;
  description: Description | null;
  source: PyramidSource | null;
  sky: SkyTransform | null;
  ready: Promise<void> | null;
  error: string | null;
}

/** A frame as the viewer shows it. */
export interface ShownFrame {
  ref: ImageRef;
  description: Description;
  settings: DisplaySettings;
  source: PyramidSource;
  sky: SkyTransform | null;
}

export interface BlinkDeps {
  socket(): WorkspaceSocket | null;
  lock: ViewerLock;
  /** The picture shown now (null: none). */
  current(): {
    ref: ImageRef;
    description: Description;
    settings: DisplaySettings;
    source: PyramidSource;
  } | null;
  makeSource(hdu: HduInfo, d: Description, s: DisplaySettings): PyramidSource | null;
  preload(source: PyramidSource, d: Description, s: DisplaySettings, view: LockView): Promise<void>;
  forget(source: PyramidSource): void;
  /** Shows a frame at `view` (null: fitted). */
  show(frame: ShownFrame, view: LockView | null): void;
  /** The blink set changed: the tile state (saved) changed. */
  changed(): void;
  /** The other image viewers of the page whose image can be added ("Add the image of …"). */
  others(): { label: string; image: ImageRef; settings: DisplaySettings }[];
}

function newFrame(ref: ImageRef, settings: DisplaySettings): Frame {
  return { ref, settings, description: null, source: null, sky: null, ready: null, error: null };
}

export class ViewerBlink {
  private frames: Frame[] = [];
  private _blink: BlinkSettings = DEFAULT_BLINK;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  private _error: string | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly deps: BlinkDeps,
  ) {}

  /** Frames in the set (0: not blinking). */
  get count(): number {
    return this.frames.length;
  }

  /** The frame shown (0-based). */
  get index(): number {
    return this._blink.index;
  }

  get blink(): BlinkSettings {
    return this._blink;
  }

  get playing(): boolean {
    return this.timer !== null;
  }

  /** The frames as saved (settings of the frame shown taken from the viewer). */
  list(): FrameState[] {
    this.syncCurrent();
    return this.frames.map((f) => ({
      ...savedSettings(f.settings),
      path: f.ref.path,
      hdu: f.ref.hdu,
      plane: f.ref.plane,
    }));
  }

  /** What the tile state saves (`frames`, `blink`), null without frames. */
  saved(): { frames: FrameState[]; blink: BlinkSettings } | null {
    if (!this.frames.length) return null;
    return { frames: this.list(), blink: { ...this._blink, on: this.playing } };
  }

  /** Keys on the focused viewer: `n` next, `b` previous, `k` play/pause. */
  attach(target: HTMLElement): void {
    target.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || this.frames.length < 2) return;
      const el = event.target as HTMLElement | null;
      if (el?.closest("input, select, textarea")) return;
      if (event.key === "n") void this.step(1);
      else if (event.key === "b") void this.step(-1);
      else if (event.key === "k") this.toggle();
      else return;
      event.preventDefault();
    });
  }

  dispose(): void {
    this.stop();
    this.seq += 1;
  }

  // -------------------------------------------------------------------------------------------
  // The set

  /** Adds a picture to the set (the picture shown becomes the first frame of a new set). */
  async add(ref: ImageRef, settings?: DisplaySettings): Promise<void> {
    if (this.frames.length >= MAX_FRAMES) {
      this.fail(`At most ${MAX_FRAMES} frames.`);
      return;
    }
    const current = this.deps.current();
    if (!this.frames.length && current) {
      const first = newFrame(current.ref, current.settings);
      first.description = current.description;
      first.source = current.source;
      this.frames.push(first);
      this._blink = { ...this._blink, index: 0 };
    }
    const frame = newFrame(ref, settings ?? current?.settings ?? DEFAULT_SETTINGS);
    this.frames.push(frame);
    this._error = null;
    this.host.requestUpdate();
    this.deps.changed();
    await this.ensure(frame);
    if (frame.error) this.fail(`${frameName(ref)}: ${frame.error}`);
    else void this.preloadNeighbours();
  }

  /** Removes frame `i` (the last one left ends the set: the picture stays shown). */
  remove(i: number): void {
    const frame = this.frames[i];
    if (!frame) return;
    const shown = i === this._blink.index;
    this.frames.splice(i, 1);
    if (frame.source && frame.source !== this.deps.current()?.source)
      this.deps.forget(frame.source);
    if (this.frames.length < 2) this.stop();
    if (!this.frames.length) {
      this._blink = { ...this._blink, index: 0 };
    } else {
      const index = indexAfterRemove(this._blink.index, i, this.frames.length);
      this._blink = { ...this._blink, index };
      if (shown) void this.showIndex(index, true);
    }
    this.host.requestUpdate();
    this.deps.changed();
  }

  /** Moves frame `i` by `delta` places. */
  move(i: number, delta: number): void {
    const to = i + delta;
    if (!this.frames[i] || to < 0 || to >= this.frames.length) return;
    this.frames = moveItem(this.frames, i, to);
    this._blink = { ...this._blink, index: indexAfterMove(this._blink.index, i, to) };
    this.host.requestUpdate();
    this.deps.changed();
  }

  setAlign(align: BlinkAlign): void {
    this._blink = { ...this._blink, align };
    this.host.requestUpdate();
    this.deps.changed();
  }

  setInterval(ms: number): void {
    this._blink = parseBlink({ ...this._blink, interval_ms: ms });
    this.host.requestUpdate();
    this.deps.changed();
  }

  // -------------------------------------------------------------------------------------------
  // Showing frames

  /** Shows the frame `step` places on (wrapping), as the user asks: the state is saved. */
  async step(step: number): Promise<void> {
    if (this.frames.length < 2) return;
    await this.showIndex(stepIndex(this.currentIndex(), this.frames.length, step), true);
  }

  /** Plays or pauses the timer. */
  toggle(): void {
    if (this.playing) this.stop();
    else this.play();
    this.host.requestUpdate();
    this.deps.changed();
  }

  play(): void {
    if (this.timer !== null || this.frames.length < 2) return;
    this._blink = { ...this._blink, on: true };
    this.schedule();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this._blink = { ...this._blink, on: false };
  }

  private schedule(): void {
    // The next tick after this frame is shown: slow loads do not pile up.
    this.timer = setTimeout(() => {
      void (async () => {
        if (this.deps.current() && this.frames.length >= 2) {
          const next = stepIndex(this.currentIndex(), this.frames.length, 1);
          // Timer steps are not saved one by one (a collaborator runs its own timer).
          await this.showIndex(next, false);
        }
        if (this.timer !== null) this.schedule();
      })();
    }, this._blink.interval_ms);
  }

  /** The index of the frame shown: the viewer's picture when it is one of the frames. */
  private currentIndex(): number {
    const ref = this.deps.current()?.ref ?? null;
    if (sameRef(this.frames[this._blink.index]?.ref ?? null, ref)) return this._blink.index;
    const found = this.frames.findIndex((f) => sameRef(f.ref, ref));
    return found >= 0 ? found : this._blink.index;
  }

  /** The viewer's picture is frame `index`: its settings (changed in the toolbar) go with it. */
  private syncCurrent(): void {
    const current = this.deps.current();
    const frame = this.frames[this._blink.index];
    if (!current || !frame || !sameRef(frame.ref, current.ref)) return;
    frame.settings = current.settings;
    frame.description ??= current.description;
    frame.source ??= current.source;
  }

  /** Describes a frame, makes its pyramid source, loads its sky transform (once). */
  private ensure(frame: Frame): Promise<void> {
    frame.ready ??= (async () => {
      try {
        const socket = this.deps.socket();
        if (!socket) throw new Error("not connected");
        if (!frame.description) {
          const { path, hdu, plane } = frame.ref;
          frame.description = await socket.job("imaging.describe", { path, hdu, plane });
        }
        const d = frame.description;
        const hdu = d.hdus.find((h) => h.index === d.hdu);
        if (!hdu || hdu.problem || hdu.width <= 0 || hdu.height <= 0)
          throw new Error(hdu?.problem ?? `HDU ${d.hdu} cannot be shown.`);
        // The description may name the HDU and plane the server chose.
        frame.ref = { path: d.path, hdu: d.hdu, plane: d.plane };
        frame.settings = limitsFor(frame.settings, d);
        frame.source ??= this.deps.makeSource(hdu, d, frame.settings);
        try {
          frame.sky = await skyTransformFor(frame.ref);
        } catch {
          frame.sky = null;
        }
      } catch (error) {
        frame.error = errorText(error);
      }
    })();
    return frame.ready;
  }

  /** Shows frame `k`, aligned on what is shown now; `save`: the tile state is saved. */
  async showIndex(k: number, save: boolean): Promise<void> {
    const target = this.frames[k];
    if (!target) return;
    const seq = ++this.seq;
    this.syncCurrent();
    await this.ensure(target);
    if (seq !== this.seq || this.frames[k] !== target) return;
    const d = target.description;
    if (target.error || !d || !target.source) {
      this.fail(`${frameName(target.ref)}: ${target.error ?? "cannot be shown"}`);
      return;
    }
    const current = this.deps.current();
    const from = this.deps.lock.lockView();
    const view = from
      ? alignedView(from, this.skyOf(current?.ref ?? null), target.sky, this._blink.align)
      : null;
    // Limits and colormap stay the same across frames when the lock shares them.
    const lock = this.deps.lock.lock;
    let settings = target.settings;
    if (current && lock.by !== "none") {
      const s = current.settings;
      if (lock.limits)
        settings = {
          ...settings,
          stretch: s.stretch,
          limits: s.limits,
          userLo: s.userLo,
          userHi: s.userHi,
          contrast: s.contrast,
          bias: s.bias,
        };
      if (lock.colormap)
        settings = { ...settings, cmap: s.cmap, cmapCustom: s.cmapCustom, invert: s.invert };
      target.settings = limitsFor(settings, d);
    }
    this._blink = { ...this._blink, index: k };
    this._error = null;
    this.deps.show(
      {
        ref: target.ref,
        description: d,
        settings: target.settings,
        source: target.source,
        sky: target.sky,
      },
      view,
    );
    this.host.requestUpdate();
    if (save) this.deps.changed();
    void this.preloadNeighbours();
  }

  private skyOf(ref: ImageRef | null): SkyTransform | null {
    const frame = this.frames.find((f) => sameRef(f.ref, ref));
    return frame?.sky ?? this.deps.lock.skyTransform;
  }

  /** Loads the tiles of the next (and previous) frame at the view each will get. */
  private async preloadNeighbours(): Promise<void> {
    const n = this.frames.length;
    if (n < 2) return;
    const index = this.currentIndex();
    const shown = this.frames[index];
    const neighbours = new Set([stepIndex(index, n, 1), stepIndex(index, n, -1)]);
    for (const i of neighbours) {
      const frame = this.frames[i];
      if (!frame || frame === shown) continue;
      await this.ensure(frame);
      const from = this.deps.lock.lockView();
      if (!from || !frame.source || !frame.description) continue;
      const view = alignedView(
        from,
        shown?.sky ?? this.deps.lock.skyTransform,
        frame.sky,
        this._blink.align,
      );
      await this.deps.preload(frame.source, frame.description, frame.settings, view);
    }
  }

  /** The view moved (pan, zoom): the neighbours' tiles are loaded for the new view. */
  viewMoved(): void {
    if (this.frames.length >= 2) void this.preloadNeighbours();
  }

  // -------------------------------------------------------------------------------------------
  // Restoring

  /**
   * A saved state (reload, or a collaborator's change). Returns true when it showed another of
   * its frames here (the viewer then has nothing more to open).
   */
  async restore(state: ImageTileState & { frames?: unknown; blink?: unknown }): Promise<boolean> {
    const saved = parseFrames(state.frames);
    const blink = parseBlink(state.blink);
    const mine = this.list();
    const sameSet =
      saved.length === mine.length && saved.every((f, i) => sameRef(f, mine[i] ?? null));
    if (!sameSet) {
      for (const f of this.frames)
        if (f.source && f.source !== this.deps.current()?.source) this.deps.forget(f.source);
      this.frames = saved.map((f) => newFrame(f, restoredSettings(DEFAULT_SETTINGS, f)));
    } else {
      // Settings of the frames not shown, as the other page has them.
      saved.forEach((f, i) => {
        const frame = this.frames[i];
        if (frame && i !== this._blink.index) frame.settings = restoredSettings(frame.settings, f);
      });
    }
    const index = Math.min(blink.index, Math.max(0, this.frames.length - 1));
    const wasIndex = this._blink.index;
    const wasPlaying = this.playing;
    this._blink = { ...blink, index: this.frames.length ? index : 0 };
    if (this.frames.length < 2 || !blink.on) this.stop();
    else if (!this.playing) this.play();
    this.host.requestUpdate();
    // Another frame of a set shown here: blink to it rather than open it anew.
    const current = this.deps.current();
    const stateRef =
      state.path !== undefined && state.hdu !== undefined && state.plane !== undefined
        ? { path: state.path, hdu: state.hdu, plane: state.plane }
        : null;
    const inSet = (ref: ImageRef | null): boolean => this.frames.some((f) => sameRef(f.ref, ref));
    if (
      sameSet &&
      current &&
      inSet(current.ref) &&
      inSet(stateRef) &&
      !sameRef(current.ref, stateRef)
    ) {
      this._blink = { ...this._blink, index: wasIndex };
      // While playing, each page runs its own timer: a collaborator's tick is not followed.
      if (!wasPlaying) await this.showIndex(index, false);
      return true;
    }
    return false;
  }

  private fail(message: string): void {
    this._error = message;
    this.host.requestUpdate();
  }

  // -------------------------------------------------------------------------------------------
  // Templates

  /** The frame shown, named on the viewer (file, index i/N). */
  labelTemplate(): TemplateResult | typeof nothing {
    if (this.frames.length < 2) return nothing;
    const index = this.currentIndex();
    const frame = this.frames[index];
    return html`<div
      class="blink-label"
      data-testid="blink-label"
      data-index=${index}
      data-count=${this.frames.length}
    >
      ${frame ? frameName(frame.ref) : ""} <span class="muted">${index + 1}/${this.frames.length}</span>
    </div>`;
  }

  menuTemplate(hasImage: boolean): TemplateResult {
    const n = this.frames.length;
    const index = this.currentIndex();
    const others = this.deps.others();
    const addPath = (e: Event): void => {
      e.preventDefault();
      const form = e.target as HTMLFormElement;
      const input = form.querySelector<HTMLInputElement>("input[name=path]");
      const hduInput = form.querySelector<HTMLInputElement>("input[name=hdu]");
      const path = input?.value.trim() ?? "";
      if (!path) return;
      const hdu = Number(hduInput?.value || "0");
      if (input) input.value = "";
      void this.add({ path, hdu: Number.isInteger(hdu) ? hdu : 0, plane: 0 });
    };
    return html`<details class="blink-menu" data-testid="blink-menu">
      <summary title="Blink several images in this viewer (keys: n next, b previous, k play/pause)">
        Blink${n ? ` (${n})` : ""}
      </summary>
      <div class="blink-menu-body">
        ${this._error ? html`<div class="error" data-testid="blink-error">${this._error}</div>` : nothing}
        <ol class="blink-frames" data-testid="blink-frames">
          ${this.frames.map(
            (f, i) => html`<li class=${i === index ? "shown" : ""} data-testid="blink-frame">
              <button class="link" title="Show this frame" @click=${() => void this.showIndex(i, true)}>
                ${frameName(f.ref)}
              </button>
              ${f.error ? html`<span class="error" title=${f.error}>!</span>` : nothing}
              <button title="Move up" ?disabled=${i === 0} @click=${() => this.move(i, -1)}>↑</button>
              <button title="Move down" ?disabled=${i === n - 1} @click=${() => this.move(i, 1)}>↓</button>
              <button title="Remove" data-testid="blink-remove" @click=${() => this.remove(i)}>×</button>
            </li>`,
          )}
        </ol>
        <form class="blink-add" @submit=${addPath}>
          <input
            name="path"
            data-testid="blink-add-path"
            placeholder="Add frame… (path, as in the file browser)"
            spellcheck="false"
            ?disabled=${!hasImage}
          />
          <input
            name="hdu"
            class="num small"
            type="number"
            min="-1"
            step="1"
            value="0"
            title="HDU"
          />
          <button data-testid="blink-add" ?disabled=${!hasImage}>Add</button>
        </form>
        ${others.map(
          (o) =>
            html`<button
              data-testid="blink-add-viewer"
              ?disabled=${!hasImage}
              @click=${() => void this.add(o.image, o.settings)}
            >
              Add the image of ${o.label}
            </button>`,
        )}
        <div class="blink-controls">
          <button data-testid="blink-prev" title="Previous frame (b)" ?disabled=${n < 2} @click=${() => void this.step(-1)}>◀</button>
          <button
            data-testid="blink-play"
            data-playing=${this.playing ? "true" : "false"}
            title="Play or pause (k)"
            ?disabled=${n < 2}
            @click=${() => this.toggle()}
          >
            ${this.playing ? "❚❚" : "▶"}
          </button>
          <button data-testid="blink-next" title="Next frame (n)" ?disabled=${n < 2} @click=${() => void this.step(1)}>▶|</button>
          <label
            >every
            <input
              class="num small"
              type="number"
              data-testid="blink-interval"
              min=${MIN_INTERVAL_MS}
              max=${MAX_INTERVAL_MS}
              step="50"
              .value=${String(this._blink.interval_ms)}
              @change=${(e: Event) => this.setInterval(Number((e.target as HTMLInputElement).value))}
            />
            ms</label
          >
          <label
            >align
            <select
              data-testid="blink-align"
              @change=${(e: Event) => this.setAlign((e.target as HTMLSelectElement).value as BlinkAlign)}
            >
              <option value="wcs" ?selected=${this._blink.align === "wcs"}>by WCS</option>
              <option value="pixel" ?selected=${this._blink.align === "pixel"}>by pixel</option>
            </select></label
          >
        </div>
      </div>
    </details>`;
  }
}
