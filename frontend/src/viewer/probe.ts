// The hover readout: asks the server for the pixel under the pointer (debounced, at most one
// request in flight, only the answer for the latest position shown) and words it.
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type OlMap from "ol/Map";
import type MapBrowserEvent from "ol/MapBrowserEvent";

import type { Description, HduInfo, Pixel } from "../protocol";
import { errorText } from "../socket";
import { formatValue } from "../util";
import { ccdReadout } from "./hdus";
import type { Readout } from "./templates";

export type PixelAsker = (x: number, y: number) => Promise<Pixel>;

/**
 * Reads the pixel over HTTP: hover readout is frequent and tiny, so it stays off the job
 * queue (no job rows, no wait behind a pre-render) and goes straight to a cheap GET.
 */
export async function fetchPixel(
  params: { path: string; hdu: number; plane: number },
  x: number,
  y: number,
): Promise<Pixel> {
  const query = new URLSearchParams({
    path: params.path,
    hdu: String(params.hdu),
    plane: String(params.plane),
    x: String(x),
    y: String(y),
  });
  const response = await fetch(`/api/imaging/pixel?${query}`, { credentials: "same-origin" });
  const body: unknown = await response.json();
  if (!response.ok) {
    const error = (body as { error?: { message?: string } }).error;
    throw new Error(error?.message ?? `The server answered ${response.status}.`);
  }
  return body as Pixel;
}

export class PixelProbe {
  private seq = 0;
  private wanted: { x: number; y: number; seq: number; ask: PixelAsker } | null = null;
  private inFlight = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly onAnswer: (pixel: Pixel) => void,
    private readonly onError: (error: unknown) => void,
    private readonly delayMs = 60,
  ) {}

  /** The pointer is over viewer point (x, y); `ask` runs the request for this image. */
  move(x: number, y: number, ask: PixelAsker): void {
    this.wanted = { x, y, seq: ++this.seq, ask };
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.inFlight) this.send();
    }, this.delayMs);
  }

  /** Forget the position: answers still on their way are dropped. */
  reset(): void {
    this.seq += 1;
    this.wanted = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private send(): void {
    const want = this.wanted;
    if (!want) return;
    this.wanted = null;
    this.inFlight = true;
    want
      .ask(want.x, want.y)
      .then(
        (pixel) => {
          if (want.seq === this.seq) this.onAnswer(pixel);
        },
        (error: unknown) => {
          if (want.seq === this.seq) this.onError(error);
        },
      )
      .finally(() => {
        this.inFlight = false;
        // The pointer moved on while we waited: ask for where it is now.
        if (this.wanted && this.timer === null) this.send();
      });
  }
}

/** The readout of a pixel: 1-based FITS pixel, value, sky position and, on mosaics, the CCD. */
export function pixelReadout(pixel: Pixel): Readout {
  // The server formats the sky position (it rounds 59.995 s up into the next minute correctly).
  let world: string | null = pixel.world;
  const parts = pixel.world?.trim().split(/\s+/) ?? [];
  if (parts.length === 2) world = `RA ${parts[0] ?? ""}  Dec ${parts[1] ?? ""}`;
  return {
    x: pixel.col + 1,
    y: pixel.row + 1,
    value: pixel.inside ? formatValue(pixel.value) : "outside",
    world,
    ccd: ccdReadout(pixel),
  };
}

/** What the pointer is over: the picture and its HDU, null when there is nothing to read. */
export type PointedImage = () => { description: Description; hdu: HduInfo } | null;

/** The readout of the pixel under the pointer, for the status line. */
export class HoverReadout implements ReactiveController {
  private value: Readout | null = null;
  private readonly probe = new PixelProbe(
    (pixel) => this.set(pixelReadout(pixel)),
    (error) => {
      if (this.value) this.set({ ...this.value, value: `(${errorText(error)})` });
    },
  );

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get readout(): Readout | null {
    return this.value;
  }

  /** Follows the pointer over `map`, whose element is `target`. */
  attach(map: OlMap, target: HTMLElement, image: PointedImage): void {
    map.on("pointermove", (event: MapBrowserEvent) => {
      if (event.dragging) return;
      const shown = image();
      if (shown) this.move(event.coordinate as [number, number], shown.hdu, shown.description);
    });
    target.addEventListener("pointerleave", () => {
      this.probe.reset();
      this.set(null);
    });
  }

  /** Drops the answers on their way. */
  stop(): void {
    this.probe.reset();
  }

  hostDisconnected(): void {
    this.stop();
  }

  private move([x, y]: [number, number], hdu: HduInfo, d: Description): void {
    if (x < 0 || y < 0 || x >= hdu.width || y >= hdu.height) {
      this.probe.reset();
      this.set(null);
      return;
    }
    const col = Math.floor(x);
    const row = Math.floor(y);
    const same = this.value && this.value.x === col + 1 && this.value.y === row + 1;
    if (!same) this.set({ x: col + 1, y: row + 1, value: null, world: null });
    const { path, hdu: hduIndex, plane } = d;
    this.probe.move(x, y, (px, py) => fetchPixel({ path, hdu: hduIndex, plane }, px, py));
  }

  private set(value: Readout | null): void {
    if (value === this.value) return;
    this.value = value;
    this.host.requestUpdate();
  }
}
