// The map's image layer: which tile source it shows (server-rendered or client-rendered),
// how many tiles loaded, failed or are loading, and swapping sources without a blank view.
import type OlMap from "ol/Map";
import TileLayer from "ol/layer/Tile";
import type RenderEvent from "ol/render/Event";
import type { TileSourceEvent } from "ol/source/Tile";
import type Tile from "ol/Tile";
import TileState from "ol/TileState";

import type { PyramidSource } from "./pyramid";
import { RawPyramidSource } from "./raw-source";

export type ImageSource = PyramidSource | RawPyramidSource;

export class ImageLayers {
  /** The source shown (null: no image). */
  source: ImageSource | null = null;
  /** Tiles loaded successfully and failed since the last `resetCounts`. */
  loaded = 0;
  failed = 0;
  private layer: TileLayer<ImageSource> | null = null;
  private readonly loading = new Set<Tile>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly map: OlMap,
    /** Called with the number of tiles still loading whenever it may have changed. */
    private readonly onLoading: (count: number) => void,
  ) {}

  resetCounts(): void {
    this.loaded = 0;
    this.failed = 0;
  }

  /** Counts the tiles of `source` while it is the one shown. */
  watch(source: ImageSource): ImageSource {
    source.on("tileloadstart", (event: TileSourceEvent) => {
      if (this.source !== source) return;
      this.loading.add(event.tile);
      this.count();
    });
    source.on("tileloadend", (event: TileSourceEvent) => {
      if (this.source !== source) return;
      this.loading.delete(event.tile);
      this.loaded += 1;
      this.count();
    });
    source.on("tileloaderror", (event: TileSourceEvent) => {
      if (this.source !== source) return;
      this.loading.delete(event.tile);
      this.failed += 1;
      this.count();
    });
    return source;
  }

  /**
   * Shows `source`. With `crossfade` (same picture, the other renderer) the old layer stays
   * under the new one until the new one has drawn its tiles, so the view never goes blank.
   */
  install(source: ImageSource, crossfade = false): void {
    this.source = source;
    this.loading.clear();
    this.onLoading(0);
    const old = this.layer;
    if (old && !crossfade) {
      old.setSource(source);
      return;
    }
    const layer = new TileLayer({ source, preload: 1 });
    // Client rendering repaints the tiles of the frame about to be drawn, only those.
    layer.on("prerender", (event: RenderEvent) => {
      const src = layer.getSource();
      const extent = event.frameState?.extent;
      if (src instanceof RawPyramidSource && extent) src.repaint(extent);
    });
    this.layer = layer;
    this.map.addLayer(layer);
    if (old) void this.drawn().then(() => this.map.removeLayer(old));
  }

  /** No image: every layer goes, a fading one too. */
  drop(): void {
    this.source = null;
    this.layer = null;
    this.loading.clear();
    this.onLoading(0);
    this.map.getLayers().clear();
  }

  /** Resolves when the map has drawn every visible tile (or after `timeoutMs`). */
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

  /** Tiles that OpenLayers dropped while loading send no event: count only those still loading. */
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
