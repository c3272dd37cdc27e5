// The drawing surface of a scatter or density plot: the points (through the shared WebGL renderer) or
// the density image, the axes, and the gestures (pan and wheel zoom, box, lasso, hover).
import { Frame, axisTicks, panView, zoomView, type PlotView, type Tick } from "./axes";
import type { Vertex } from "./geometry";
import { sharedRenderer, type PointLayer } from "./gl";
import type { MarkerShape } from "./state";

export type Gesture = "pan" | "box" | "lasso";

/** Room around the plot area for the axes (CSS pixels). */
export const MARGIN = { left: 64, right: 12, top: 10, bottom: 44 } as const;
const HOVER_PX = 6;
const ZOOM_STEP = 1.15;
const AXIS_FONT = "11px system-ui, sans-serif";
const LABEL_FONT = "12px system-ui, sans-serif";
const MUTED = "#8d96a3";
const TEXT = "#dde1e7";
const GESTURE = "#ffcc4d";

export interface AxesSpec {
  xlabel: string;
  ylabel: string;
  xlog: boolean;
  ylog: boolean;
  xreverse: boolean;
  yreverse: boolean;
}

export interface Hit {
  row: number;
  series: number;
  /** Where the point is, in CSS pixels of the plot area. */
  px: number;
  py: number;
}

export interface ScatterCallbacks {
  /** The view changed by a gesture (pan, zoom, reset). */
  view(view: PlotView): void;
  box(x0: number, x1: number, y0: number, y1: number): void;
  lasso(points: Vertex[]): void;
  hover(hit: Hit | null): void;
  /** A double click: back to the whole data. */
  reset(): void;
}

