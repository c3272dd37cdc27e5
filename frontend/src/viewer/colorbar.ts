// The colorbar under the map: the colormap along the stretched scale, labelled in data units.
import {
  html,
  nothing,
  type ReactiveController,
  type ReactiveControllerHost,
  type TemplateResult,
} from "lit";
import { ref } from "lit/directives/ref.js";

import { formatValue } from "../util";
import { colorbarPixels, colorbarTicks, type ContrastBias } from "./stretch";

/** Width in pixels of the bar's canvas (CSS stretches it). */
export const COLORBAR_PIXELS = 256;

export interface ColorbarModel {
  /** The packed palette (inversion applied), null while it loads. */
  palette: Uint32Array | null;
  /** Contrast/bias the bar shows (neutral when the server draws the pyramid tiles). */
  contrastBias: ContrastBias;
  lo: number;
  hi: number;
  stretch: string;
}

/** What the canvas shows, to repaint it only when that changes. */
export function colorbarSignature(m: ColorbarModel): string {
  return m.palette
    ? `${m.palette.length}:${m.palette[0]}:${m.palette[m.palette.length >> 1]}:${m.palette[m.palette.length - 1]}:${m.contrastBias.contrast}:${m.contrastBias.bias}`
    : "";
}

export function paintColorbar(canvas: HTMLCanvasElement, m: ColorbarModel): void {
  if (!m.palette) return;
  canvas.width = COLORBAR_PIXELS;
  canvas.height = 1;
  const image = new ImageData(COLORBAR_PIXELS, 1);
  new Uint32Array(image.data.buffer).set(
    colorbarPixels(m.palette, m.contrastBias, COLORBAR_PIXELS),
  );
  canvas.getContext("2d")?.putImageData(image, 0, 0);
}

/** Repaints the colorbar's canvas after each update of its host, if what it shows changed. */
export class ColorbarPainter implements ReactiveController {
  private painted = "";

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly model: () => ColorbarModel | null,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const model = this.model();
    const canvas = this.host.querySelector<HTMLCanvasElement>("canvas.colorbar-canvas");
    if (!model || !canvas) {
      this.painted = "";
      return;
    }
    const signature = colorbarSignature(model);
    if (signature && signature !== this.painted) {
      paintColorbar(canvas, model);
      this.painted = signature;
    }
  }
}

/** Positions a tick through the CSSOM: the Content-Security-Policy refuses style="" (even lit's styleMap
 * writes the attribute on its first render). */
function placeAt(position: number): (element?: Element) => void {
  return (element) => {
    if (element instanceof HTMLElement) element.style.left = `${(position * 100).toFixed(2)}%`;
  };
}

export function colorbarTemplate(m: ColorbarModel | null): TemplateResult | typeof nothing {
  if (!m) return nothing;
  const ticks = colorbarTicks(m.lo, m.hi, m.stretch);
  const last = ticks.length - 1;
  const mid = last % 2 === 0 ? last / 2 : -1;
  return html`<div
    class="viewer-colorbar"
    data-testid="colorbar"
    data-lo=${m.lo}
    data-hi=${m.hi}
    data-stretch=${m.stretch}
  >
    <canvas class="colorbar-canvas" data-testid="colorbar-canvas"></canvas>
    <div class="colorbar-ticks">
      ${ticks.map((t, i) => {
        const which = i === 0 ? "lo" : i === last ? "hi" : i === mid ? "mid" : "tick";
        return html`<span
          class="colorbar-tick ${which}"
          data-testid=${`colorbar-${which}`}
          data-position=${t.position}
          data-value=${t.value}
          ${ref(placeAt(t.position))}
          >${formatValue(t.value)}</span
        >`;
      })}
    </div>
  </div>`;
}
