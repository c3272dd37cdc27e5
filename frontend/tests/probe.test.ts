import { describe, expect, it } from "vitest";

import type { Pixel } from "../src/protocol";
import { pixelReadout } from "../src/viewer/probe";

function pixel(over: Partial<Pixel> = {}): Pixel {
  return {
    x: 10.5,
    y: 20.5,
    col: 10,
    row: 20,
    inside: true,
    value: 1.5,
    ra: 359.9999999,
    dec: -0.0000001,
    world: "00:00:00.00 -00:00:00.0",
    ...over,
  };
}

describe("the hover readout", () => {
  it("shows the sky position as the server wrote it", () => {
    expect(pixelReadout(pixel()).world).toBe("RA 00:00:00.00  Dec -00:00:00.0");
  });

  it("never formats right ascension itself, so 23:59:60 cannot appear", () => {
    // A server that sent degrees but no text: no home-made sexagesimal string.
    const readout = pixelReadout(pixel({ world: null }));
    expect(readout.world).toBeNull();
    expect(readout.x).toBe(11);
    expect(readout.y).toBe(21);
  });
});
