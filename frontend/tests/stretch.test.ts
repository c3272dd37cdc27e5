import { describe, expect, it } from "vitest";

import {
  CLIENT_STRETCHES,
  NEUTRAL_CONTRAST_BIAS,
  applyContrastBias,
  clientRender,
  colorbarPixels,
  colorbarTicks,
  effectiveLimits,
  inverseStretch,
  packPalette,
  paintValues,
  paletteIndex,
  stretchValue,
} from "../src/viewer/stretch";

// astropy.visualization's values at x = 0.1, 0.5, 0.9 (LogStretch(), AsinhStretch(), …).
const ASTROPY: Record<string, [number, number, number]> = {
  linear: [0.1, 0.5, 0.9],
  log: [0.66801047, 0.89981571, 0.98476578],
  sqrt: [0.31622777, 0.70710678, 0.9486833],
  squared: [0.01, 0.25, 0.81],
  asinh: [0.29396533, 0.77126964, 0.96505298],
  power: [9.96258574e-4, 3.065343e-2, 0.500687922],
  sinh: [0.03039769, 0.21254802, 0.73930481],
};

/** The packed opaque gray pixel of level v. */
const pixel = (v: number): number => ((255 << 24) | (v << 16) | (v << 8) | v) >>> 0;

/** A gray palette of 255 colours, as `/api/imaging/colormap?name=gray` sends it. */
const GRAY = Array.from({ length: 255 }, (_, i) => [i, i, i]);

describe("stretches", () => {
  it("match astropy's, with the server's parameters", () => {
    for (const name of CLIENT_STRETCHES) {
      const expected = ASTROPY[name]!;
      [0.1, 0.5, 0.9].forEach((x, i) => expect(stretchValue(name, x)).toBeCloseTo(expected[i]!, 7));
      expect(stretchValue(name, 0)).toBeCloseTo(0, 12);
      expect(stretchValue(name, 1)).toBeCloseTo(1, 12);
    }
  });

  it("invert exactly", () => {
    for (const name of CLIENT_STRETCHES) {
      for (const x of [0, 0.001, 0.2, 0.5, 0.77, 1]) {
        expect(inverseStretch(name, stretchValue(name, x))).toBeCloseTo(x, 9);
      }
    }
  });

  it("pick the palette index the server picks (rint of the stretch times 254)", () => {
    expect(paletteIndex(0.5, "linear", NEUTRAL_CONTRAST_BIAS, 255)).toBe(127);
    expect(paletteIndex(0.1, "log", NEUTRAL_CONTRAST_BIAS, 255)).toBe(Math.round(0.66801047 * 254));
    expect(paletteIndex(-3, "sqrt", NEUTRAL_CONTRAST_BIAS, 255)).toBe(0);
    expect(paletteIndex(7, "sqrt", NEUTRAL_CONTRAST_BIAS, 255)).toBe(254);
  });
});

describe("contrast and bias", () => {
  it("are the identity at contrast 1, bias ½, and stretch around the bias otherwise", () => {
    expect(applyContrastBias(0.3, NEUTRAL_CONTRAST_BIAS)).toBe(0.3);
    expect(applyContrastBias(0.5, { contrast: 4, bias: 0.5 })).toBe(0.5);
    expect(applyContrastBias(0.6, { contrast: 2, bias: 0.5 })).toBeCloseTo(0.7);
    expect(applyContrastBias(0.4, { contrast: 1, bias: 0.6 })).toBeCloseTo(0.3);
    expect(applyContrastBias(0.9, { contrast: 5, bias: 0.5 })).toBe(1);
  });

  it("become limits for the server: exact for the linear stretch", () => {
    expect(effectiveLimits(0, 100, "linear", NEUTRAL_CONTRAST_BIAS)).toEqual([0, 100]);
    expect(effectiveLimits(0, 100, "linear", { contrast: 2, bias: 0.5 })).toEqual([25, 75]);
    const [lo, hi] = effectiveLimits(0, 100, "sqrt", { contrast: 2, bias: 0.5 });
    // The end points land where the client's contrast/bias puts black and white.
    expect(lo).toBeCloseTo(100 * 0.25 ** 2);
    expect(hi).toBeCloseTo(100 * 0.75 ** 2);
  });
});

