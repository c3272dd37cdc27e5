// The image viewer's toolbar and panels as templates of plain data: the element keeps the state
// and the handlers, these only draw.
import { html, nothing, type TemplateResult } from "lit";

import type { Description, HduInfo } from "../protocol";
import { formatValue } from "../util";
import { COLORMAPS, CUSTOM_CMAP, LIMITS, MORE_COLORMAPS, STRETCHES } from "./options";
import { hduLabel, orderedHdus } from "./hdus";
import { MAX_FPS, planeAxesLabel } from "./cube";

export { hduLabel } from "./hdus";

export interface Readout {
  /** 1-based FITS pixel. */
  x: number;
  y: number;
  /** null while the server's answer is on its way. */
  value: string | null;
  world: string | null;
  /** Mosaics: which CCD and which pixel in it. */
  ccd?: string | null;
}

export interface PrerenderState {
  running: boolean;
  jobId: number | null;
  done: number;
  total: number;
  message: string;
  outcome: "ok" | "error" | null;
}

export interface ToolbarModel {
  /** Unique per viewer: names the colormap datalist. */
  uid: number;
  description: Description | null;
  hdu: HduInfo | null;
  hasImage: boolean;
  stretch: string;
  limits: string;
  /** The limits in use, whatever their method. */
  shownLimits: [number, number];
  userLo: number;
  userHi: number;
  cmap: string;
  cmapCustom: boolean;
  invert: boolean;
  prerendering: boolean;
  playing: boolean;
  fps: number;
  /** Client rendering asked for, and whether it is what draws the tiles now. */
  clientRender: boolean;
  clientRenderActive: boolean;
  /** Why client rendering cannot be used for this image (null: it can). */
  clientRenderBlocked: string | null;
  contrastTool: boolean;
  contrast: number;
  bias: number;
}

export interface ToolbarHandlers {
  hdu: (event: Event) => void;
  plane: (event: Event) => void;
  stretch: (event: Event) => void;
  limits: (event: Event) => void;
  userLimit: (which: "lo" | "hi", event: Event) => void;
  cmapSelect: (event: Event) => void;
  cmapText: (event: Event) => void;
  invert: (event: Event) => void;
  play: () => void;
  fps: (event: Event) => void;
  clientRender: (event: Event) => void;
  contrastTool: () => void;
  resetContrast: () => void;
  fit: () => void;
  actualSize: () => void;
  header: () => void;
  prerender: () => void;
}