/** A density image (one canvas pixel a bin, the first row the highest y) and its axis-space extent. */
export interface DensityImage {
  canvas: HTMLCanvasElement;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export class ScatterView {
  readonly points: HTMLCanvasElement;
  readonly overlay: HTMLCanvasElement;
  mode: Gesture = "pan";
  axes: AxesSpec = {
    xlabel: "",
    ylabel: "",
    xlog: false,
    ylog: false,
    xreverse: false,
    yreverse: false,
  };
  view: PlotView = { x0: 0, x1: 1, y0: 0, y1: 1 };
  size = 3;
  shape: MarkerShape = "circle";
  /** Selected points in this colour when they have no colour of their own (RGBA 0–1). */
  selectedColor: [number, number, number, number] | null = null;
  density: DensityImage | null = null;
  densitySelected: DensityImage | null = null;
  /** Draw the density images instead of the points. */
  showDensity = false;
  drawCount = 0;

  private layer: PointLayer | null = null;
  private xs = new Float64Array(0);
  private ys = new Float64Array(0);
  private rowOf = new Uint32Array(0);
  private seriesOf = new Uint8Array(0);
  private vertexSelected = new Uint8Array(0);
  private hasSelection = false;
  private width = 0;
  private height = 0;
  private frameRequest = 0;
  private drag: { kind: Gesture; start: [number, number]; path: Vertex[]; view: PlotView } | null =
    null;
  private hoverRequest = 0;
  private lastHover: Hit | null = null;
  private readonly resizeObserver: ResizeObserver;
  private readonly abort = new AbortController();

  constructor(
    private readonly host: HTMLElement,
    private readonly on: ScatterCallbacks,
  ) {
    this.points = document.createElement("canvas");
    this.points.className = "plot-points";
    this.points.dataset.testid = "plot-points";
    this.overlay = document.createElement("canvas");
    this.overlay.className = "plot-overlay";
    this.overlay.dataset.testid = "plot-overlay";
    host.append(this.points, this.overlay);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(host);
    const signal = this.abort.signal;
    this.overlay.addEventListener("pointerdown", (e) => this.pointerDown(e), { signal });
    this.overlay.addEventListener("pointermove", (e) => this.pointerMove(e), { signal });
    this.overlay.addEventListener("pointerup", (e) => this.pointerUp(e), { signal });
    this.overlay.addEventListener("pointerleave", () => this.setHover(null), { signal });
    this.overlay.addEventListener("wheel", (e) => this.wheel(e), { signal, passive: false });
    this.overlay.addEventListener("dblclick", () => this.on.reset(), { signal });
    this.resize();
  }

  /** The frame of the plot area (CSS pixels). */
  frame(): Frame {
    const w = Math.max(1, this.width - MARGIN.left - MARGIN.right);
    const h = Math.max(1, this.height - MARGIN.top - MARGIN.bottom);
    return new Frame(this.view, w, h, this.axes.xreverse, this.axes.yreverse);
  }

  /**
   * The points: `xs` and each of `ys` in axis space (one value a row), `rgba` 4 bytes a row and series
   * (series after series). Rows with NaN in x or y are not drawn.
   */
  setPoints(xs: Float64Array, ys: Float64Array[], rgba: Uint8Array): void {
    let n = 0;
    for (const y of ys)
      for (let i = 0; i < xs.length; i++) if (xs[i]! === xs[i] && y[i]! === y[i]) n++;
    const positions = new Float32Array(2 * n);
    const colors = new Uint8Array(4 * n);
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.rowOf = new Uint32Array(n);
    this.seriesOf = new Uint8Array(n);
    // Positions relative to the data's middle: float32 keeps 7 digits, a MJD needs them near 0.
    const ox = finiteMiddle(xs);
    const oy = ys.length ? finiteMiddle(ys[0]!) : 0;
    let v = 0;
    ys.forEach((y, s) => {
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i]!;
        const yy = y[i]!;
        if (x !== x || yy !== yy) continue;
        positions[2 * v] = x - ox;
        positions[2 * v + 1] = yy - oy;
        colors.set(rgba.subarray(4 * (s * xs.length + i), 4 * (s * xs.length + i) + 4), 4 * v);
        this.xs[v] = x;
        this.ys[v] = yy;
        this.rowOf[v] = i;
        this.seriesOf[v] = s;
        v++;
      }
    });
    this.layer ??= sharedRenderer().createLayer();
    this.layer.setPoints(positions, colors, [ox, oy]);
    this.vertexSelected = new Uint8Array(n);
    this.hasSelection = false;
    this.requestDraw();
  }

  /** New colours for the same points (4 bytes a row and series, as `setPoints`). */
  setColors(rgba: Uint8Array, rows: number): void {
    if (!this.layer) return;
    const colors = new Uint8Array(4 * this.rowOf.length);
    for (let v = 0; v < this.rowOf.length; v++) {
      const at = 4 * (this.seriesOf[v]! * rows + this.rowOf[v]!);
      colors.set(rgba.subarray(at, at + 4), 4 * v);
    }
    this.layer.setColors(colors);
    this.requestDraw();
  }

  /** Highlights the rows whose mask byte is 1 (null: no selection, nothing dims). */
  setSelection(mask: Uint8Array | null): number {
    let count = 0;
    for (let v = 0; v < this.rowOf.length; v++) {
      const on = mask ? (mask[this.rowOf[v]!] ?? 0) : 0;
      this.vertexSelected[v] = on;
      count += on;
    }
    this.hasSelection = mask !== null;
    this.layer?.setSelected(this.vertexSelected);
    this.requestDraw();
    return count;
  }

  /** How many points are drawn (rows with finite x and y, over every series). */
  get pointCount(): number {
    return this.rowOf.length;
  }

  requestDraw(): void {
    if (this.frameRequest) return;
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0;
      this.draw();
    });
  }

  /** Draws now (the points or density, then the axes and any gesture in progress). */
  draw(): void {
    if (this.frameRequest) {
      cancelAnimationFrame(this.frameRequest);
      this.frameRequest = 0;
    }
    const frame = this.frame();
    const ratio = window.devicePixelRatio || 1;
    const v = this.view;
    if (this.showDensity) {
      const ctx = this.points.getContext("2d");
      if (ctx) {
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, this.points.width, this.points.height);
        ctx.imageSmoothingEnabled = false;
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        // With a selection the whole fades, and the selected rows' counts stand out over it.
        if (this.density) drawImageAt(ctx, frame, this.density, this.densitySelected ? 0.3 : 1);
        if (this.densitySelected) drawImageAt(ctx, frame, this.densitySelected, 1);
      }
    } else if (this.layer) {
      this.layer.draw(this.points, {
        ...v,
        xreverse: this.axes.xreverse,
        yreverse: this.axes.yreverse,
        size: this.size,
        shape: this.shape,
        hasSelection: this.hasSelection,
        selectedColor: this.selectedColor,
      });
    }
    this.drawOverlay(frame, ratio);
    this.drawCount += 1;
  }

  dispose(): void {
    this.abort.abort();
    this.resizeObserver.disconnect();
    if (this.frameRequest) cancelAnimationFrame(this.frameRequest);
    if (this.hoverRequest) cancelAnimationFrame(this.hoverRequest);
    this.layer?.dispose();
    this.layer = null;
    this.points.remove();
    this.overlay.remove();
  }

  private resize(): void {
    const ratio = window.devicePixelRatio || 1;
    this.width = Math.max(1, this.host.clientWidth);
    this.height = Math.max(1, this.host.clientHeight);
    const frame = this.frame();
    // Sizes through the CSSOM: the Content-Security-Policy refuses style="" attributes.
    this.points.style.left = `${MARGIN.left}px`;
    this.points.style.top = `${MARGIN.top}px`;
    this.points.style.width = `${frame.width}px`;
    this.points.style.height = `${frame.height}px`;
    this.points.width = Math.round(frame.width * ratio);
    this.points.height = Math.round(frame.height * ratio);
    this.overlay.style.width = `${this.width}px`;
    this.overlay.style.height = `${this.height}px`;
    this.overlay.width = Math.round(this.width * ratio);
    this.overlay.height = Math.round(this.height * ratio);
    this.draw();
  }

  private drawOverlay(frame: Frame, ratio: number): void {
    const ctx = this.overlay.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    ctx.setTransform(ratio, 0, 0, ratio, MARGIN.left * ratio, MARGIN.top * ratio);
    ctx.strokeStyle = "#4a5260";
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, frame.width - 1, frame.height - 1);
    ctx.font = AXIS_FONT;
    ctx.fillStyle = MUTED;
    ctx.strokeStyle = MUTED;
    const v = this.view;
    const xt: Tick[] = axisTicks(v.x0, v.x1, this.axes.xlog, Math.max(2, frame.width / 90));
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const t of xt) {
      const px = Math.round(frame.xToPx(t.at)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, frame.height);
      ctx.lineTo(px, frame.height + 5);
      ctx.stroke();
      ctx.fillText(t.label, px, frame.height + 7);
    }
    const yt: Tick[] = axisTicks(v.y0, v.y1, this.axes.ylog, Math.max(2, frame.height / 50));
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const t of yt) {
      const py = Math.round(frame.yToPx(t.at)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(-5, py);
      ctx.lineTo(0, py);
      ctx.stroke();
      ctx.fillText(t.label, -7, py);
    }
    ctx.font = LABEL_FONT;
    ctx.fillStyle = TEXT;
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillText(this.axes.xlabel, frame.width / 2, frame.height + MARGIN.bottom - 4);
    ctx.save();
    ctx.translate(-MARGIN.left + 4, frame.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "top";
    ctx.fillText(this.axes.ylabel, 0, 0);
    ctx.restore();
    const drag = this.drag;
    if (drag && drag.kind !== "pan" && drag.path.length > 1) {
      ctx.strokeStyle = GESTURE;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      if (drag.kind === "box") {
        const [a, b] = [drag.path[0]!, drag.path[drag.path.length - 1]!];
        ctx.rect(a[0], a[1], b[0] - a[0], b[1] - a[1]);
      } else {
        drag.path.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
        ctx.closePath();
      }
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }

  /** CSS pixels of the plot area under a pointer event. */
  private local(e: MouseEvent): [number, number] {
    const rect = this.overlay.getBoundingClientRect();
    return [e.clientX - rect.left - MARGIN.left, e.clientY - rect.top - MARGIN.top];
  }

  private pointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    const at = this.local(e);
    this.overlay.setPointerCapture(e.pointerId);
    this.drag = { kind: this.mode, start: at, path: [at], view: this.view };
    this.setHover(null);
  }

  private pointerMove(e: PointerEvent): void {
    const at = this.local(e);
    const drag = this.drag;
    if (!drag) {
      if (this.mode === "pan" || e.buttons === 0) this.hoverAt(at);
      return;
    }
    if (drag.kind === "pan") {
      const frame = new Frame(
        drag.view,
        this.frame().width,
        this.frame().height,
        this.axes.xreverse,
        this.axes.yreverse,
      );
      const dx = frame.pxToX(drag.start[0]) - frame.pxToX(at[0]);
      const dy = frame.pxToY(drag.start[1]) - frame.pxToY(at[1]);
      this.view = panView(drag.view, dx, dy);
      this.draw();
      return;
    }
    if (drag.kind === "box") drag.path = [drag.start, at];
    else drag.path.push(at);
    this.drawOverlay(this.frame(), window.devicePixelRatio || 1);
  }

  private pointerUp(e: PointerEvent): void {
    const drag = this.drag;
    this.drag = null;
    if (!drag) return;
    if (this.overlay.hasPointerCapture(e.pointerId))
      this.overlay.releasePointerCapture(e.pointerId);
    const frame = this.frame();
    if (drag.kind === "pan") {
      if (drag.view !== this.view) this.on.view(this.view);
    } else if (drag.kind === "box") {
      const end = this.local(e);
      const xa = frame.pxToX(drag.start[0]);
      const xb = frame.pxToX(end[0]);
      const ya = frame.pxToY(drag.start[1]);
      const yb = frame.pxToY(end[1]);
      if (Math.abs(end[0] - drag.start[0]) > 2 && Math.abs(end[1] - drag.start[1]) > 2)
        this.on.box(Math.min(xa, xb), Math.max(xa, xb), Math.min(ya, yb), Math.max(ya, yb));
    } else if (drag.path.length >= 3) {
      this.on.lasso(drag.path.map(([px, py]) => [frame.pxToX(px), frame.pxToY(py)]));
    }
    this.draw();
  }

  private wheel(e: WheelEvent): void {
    e.preventDefault();
    const frame = this.frame();
    const [px, py] = this.local(e);
    const factor = e.deltaY > 0 ? ZOOM_STEP : 1 / ZOOM_STEP;
    this.view = zoomView(this.view, factor, frame.pxToX(px), frame.pxToY(py));
    this.draw();
    this.on.view(this.view);
  }

  private hoverAt(at: [number, number]): void {
    if (this.hoverRequest) cancelAnimationFrame(this.hoverRequest);
    // One search a frame: the pointer reports moves faster than anyone reads them.
    this.hoverRequest = requestAnimationFrame(() => {
      this.hoverRequest = 0;
      this.setHover(this.showDensity ? null : this.nearest(at));
    });
  }

  /** The drawn point nearest to `at` (CSS pixels of the plot area) within a few pixels, selected first. */
  nearest(at: [number, number]): Hit | null {
    const frame = this.frame();
    const v = this.view;
    const sx = frame.width / (v.x1 - v.x0);
    const sy = frame.height / (v.y1 - v.y0);
    const mx = frame.pxToX(at[0]);
    const my = frame.pxToY(at[1]);
    let best = -1;
    let bestD = (HOVER_PX + this.size / 2) ** 2;
    for (let i = 0; i < this.xs.length; i++) {
      const dx = (this.xs[i]! - mx) * sx;
      const dy = (this.ys[i]! - my) * sy;
      const d = dx * dx + dy * dy;
      if (d < bestD || (d === bestD && this.vertexSelected[i])) {
        best = i;
        bestD = d;
      }
    }
    if (best < 0) return null;
    return {
      row: this.rowOf[best]!,
      series: this.seriesOf[best]!,
      px: frame.xToPx(this.xs[best]!),
      py: frame.yToPx(this.ys[best]!),
    };
  }

  private setHover(hit: Hit | null): void {
    if (hit?.row === this.lastHover?.row && hit?.series === this.lastHover?.series) return;
    this.lastHover = hit;
    this.on.hover(hit);
  }
}

function finiteMiddle(values: Float64Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? (lo + hi) / 2 : 0;
}

/** Draws a density image where its extent falls in `frame` (flipped as reversed axes ask). */
function drawImageAt(
  ctx: CanvasRenderingContext2D,
  frame: Frame,
  image: DensityImage,
  alpha: number,
): void {
  const left = frame.xToPx(image.x0);
  const right = frame.xToPx(image.x1);
  const top = frame.yToPx(image.y1);
  const bottom = frame.yToPx(image.y0);
  ctx.save();
  ctx.globalAlpha = alpha;
  // A negative scale flips the image on a reversed axis.
  ctx.translate(left, top);
  ctx.scale((right - left) / image.canvas.width, (bottom - top) / image.canvas.height);
  ctx.drawImage(image.canvas, 0, 0);
  ctx.restore();
}
