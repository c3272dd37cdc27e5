// DS9's contrast/bias drag: the right mouse button (or the left one with the contrast tool)
// drags bias horizontally and contrast vertically, before OpenLayers sees the pointer. With
// server rendering, a sketch of the pyramid tile under the centre follows the drag ("preview" is
// the mosaic's word: docs/glossary.md).
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from "lit";

import { fetchRaw, paintToImageData } from "./raw-pyramid-source";
import type { ClientRender, ContrastBias } from "./stretch";

export const MIN_CONTRAST = 0.05;
export const MAX_CONTRAST = 20;

/**
 * Contrast/bias after a drag of (dx, dy) CSS pixels over a view of `width` × `height` from
 * `start`: the whole width moves bias by 1, the whole height multiplies contrast by 16 (up
 * raises it).
 */
export function draggedContrastBias(
  start: ContrastBias,
  dx: number,
  dy: number,
  width: number,
  height: number,
): ContrastBias {
  const bias = start.bias + dx / Math.max(width, 1);
  const contrast = start.contrast * Math.pow(16, -dy / Math.max(height, 1));
  return {
    bias: Math.round(Math.min(1.5, Math.max(-0.5, bias)) * 1000) / 1000,
    contrast: Math.round(Math.min(MAX_CONTRAST, Math.max(MIN_CONTRAST, contrast)) * 1000) / 1000,
  };
}

export interface ContrastDragHooks {
  /** May a drag start now (an image is shown)? */
  enabled(): boolean;
  /** The contrast tool is on: the left button drags contrast too. */
  toolActive(): boolean;
  current(): ContrastBias;
  start(): void;
  move(cb: ContrastBias): void;
  end(cb: ContrastBias): void;
}

export class ContrastDrag {
  private drag: {
    id: number;
    x: number;
    y: number;
    from: ContrastBias;
    last: ContrastBias;
  } | null = null;

  constructor(
    private readonly target: HTMLElement,
    private readonly hooks: ContrastDragHooks,
  ) {
    target.addEventListener("pointerdown", (e) => this.down(e), { capture: true });
    target.addEventListener("pointermove", (e) => this.moved(e), { capture: true });
    target.addEventListener("pointerup", (e) => this.up(e), { capture: true });
    target.addEventListener("pointercancel", (e) => this.up(e), { capture: true });
    target.addEventListener("contextmenu", (e) => {
      // The right button belongs to contrast/bias over an image.
      if (this.hooks.enabled()) e.preventDefault();
    });
  }

  get dragging(): boolean {
    return this.drag !== null;
  }

  private down(e: PointerEvent): void {
    if (this.drag || !this.hooks.enabled()) return;
    if (!(e.button === 2 || (e.button === 0 && this.hooks.toolActive()))) return;
    e.stopPropagation();
    e.preventDefault();
    const from = this.hooks.current();
    this.drag = { id: e.pointerId, x: e.clientX, y: e.clientY, from, last: from };
    try {
      this.target.setPointerCapture(e.pointerId);
    } catch {
      // synthetic events have no active pointer to capture
    }
    this.hooks.start();
  }

  private moved(e: PointerEvent): void {
    const d = this.drag;
    if (!d || e.pointerId !== d.id) return;
    e.stopPropagation();
    const box = this.target.getBoundingClientRect();
    d.last = draggedContrastBias(d.from, e.clientX - d.x, e.clientY - d.y, box.width, box.height);
    this.hooks.move(d.last);
  }

  private up(e: PointerEvent): void {
    const d = this.drag;
    if (!d || e.pointerId !== d.id) return;
    e.stopPropagation();
    this.drag = null;
    try {
      this.target.releasePointerCapture(e.pointerId);
    } catch {
      // already released
    }
    this.hooks.end(d.last);
  }
}

/**
 * The sketch shown while dragging contrast/bias over server-rendered pyramid tiles: one float
 * pyramid tile, painted here at every move, so that the server is asked only once the drag ends.
 */
export class ContrastSketch {
  private shown = false;
  private data: Float32Array | null = null;
  private seq = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    /** The client rendering of the current settings, null if the client cannot draw them. */
    private readonly render: () => Promise<ClientRender | null>,
  ) {}

  /** Shows the float pyramid tile at `url` (null: no sketch for this drag). */
  start(url: string | null): void {
    const seq = ++this.seq;
    this.data = null;
    if (!url) return;
    this.show(true);
    void fetchRaw(url).then(
      (data) => {
        if (seq !== this.seq || !this.shown) return;
        this.data = data;
        void this.paint();
      },
      () => {
        if (seq === this.seq) this.show(false);
      },
    );
  }

  /** Repaints the sketch with the current settings. */
  async paint(): Promise<void> {
    const data = this.data;
    if (!data) return;
    const render = await this.render();
    const canvas = this.host.querySelector<HTMLCanvasElement>("canvas.contrast-sketch");
    if (!render || !canvas || data !== this.data) return;
    canvas.width = data.length === 0 ? 0 : 256;
    canvas.height = 256;
    canvas.getContext("2d")?.putImageData(paintToImageData(data, render), 0, 0);
    // What a test waits on: the sketch shows the float pyramid tile.
    canvas.dataset["painted"] = "true";
  }

  end(): void {
    this.seq += 1;
    this.show(false);
    this.data = null;
  }

  template(cb: ContrastBias): TemplateResult | typeof nothing {
    if (!this.shown) return nothing;
    return html`<div class="contrast-sketch-box" data-testid="contrast-sketch">
      <canvas class="contrast-sketch"></canvas>
      <span>contrast ${cb.contrast.toFixed(2)} · bias ${cb.bias.toFixed(2)}</span>
    </div>`;
  }

  private show(shown: boolean): void {
    if (shown === this.shown) return;
    this.shown = shown;
    this.host.requestUpdate();
  }
}
