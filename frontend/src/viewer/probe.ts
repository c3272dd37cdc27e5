// Asks the server for the pixel under the pointer: debounced, at most one request in flight,
// and only the answer for the latest position is shown.
import type { Pixel } from "../protocol";

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
