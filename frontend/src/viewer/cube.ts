// Cubes: the position of a plane along each extra axis, and the player that steps through
// the planes no faster than their pyramid tiles arrive.

/** The index of a plane along one extra axis; `axis` is the FITS axis number (NAXISn). */
export interface AxisIndex {
  axis: number;
  index: number;
  size: number;
}

/**
 * Where plane `plane` lies along each extra axis of an HDU whose numpy shape is `shape`
 * (…, ny, nx). Planes are the leading axes flattened in C order: the last of them varies
 * fastest. Listed from the highest FITS axis down, as numpy orders them.
 */
export function planeAxes(shape: readonly number[], plane: number): AxisIndex[] {
  const leading = shape.slice(0, -2);
  const out: AxisIndex[] = [];
  let rest = Math.max(0, Math.floor(plane));
  for (let i = leading.length - 1; i >= 0; i--) {
    const size = Math.max(1, leading[i] ?? 1);
    out.unshift({ axis: shape.length - i, index: rest % size, size });
    rest = Math.floor(rest / size);
  }
  return out;
}

/** "NAXIS4 1/2 · NAXIS3 0/5": shown only for more than one extra axis. */
export function planeAxesLabel(shape: readonly number[], plane: number): string | null {
  const axes = planeAxes(shape, plane);
  if (axes.length < 2) return null;
  return axes.map((a) => `axis ${a.axis}: ${a.index} / ${a.size}`).join(" · ");
}

export const DEFAULT_FPS = 2;
export const MAX_FPS = 30;

export function clampFps(fps: number): number {
  if (!Number.isFinite(fps)) return DEFAULT_FPS;
  return Math.min(MAX_FPS, Math.max(0.1, fps));
}

/**
 * Plays a cube: shows the next plane, waits until it is on screen (its description and the
 * visible pyramid tiles), then waits out the rest of the frame time. A slow server slows the player
 * down instead of piling up requests.
 */
export class PlanePlayer {
  private run = 0;
  fps = DEFAULT_FPS;

  constructor(
    /** Shows `plane`; resolves once its visible pyramid tiles are drawn (or it gave up). */
    private readonly show: (plane: number) => Promise<void>,
    private readonly current: () => { plane: number; planes: number } | null,
    private readonly onChange: (playing: boolean) => void,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly now: () => number = () => performance.now(),
  ) {}

  get playing(): boolean {
    return this.run % 2 === 1;
  }

  start(): void {
    if (this.playing) return;
    this.run += 1;
    this.onChange(true);
    void this.loop(this.run);
  }

  stop(): void {
    if (!this.playing) return;
    this.run += 1;
    this.onChange(false);
  }

  toggle(): void {
    if (this.playing) this.stop();
    else this.start();
  }

  private async loop(run: number): Promise<void> {
    while (run === this.run) {
      const where = this.current();
      if (!where || where.planes < 2) {
        this.stop();
        return;
      }
      const started = this.now();
      try {
        await this.show((where.plane + 1) % where.planes);
      } catch {
        if (run === this.run) this.stop();
        return;
      }
      if (run !== this.run) return;
      const left = 1000 / clampFps(this.fps) - (this.now() - started);
      await this.sleep(Math.max(0, left));
    }
  }
}