describe("painting float tiles", () => {
  const palette = packPalette(GRAY, false);

  it("maps values through limits and stretch, NaN and ±inf transparent", () => {
    const render = clientRender(10, 20, "linear", NEUTRAL_CONTRAST_BIAS, palette);
    const data = new Float32Array([10, 15, 20, 0, 99, NaN, Infinity, -Infinity]);
    const out = new Uint32Array(data.length);
    paintValues(data, render, out);
    expect(Array.from(out)).toEqual([
      pixel(0),
      pixel(127),
      pixel(254),
      pixel(0),
      pixel(254),
      0,
      0,
      0,
    ]);
  });

  it("inverts with lo > hi and draws a step with lo = hi", () => {
    const out = new Uint32Array(3);
    paintValues(
      new Float32Array([10, 15, 20]),
      clientRender(20, 10, "linear", NEUTRAL_CONTRAST_BIAS, palette),
      out,
    );
    expect(Array.from(out)).toEqual([pixel(254), pixel(127), pixel(0)]);
    paintValues(
      new Float32Array([4, 5, 6]),
      clientRender(5, 5, "linear", NEUTRAL_CONTRAST_BIAS, palette),
      out,
    );
    expect(Array.from(out)).toEqual([pixel(0), pixel(127), pixel(254)]);
  });

  it("stays within one palette step of the exact stretch", () => {
    // Evenly spread values, and dense ones where log and asinh are steepest (just above lo).
    const even = Array.from({ length: 2001 }, (_, i) => i / 2000);
    const steep = Array.from({ length: 1001 }, (_, i) => i / 1_000_000);
    for (const name of CLIENT_STRETCHES) {
      const render = clientRender(0, 1, name, NEUTRAL_CONTRAST_BIAS, palette);
      const values = Float32Array.from([...even, ...steep]);
      const out = new Uint32Array(values.length);
      paintValues(values, render, out);
      values.forEach((x, i) => {
        const exact = paletteIndex(x, name, NEUTRAL_CONTRAST_BIAS, 255);
        expect(Math.abs((out[i]! & 255) - exact)).toBeLessThanOrEqual(1);
      });
    }
  });

  it("reverses the palette for inverted colormaps", () => {
    const inverted = packPalette(GRAY, true);
    expect(inverted[0]).toBe(pixel(254));
    expect(inverted[254]).toBe(pixel(0));
  });
});

describe("colorbar", () => {
  it("labels lo, mid and hi at stretched positions", () => {
    const linear = colorbarTicks(0, 100, "linear");
    expect(linear.map((t) => t.value)).toEqual([0, 25, 50, 75, 100]);
    const sqrt = colorbarTicks(0, 100, "sqrt");
    expect(sqrt.map((t) => t.position)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(sqrt[2]!.value).toBeCloseTo(25);
    const log = colorbarTicks(0, 1000, "log");
    expect(log[2]!.value).toBeCloseTo(((Math.sqrt(1001) - 1) / 1000) * 1000);
    expect(colorbarTicks(3, 9, "histeq")).toEqual([
      { position: 0, value: 3 },
      { position: 1, value: 9 },
    ]);
  });

  it("shows contrast/bias in its colours", () => {
    const palette = packPalette(GRAY, false);
    const plain = colorbarPixels(palette, NEUTRAL_CONTRAST_BIAS, 255);
    expect(Array.from(plain.slice(0, 3))).toEqual([pixel(0), pixel(1), pixel(2)]);
    const contrasted = colorbarPixels(palette, { contrast: 2, bias: 0.5 }, 255);
    expect(contrasted[0]).toBe(pixel(0));
    expect(contrasted[63]).toBe(pixel(0));
    expect(contrasted[127]).toBe(pixel(127));
    expect(contrasted[254]).toBe(pixel(254));
  });
});
