// Client-side rendering of float pyramid tiles: the server's stretches (astropy's, with the same
// parameters), DS9's contrast/bias, and lookup tables from normalised values to RGBA pixels.
// Pure functions, no DOM: unit-tested in Node.

/** Stretches the client can draw itself; `histeq` needs the server's sample quantiles. */
export const CLIENT_STRETCHES = [
  "linear",
  "log",
  "sqrt",
  "squared",
  "asinh",
  "power",
  "sinh",
] as const;

export type ClientStretch = (typeof CLIENT_STRETCHES)[number];

export function isClientStretch(name: string): name is ClientStretch {
  return (CLIENT_STRETCHES as readonly string[]).includes(name);
}

// astropy.visualization defaults, as the server uses them (workers/imaging/render.py).
const LOG_A = 1000;
const ASINH_A = 0.1;
const POWER_A = 1000;
const SINH_A = 1 / 3;

/**
 * The stretch `name` of a normalised value `x` in [0, 1] → [0, 1].
 *
 * log: log(a x + 1) / log(a + 1), a = 1000; asinh: asinh(x / a) / asinh(1 / a), a = 0.1;
 * power (DS9 "pow"): (a^x − 1) / (a − 1), a = 1000; sinh: sinh(x / a) / sinh(1 / a), a = 1/3.
 */
export function stretchValue(name: ClientStretch, x: number): number {
  switch (name) {
    case "linear":
      return x;
    case "log":
      return Math.log(LOG_A * x + 1) / Math.log(LOG_A + 1);
    case "sqrt":
      return Math.sqrt(Math.max(x, 0));
    case "squared":
      return x * x;
    case "asinh":
      return Math.asinh(x / ASINH_A) / Math.asinh(1 / ASINH_A);
    case "power":
      return (Math.pow(POWER_A, x) - 1) / (POWER_A - 1);
    case "sinh":
      return Math.sinh(x / SINH_A) / Math.sinh(1 / SINH_A);
  }
}

/** The inverse of `stretchValue`: the normalised value whose stretch is `y`. */
export function inverseStretch(name: ClientStretch, y: number): number {
  switch (name) {
    case "linear":
      return y;
    case "log":
      return (Math.pow(LOG_A + 1, y) - 1) / LOG_A;
    case "sqrt":
      return y * y;
    case "squared":
      return Math.sqrt(Math.max(y, 0));
    case "asinh":
      return ASINH_A * Math.sinh(y * Math.asinh(1 / ASINH_A));
    case "power":
      return Math.log(y * (POWER_A - 1) + 1) / Math.log(POWER_A);
    case "sinh":
      return SINH_A * Math.asinh(y * Math.sinh(1 / SINH_A));
  }
}

/** DS9's contrast and bias: identity at contrast 1, bias ½. */
export interface ContrastBias {
  contrast: number;
  bias: number;
}

export const NEUTRAL_CONTRAST_BIAS: ContrastBias = { contrast: 1, bias: 0.5 };

export function isNeutral(cb: ContrastBias): boolean {
  return cb.contrast === 1 && cb.bias === 0.5;
}

