// The map's image layer: which pyramid source (an OpenLayers tile source) it shows, server- or
// client-rendered; how many pyramid tiles loaded, failed or are loading; swapping pyramid sources
// without a blank view.
import type OlMap from "ol/Map";
import TileLayer from "ol/layer/Tile";
import type RenderEvent from "ol/render/Event";
import type { TileSourceEvent } from "ol/source/Tile";
import type Tile from "ol/Tile";
import TileState from "ol/TileState";

import type { RenderedPyramidSource } from "./pyramid";
import { RawPyramidSource } from "./raw-pyramid-source";

/** The OpenLayers tile source of an image's pyramid tiles, server- or client-rendered. */
export type PyramidSource = RenderedPyramidSource | RawPyramidSource;

export class ImageLayers {
  /** The pyramid source shown (null: no image). */
  pyramidSource: PyramidSource | null = null;
  /** Pyramid tiles loaded successfully and failed since the last `resetCounts`. */
  loaded = 0;
  failed = 0;
  private layer: TileLayer<PyramidSource> | null = null;
  // Blink frames' layers, by pyramid source (see showKept).
  private readonly kept = new Map<PyramidSource, TileLayer<PyramidSource>>();
  private readonly loading = new Set<Tile>();
  // Every layer made here: `drop` removes these only (regions, marks, contours… are other owners' layers).
  private readonly own = new Set<TileLayer<PyramidSource>>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly map: OlMap,
    /** Called with the number of pyramid tiles still loading whenever it may have changed. */
    private readonly onLoading: (count: number) => void,
  ) {}

  resetCounts(): void {
    this.loaded = 0;
    this.failed = 0;
  }

  /** Counts the pyramid tiles of `pyramidSource` while it is the one shown. */
  watch(pyramidSource: PyramidSource): PyramidSource {
    pyramidSource.on("tileloadstart", (event: TileSourceEvent) => {
      if (this.pyramidSource !== pyramidSource) return;
      this.loading.add(event.tile);
      this.count();
    });
    pyramidSource.on("tileloadend", (event: TileSourceEvent) => {
      if (this.pyramidSource !== pyramidSource) return;
      this.loading.delete(event.tile);
      this.loaded += 1;
      this.count();
    });
    pyramidSource.on("tileloaderror", (event: TileSourceEvent) => {
      if (this.pyramidSource !== pyramidSource) return;
      this.loading.delete(event.tile);
      this.failed += 1;
      this.count();
    });
    return pyramidSource;
  }

  /**
   * Shows `pyramidSource`. With `crossfade` (same picture, the other renderer) the old layer stays
   * under the new one until the new one has drawn its pyramid tiles, so the view never goes blank.
   */
  install(pyramidSource: PyramidSource, crossfade = false): void {
    this.pyramidSource = pyramidSource;
    this.loading.clear();
    this.onLoading(0);
    const old = this.layer;
    const oldKept = old !== null && this.isKept(old);
    if (old && !crossfade && !oldKept) {
      old.setSource(pyramidSource);
      return;
    }
    const layer = this.newLayer(pyramidSource);
    this.layer = layer;
    this.map.addLayer(layer);
    // A blink frame's layer is kept for later, only hidden.
    if (oldKept) old.setVisible(false);
    else if (old) void this.drawn().then(() => this.remove(old));
  }

  private newLayer(pyramidSource: PyramidSource): TileLayer<PyramidSource> {
    const layer = new TileLayer({ source: pyramidSource, preload: 1 });
    this.own.add(layer);
    // Client rendering repaints the pyramid tiles of the frame about to be drawn, only those.
    layer.on("prerender", (event: RenderEvent) => {
      const src = layer.getSource();
      const extent = event.frameState?.extent;
      if (src instanceof RawPyramidSource && extent) src.repaint(extent);
    });
    return layer;
  }

  private remove(layer: TileLayer<PyramidSource>): void {
    this.map.removeLayer(layer);
    this.own.delete(layer);
  }

  private isKept(layer: TileLayer<PyramidSource>): boolean {
    return [...this.kept.values()].includes(layer);
  }

  /**
   * Shows a blink frame's pyramid source in a layer of its own, kept (hidden) while another frame
   * is shown: its drawn pyramid tiles stay in its renderer, so showing it again draws at once.
   * The layer shown now becomes the frame's when it draws the same source (no reload).
   */
  showKept(pyramidSource: PyramidSource): void {
    const old = this.layer;
    let layer = this.kept.get(pyramidSource);
    if (!layer) {
      layer = old?.getSource() === pyramidSource ? old : this.newLayer(pyramidSource);
      this.kept.set(pyramidSource, layer);
    }
    // Under the catalogue and region layers (those have a z-index; tile layers come first).
    if (!this.map.getLayers().getArray().includes(layer)) this.map.getLayers().insertAt(0, layer);
    layer.setVisible(true);
    for (const other of this.kept.values()) if (other !== layer) other.setVisible(false);
    if (old && old !== layer && !this.isKept(old)) this.remove(old);
    this.layer = layer;
    if (this.pyramidSource !== pyramidSource) {
      this.pyramidSource = pyramidSource;
      this.loading.clear();
      this.onLoading(0);
    }
  }

  /** The layer kept for a blink frame's pyramid source (to pre-load its tiles), if any. */
  keptLayer(pyramidSource: PyramidSource): TileLayer<PyramidSource> | null {
    return this.kept.get(pyramidSource) ?? null;
  }

  /** Keeps a layer for a frame not shown yet (hidden, to pre-load its tiles). */
  keep(pyramidSource: PyramidSource): TileLayer<PyramidSource> {
    let layer = this.kept.get(pyramidSource);
    if (!layer) {
      layer = this.newLayer(pyramidSource);
      layer.setVisible(false);
      this.kept.set(pyramidSource, layer);
      this.map.getLayers().insertAt(0, layer);
    }
    return layer;
  }

  /** A frame left the blink set: its layer goes (unless it is the one shown). */
  forget(pyramidSource: PyramidSource): void {
    const layer = this.kept.get(pyramidSource);
    if (!layer) return;
    this.kept.delete(pyramidSource);
    if (layer !== this.layer) this.remove(layer);
  }

  /** No image: every layer goes, a fading one too. */
  drop(): void {
    this.pyramidSource = null;
    this.layer = null;
    this.kept.clear();
    this.loading.clear();
    this.onLoading(0);
    for (const layer of this.own) this.map.removeLayer(layer);
    this.own.clear();
  }

  /** Resolves when the map has drawn every visible pyramid tile (or after `timeoutMs`). */
  drawn(timeoutMs = 20_000): Promise<void> {
    const map = this.map;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        map.un("rendercomplete", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      map.on("rendercomplete", done);
      map.render();
    });
  }

  /** Pyramid tiles that OpenLayers dropped while loading send no event: count only those still loading. */
  private count(): void {
    for (const tile of this.loading) {
      if (tile.getState() !== TileState.LOADING) this.loading.delete(tile);
    }
    this.onLoading(this.loading.size);
    if (this.loading.size > 0 && this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.count();
      }, 1000);
    }
  }
}
