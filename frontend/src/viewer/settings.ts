// How the picture is drawn, as the toolbar sets it and the layout saves it: stretch, cuts,
// colormap, contrast/bias and the choice of client rendering.
import type { Description, ImageTileState } from "../protocol";
import { COLORMAPS, CUSTOM_CMAP, DEFAULT_CMAP, DEFAULT_LIMITS, DEFAULT_STRETCH } from "./options";
import { NEUTRAL_CONTRAST_BIAS, type ContrastBias } from "./stretch";
import type { ToolbarHandlers, ToolbarModel } from "./templates";
import type { DataParams, RenderParams } from "./pyramid-tiles";

export interface DisplaySettings {
  stretch: string;
  /** A cuts method of `Description.cuts`, or "user" for `userLo`/`userHi`. */
  limits: string;
  userLo: number;
  userHi: number;
  cmap: string;
  /** The colormap is typed in rather than chosen in the select. */
  cmapCustom: boolean;
  invert: boolean;
  /** The user's choice; null: the default (on for single-band images). */
  clientRender: boolean | null;
  contrast: number;
  bias: number;
}

export const DEFAULT_SETTINGS: DisplaySettings = {
  stretch: DEFAULT_STRETCH,
  limits: DEFAULT_LIMITS,
  userLo: 0,
  userHi: 1,
  cmap: DEFAULT_CMAP,
  cmapCustom: false,
  invert: false,
  clientRender: null,
  contrast: NEUTRAL_CONTRAST_BIAS.contrast,
  bias: NEUTRAL_CONTRAST_BIAS.bias,
};

export function contrastBiasOf(s: DisplaySettings): ContrastBias {
  return { contrast: s.contrast, bias: s.bias };
}

/** The cuts in use: the user's, else the description's by method, else min/max, else [0, 1]. */
export function shownLimits(s: DisplaySettings, d: Description | null): [number, number] {
  if (s.limits === "user") return [s.userLo, s.userHi];
  const cuts = d?.cuts ?? {};
  return cuts[s.limits] ?? cuts["minmax"] ?? Object.values(cuts)[0] ?? [0, 1];
}

/** The settings with a cuts method that `d` offers (the default one, else its first). */
export function limitsFor(s: DisplaySettings, d: Description): DisplaySettings {
  if (s.limits in d.cuts || s.limits === "user") return s;
  return {
    ...s,
    limits: DEFAULT_LIMITS in d.cuts ? DEFAULT_LIMITS : (Object.keys(d.cuts)[0] ?? "user"),
  };
}

/** The server's rendering of `d` with these settings (before contrast/bias). */
export function renderParamsOf(d: Description, s: DisplaySettings): RenderParams {
  const [lo, hi] = shownLimits(s, d);
  return {
    path: d.path,
    hdu: d.hdu,
    plane: d.plane,
    stretch: s.stretch,
    lo,
    hi,
    cmap: s.cmap,
    invert: s.invert,
    identity: d.identity,
    format: "png",
    preview: d.preview === true,
  };
}

export function dataParamsOf(d: Description): DataParams {
  return {
    path: d.path,
    hdu: d.hdu,
    plane: d.plane,
    identity: d.identity,
    preview: d.preview === true,
  };
}

/** The settings part of the state the layout saves. */
export function savedSettings(s: DisplaySettings): ImageTileState {
  const state: ImageTileState = {
    stretch: s.stretch,
    limits: s.limits,
    cmap: s.cmap,
    invert: s.invert,
    contrast: s.contrast,
    bias: s.bias,
  };
  if (s.clientRender !== null) state.clientRender = s.clientRender;
  if (s.limits === "user") {
    state.lo = s.userLo;
    state.hi = s.userHi;
  }
  return state;
}

/** The settings a saved state asks for; what it leaves out, or gets wrong, stays as it was. */
export function restoredSettings(s: DisplaySettings, state: ImageTileState): DisplaySettings {
  const next = { ...s };
  if (state.stretch) next.stretch = state.stretch;
  if (state.limits) next.limits = state.limits;
  if (typeof state.lo === "number") next.userLo = state.lo;
  if (typeof state.hi === "number") next.userHi = state.hi;
  if (state.cmap) {
    next.cmap = state.cmap;
    next.cmapCustom = !COLORMAPS.includes(state.cmap);
  }
  if (typeof state.invert === "boolean") next.invert = state.invert;
  if (typeof state.contrast === "number" && state.contrast > 0) next.contrast = state.contrast;
  if (typeof state.bias === "number" && Number.isFinite(state.bias)) next.bias = state.bias;
  if (typeof state.clientRender === "boolean") next.clientRender = state.clientRender;
  return next;
}

/** The settings part of the toolbar's model. */
export function settingsModel(
  s: DisplaySettings,
  d: Description | null,
): Pick<
  ToolbarModel,
  | "stretch"
  | "limits"
  | "shownLimits"
  | "userLo"
  | "userHi"
  | "cmap"
  | "cmapCustom"
  | "invert"
  | "clientRender"
  | "contrast"
  | "bias"
> {
  return {
    stretch: s.stretch,
    limits: s.limits,
    shownLimits: shownLimits(s, d),
    userLo: s.userLo,
    userHi: s.userHi,
    cmap: s.cmap,
    cmapCustom: s.cmapCustom,
    invert: s.invert,
    clientRender: s.clientRender ?? true,
    contrast: s.contrast,
    bias: s.bias,
  };
}

export type SettingsHandlers = Pick<
  ToolbarHandlers,
  | "stretch"
  | "limits"
  | "userLimit"
  | "cmapSelect"
  | "cmapText"
  | "invert"
  | "clientRender"
  | "resetContrast"
>;

/**
 * The toolbar's handlers that change the settings. `set` receives the new settings, with
 * `redraw` false when the picture stays as it is.
 */
export function settingsHandlers(
  get: () => DisplaySettings,
  description: () => Description | null,
  set: (settings: DisplaySettings, redraw: boolean) => void,
): SettingsHandlers {
  const change = (patch: Partial<DisplaySettings>): void => set({ ...get(), ...patch }, true);
  return {
    stretch: (e) => change({ stretch: (e.target as HTMLSelectElement).value }),
    limits: (e) => {
      const limits = (e.target as HTMLSelectElement).value;
      const s = get();
      if (limits === "user" && s.limits !== "user") {
        // Start the user's limits from what is shown now.
        const [userLo, userHi] = shownLimits(s, description());
        change({ limits, userLo, userHi });
      } else change({ limits });
    },
    userLimit: (which, e) => {
      const value = Number((e.target as HTMLInputElement).value);
      if (!Number.isFinite(value)) return;
      change(which === "lo" ? { userLo: value } : { userHi: value });
    },
    cmapSelect: (e) => {
      const value = (e.target as HTMLSelectElement).value;
      if (value === CUSTOM_CMAP) set({ ...get(), cmapCustom: true }, false);
      else change({ cmapCustom: false, cmap: value });
    },
    cmapText: (e) => {
      const value = (e.target as HTMLInputElement).value.trim();
      if (!value || value === get().cmap) return;
      change({ cmap: value, cmapCustom: !COLORMAPS.includes(value) });
    },
    invert: (e) => change({ invert: (e.target as HTMLInputElement).checked }),
    clientRender: (e) => change({ clientRender: (e.target as HTMLInputElement).checked }),
    resetContrast: () => change({ ...NEUTRAL_CONTRAST_BIAS }),
  };
}