export function toolbarTemplate(m: ToolbarModel, on: ToolbarHandlers): TemplateResult {
  const d = m.description;
  const hdu = m.hdu;
  const datalistId = `toyz-cmaps-${m.uid}`;
  const cmapInList = COLORMAPS.includes(m.cmap) && !m.cmapCustom;
  const [lo, hi] = m.shownLimits;
  return html`
    <label class="field" title="Header data unit">
      <span>HDU</span>
      <select data-testid="hdu" ?disabled=${!d || d.hdus.length < 2} @change=${on.hdu}>
        ${
          d
            ? orderedHdus(d.hdus).map(
                (h) =>
                  html`<option
                    value=${h.index}
                    ?selected=${h.index === d.hdu}
                    ?disabled=${h.problem !== null}
                    title=${h.problem ?? ""}
                  >${hduLabel(h, d.hdus)}</option>`,
              )
            : html`<option>—</option>`
        }
      </select>
    </label>
    ${hdu && hdu.planes > 1 ? cubeTemplate(m, on) : nothing}
    <label class="field">
      <span>stretch</span>
      <select data-testid="stretch" @change=${on.stretch}>
        ${STRETCHES.map((s) => html`<option value=${s} ?selected=${s === m.stretch}>${s}</option>`)}
      </select>
    </label>
    <label
      class="field"
      title=${m.limits === "user" ? "" : `${formatValue(lo)} … ${formatValue(hi)}`}
    >
      <span>limits</span>
      <select data-testid="limits" @change=${on.limits}>
        ${LIMITS.map(
          (l) =>
            html`<option
              value=${l.value}
              ?selected=${l.value === m.limits}
              ?disabled=${d !== null && l.value !== "user" && !(l.value in d.cuts)}
            >${l.label}</option>`,
        )}
      </select>
    </label>
    ${
      m.limits === "user"
        ? html`<span class="field">
            <input
              class="num"
              type="number"
              step="any"
              data-testid="lo"
              title="Lower limit"
              .value=${String(m.userLo)}
              @change=${(e: Event) => on.userLimit("lo", e)}
            />
            <input
              class="num"
              type="number"
              step="any"
              data-testid="hi"
              title="Upper limit"
              .value=${String(m.userHi)}
              @change=${(e: Event) => on.userLimit("hi", e)}
            />
          </span>`
        : nothing
    }
    <label class="field">
      <span>cmap</span>
      <select data-testid="cmap" @change=${on.cmapSelect}>
        ${COLORMAPS.map((c) => html`<option value=${c} ?selected=${cmapInList && c === m.cmap}>${c}</option>`)}
        <option value=${CUSTOM_CMAP} ?selected=${!cmapInList}>other…</option>
      </select>
    </label>
    ${
      !cmapInList
        ? html`<input
              class="cmap-text"
              type="text"
              list=${datalistId}
              data-testid="cmap-custom"
              placeholder="matplotlib name"
              spellcheck="false"
              .value=${m.cmap}
              @change=${on.cmapText}
            />
            <datalist id=${datalistId}>
              ${[...COLORMAPS, ...MORE_COLORMAPS].map((c) => html`<option value=${c}></option>`)}
            </datalist>`
        : nothing
    }
    <label class="field check">
      <input type="checkbox" data-testid="invert" .checked=${m.invert} @change=${on.invert} />
      <span>invert</span>
    </label>
    <label
      class="field check"
      title=${
        m.clientRenderBlocked ??
        "Draw the image in the browser from float tiles: stretch, limits and colours change without asking the server"
      }
    >
      <input
        type="checkbox"
        data-testid="client-render"
        data-active=${m.clientRenderActive ? "true" : "false"}
        .checked=${m.clientRender && m.clientRenderBlocked === null}
        ?disabled=${m.clientRenderBlocked !== null}
        @change=${on.clientRender}
      />
      <span>client render</span>
    </label>
    <span class="field contrast-tools">
      <button
        data-testid="contrast-tool"
        class=${m.contrastTool ? "active" : ""}
        aria-pressed=${m.contrastTool ? "true" : "false"}
        title="Drag on the image to change contrast (up/down) and bias (left/right); the right mouse button does it too"
        ?disabled=${!m.hasImage}
        @click=${on.contrastTool}
      >
        Contrast
      </button>
      <button
        data-testid="contrast-reset"
        title=${`Reset contrast (${m.contrast.toFixed(2)}) and bias (${m.bias.toFixed(2)})`}
        ?disabled=${m.contrast === 1 && m.bias === 0.5}
        @click=${on.resetContrast}
      >
        Reset
      </button>
    </span>
    <span class="toolbar-spacer"></span>
    <button
      data-testid="fit"
      title="Fit the image in the view"
      ?disabled=${!m.hasImage}
      @click=${on.fit}
    >
      Fit
    </button>
    <button
      data-testid="zoom-1"
      title="One image pixel per screen pixel"
      ?disabled=${!m.hasImage}
      @click=${on.actualSize}
    >
      1:1
    </button>
    <button data-testid="header" ?disabled=${!d} @click=${on.header}>Header</button>
    <button
      data-testid="prerender"
      title="Render every tile of this HDU now, so that browsing it is fast"
      ?disabled=${!m.hasImage}
      @click=${on.prerender}
    >
      ${m.prerendering ? "Cancel pre-render" : "Pre-render"}
    </button>
  `;
}

/** While the slider moves, its number follows (the plane changes on release). */
function showSliderPlane(event: Event): void {
  const slider = event.target as HTMLInputElement;
  const number = slider.parentElement?.querySelector<HTMLInputElement>("input[data-testid=plane]");
  if (number) number.value = slider.value;
}

function cubeTemplate(m: ToolbarModel, on: ToolbarHandlers): TemplateResult {
  const hdu = m.hdu;
  const planes = hdu?.planes ?? 1;
  const plane = m.description?.plane ?? 0;
  const axes = hdu ? planeAxesLabel(hdu.shape, plane) : null;
  return html`<span class="field cube" title="Plane of the cube (0-based)">
    <span>plane</span>
    <input
      class="plane-slider"
      type="range"
      data-testid="plane-slider"
      min="0"
      max=${planes - 1}
      step="1"
      .value=${String(plane)}
      @input=${showSliderPlane}
      @change=${on.plane}
    />
    <input
      class="num small"
      type="number"
      data-testid="plane"
      min="0"
      max=${planes - 1}
      step="1"
      .value=${String(plane)}
      @change=${on.plane}
    />
    <span class="muted">/ ${planes}</span>
    ${axes ? html`<span class="muted plane-axes" data-testid="plane-axes">${axes}</span>` : nothing}
    <button
      data-testid="play"
      data-playing=${m.playing ? "true" : "false"}
      title=${m.playing ? "Pause" : "Play the planes"}
      @click=${on.play}
    >
      ${m.playing ? "❚❚" : "▶"}
    </button>
    <input
      class="num small"
      type="number"
      data-testid="fps"
      title="Frames per second (slower when the tiles take longer)"
      min="0.1"
      max=${MAX_FPS}
      step="any"
      .value=${String(m.fps)}
      @change=${on.fps}
    />
    <span class="muted">fps</span>
  </span>`;
}