/** Contrast/bias of a stretched value, as DS9 applies it to its colormap: (s − bias)·contrast + ½. */
export function applyContrastBias(s: number, cb: ContrastBias): number {
  const v = (s - cb.bias) * cb.contrast + 0.5;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/**
 * Limits that show contrast/bias with a server that knows only lo/hi: the values whose
 * stretched positions contrast/bias sends to 0 and 1. Exact for the linear stretch; for the
 * others the end points are right and the curve in between is the plain stretch's.
 */
export function effectiveLimits(
  lo: number,
  hi: number,
  stretch: string,
  cb: ContrastBias,
): [number, number] {
  if (isNeutral(cb) || !(cb.contrast > 0)) return [lo, hi];
  const toData = (s: number): number => {
    // Outside [0, 1] the stretch has no inverse everywhere: continue along its chord.
    const x = s >= 0 && s <= 1 && isClientStretch(stretch) ? inverseStretch(stretch, s) : s;
    return lo + (hi - lo) * x;
  };
  const half = 0.5 / cb.contrast;
  return [toData(cb.bias - half), toData(cb.bias + half)];
}

/** Number of entries of the normalised-value lookup table (16 bits: < 0.3 palette steps of error). */
export const LUT_SIZE = 65536;

/** Palette colours as the server has them: 255 RGB triples (`/api/imaging/colormap`). */
export type Colors = readonly (readonly number[])[];

function packRgba(r: number, g: number, b: number, a: number): number {
  // ImageData bytes are R, G, B, A; read as little-endian 32-bit words.
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** The 255 colours as packed opaque pixels, reversed for an inverted colormap. */
export function packPalette(colors: Colors, invert: boolean): Uint32Array {
  const n = colors.length;
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const c = colors[invert ? n - 1 - i : i] ?? [0, 0, 0];
    out[i] = packRgba(c[0] ?? 0, c[1] ?? 0, c[2] ?? 0, 255);
  }
  return out;
}

/**
 * The palette index (0 … n − 1) of a normalised value x ∈ [0, 1], as the server computes it
 * (rint of the clipped stretch times n − 1), then moved by contrast/bias.
 */
export function paletteIndex(
  x: number,
  stretch: ClientStretch,
  cb: ContrastBias,
  colorCount: number,
): number {
  const clipped = x < 0 ? 0 : x > 1 ? 1 : x;
  let s = stretchValue(stretch, clipped);
  s = s < 0 ? 0 : s > 1 ? 1 : s;
  if (!isNeutral(cb)) s = applyContrastBias(s, cb);
  return Math.round(s * (colorCount - 1));
}

/** A lookup table from x·(LUT_SIZE − 1) (x normalised, clipped) to packed RGBA pixels. */
export function buildLut(
  stretch: ClientStretch,
  cb: ContrastBias,
  palette: Uint32Array,
): Uint32Array {
  const lut = new Uint32Array(LUT_SIZE);
  const n = palette.length;
  for (let i = 0; i < LUT_SIZE; i++) {
    lut[i] = palette[paletteIndex(i / (LUT_SIZE - 1), stretch, cb, n)] ?? 0;
  }
  return lut;
}

/** What one client rendering needs, besides the data. */
export interface ClientRender {
  lo: number;
  hi: number;
  lut: Uint32Array;
  /** lo === hi: below, equal and above map to these three packed pixels. */
  step: [number, number, number];
}

export function clientRender(
  lo: number,
  hi: number,
  stretch: ClientStretch,
  cb: ContrastBias,
  palette: Uint32Array,
): ClientRender {
  const lut = buildLut(stretch, cb, palette);
  return {
    lo,
    hi,
    lut,
    step: [lut[0] ?? 0, lut[LUT_SIZE >> 1] ?? 0, lut[LUT_SIZE - 1] ?? 0],
  };
}

/**
 * Paints float values into packed RGBA pixels (same order). NaN and ±inf are transparent;
 * lo > hi inverts, lo === hi draws a step, as on the server.
 */
export function paintValues(data: Float32Array, r: ClientRender, out: Uint32Array): void {
  const { lo, hi, lut, step } = r;
  const n = Math.min(data.length, out.length);
  if (hi === lo) {
    for (let i = 0; i < n; i++) {
      const v = data[i]!;
      out[i] = v - v !== 0 ? 0 : v > lo ? step[2] : v < lo ? step[0] : step[1];
    }
    return;
  }
  const top = LUT_SIZE - 1;
  const scale = top / (hi - lo);
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    // v - v is NaN for NaN and ±inf.
    if (v - v !== 0) {
      out[i] = 0;
      continue;
    }
    let t = (v - lo) * scale;
    t = t < 0 ? 0 : t > top ? top : t;
    out[i] = lut[(t + 0.5) | 0]!;
  }
}

/** A tick of the colorbar: its position along the bar (0 … 1) and the data value there. */
export interface ColorbarTick {
  position: number;
  value: number;
}

/**
 * Ticks at evenly spaced positions of the bar; the value under each comes from inverting the
 * stretch. Stretches the client cannot invert (histeq) get only their ends.
 */
export function colorbarTicks(lo: number, hi: number, stretch: string, count = 5): ColorbarTick[] {
  if (!isClientStretch(stretch) || count < 2) {
    return [
      { position: 0, value: lo },
      { position: 1, value: hi },
    ];
  }
  const ticks: ColorbarTick[] = [];
  for (let i = 0; i < count; i++) {
    const position = i / (count - 1);
    ticks.push({ position, value: lo + (hi - lo) * inverseStretch(stretch, position) });
  }
  return ticks;
}

/**
 * The colorbar's pixels, `width` of them from left to right: the bar runs along the stretched
 * scale, so only contrast/bias changes its colours (as DS9's colorbar does).
 */
export function colorbarPixels(palette: Uint32Array, cb: ContrastBias, width: number): Uint32Array {
  const out = new Uint32Array(width);
  const n = palette.length;
  for (let i = 0; i < width; i++) {
    const s = width > 1 ? i / (width - 1) : 0;
    const shown = isNeutral(cb) ? s : applyContrastBias(s, cb);
    out[i] = palette[Math.round(shown * (n - 1))] ?? 0;
  }
  return out;
}