export function prerenderTemplate(p: PrerenderState, dismiss: () => void): TemplateResult {
  const fraction = p.total > 0 ? p.done / p.total : 0;
  return html`<div
    class="viewer-prerender ${p.outcome ?? "running"}"
    data-testid="prerender-status"
  >
    ${
      p.running && p.total === 0
        ? html`<progress data-testid="prerender-progress"></progress>`
        : p.running || p.outcome === "ok"
          ? html`<progress
              data-testid="prerender-progress"
              max="1"
              .value=${p.outcome === "ok" ? 1 : fraction}
            ></progress>`
          : nothing
    }
    <span class="prerender-message">
      ${p.message}${p.running && p.total > 0 ? ` (${p.done} / ${p.total})` : ""}
    </span>
    ${p.running ? nothing : html`<button class="icon-button" title="Dismiss" @click=${dismiss}>×</button>`}
  </div>`;
}

export function errorBannerTemplate(
  error: string | null,
  dismiss: () => void,
): TemplateResult | typeof nothing {
  if (!error) return nothing;
  return html`<div class="viewer-banner error" role="alert" data-testid="error">
    <span>${error}</span>
    <button class="icon-button" title="Dismiss" @click=${dismiss}>×</button>
  </div>`;
}

/** The status line: the readout, pyramid tiles still loading, the image's size (`hdu` when shown). */
export function statusTemplate(
  readout: Readout | null,
  hdu: HduInfo | null,
  pyramidTilesLoading: number,
): TemplateResult {
  return html`<div class="viewer-status">
    <span class="readout" data-testid="readout">${readoutTemplate(readout, hdu !== null)}</span>
    <span class="viewer-status-right">
      ${
        pyramidTilesLoading > 0
          ? html`<span class="pyramid-tiles-loading" data-testid="pyramid-tiles-loading"
              >loading ${pyramidTilesLoading} tile${pyramidTilesLoading === 1 ? "" : "s"}</span
            >`
          : nothing
      }
      ${
        hdu
          ? html`<span class="dims"
              >${hdu.width} × ${hdu.height}${hdu.planes > 1 ? ` × ${hdu.planes}` : ""}</span
            >`
          : nothing
      }
    </span>
  </div>`;
}

export function readoutTemplate(r: Readout | null, hasImage: boolean): TemplateResult | string {
  if (!r) return hasImage ? "Point at the image to read pixel values." : "";
  return html`<span data-testid="readout-xy">x ${r.x}, y ${r.y}</span>
    <span data-testid="readout-value" class="value"
      >${r.value === null ? "…" : `value ${r.value}`}</span
    >
    ${r.world ? html`<span data-testid="readout-world" class="world">${r.world}</span>` : nothing}
    ${r.ccd ? html`<span data-testid="readout-ccd" class="ccd">${r.ccd}</span>` : nothing}`;
}

export function headerDialogTemplate(
  d: Description | null,
  filter: string,
  setFilter: (text: string) => void,
): TemplateResult {
  const needle = filter.trim().toLowerCase();
  const cards = d?.header ?? [];
  const shown = needle ? cards.filter((c) => c.toLowerCase().includes(needle)) : cards;
  return html`<dialog class="header-dialog" data-testid="header-dialog">
    <div class="dialog-head">
      <strong>${d ? `${d.name} — HDU ${d.hdu}` : "Header"}</strong>
      <input
        type="search"
        placeholder="Filter cards"
        .value=${filter}
        @input=${(e: Event) => setFilter((e.target as HTMLInputElement).value)}
      />
      <form method="dialog"><button data-testid="header-close">Close</button></form>
    </div>
    <pre class="header-cards" data-testid="header-cards">${shown.join("\n")}</pre>
  </dialog>`;
}
