import { describe, expect, it } from "vitest";

import type { HduInfo, Pixel } from "../src/protocol";
import { ccdCount, ccdReadout, hduLabel, orderedHdus } from "../src/viewer/hdus";
import { rawPyramidTileUrl, pyramidTileUrl } from "../src/viewer/pyramid-tiles";

function hdu(index: number, over: Partial<HduInfo> = {}): HduInfo {
  return {
    index,
    name: `CCD${index}`,
    kind: "image",
    shape: [4096, 2048],
    dtype: "float32",
    is_image: true,
    compressed: false,
    has_wcs: true,
    width: 2048,
    height: 4096,
    planes: 1,
    bands: 1,
    levels: 5,
    problem: null,
    ...over,
  };
}

const primary = hdu(0, {
  name: "PRIMARY",
  kind: "empty",
  is_image: false,
  shape: [],
  width: 0,
  height: 0,
});
const mosaic = hdu(-1, { name: "MOSAIC", kind: "mosaic", width: 8400, height: 8600, levels: 7 });
const hdus = [primary, hdu(1), hdu(2), hdu(3), hdu(4), mosaic];

const pixel: Pixel = {
  x: 100.5,
  y: 200.5,
  col: 100,
  row: 200,
  inside: true,
  value: 12,
  ra: null,
  dec: null,
  world: null,
};

describe("focal-plane mosaics", () => {
  it("come first in the HDU list, named by their CCD count", () => {
    expect(orderedHdus(hdus).map((h) => h.index)).toEqual([-1, 0, 1, 2, 3, 4]);
    expect(ccdCount(hdus)).toBe(4);
    expect(hduLabel(mosaic, hdus)).toBe("Focal plane (4 CCDs)");
    expect(hduLabel(hdu(2), hdus)).toBe("2 CCD2 — 2048×4096");
    // The server's count wins when it sends one.
    expect(hduLabel({ ...mosaic, ccds: 62 }, hdus)).toBe("Focal plane (62 CCDs)");
  });

  it("use hdu=-1 in tile URLs", () => {
    const data = { path: "n/decam.fits.fz", hdu: -1, plane: 0, identity: "id1" };
    expect(rawPyramidTileUrl(data, 3, 1, 2)).toBe(
      "/tiles/3/1/2.raw?path=n%2Fdecam.fits.fz&hdu=-1&plane=0&v=id1",
    );
    const url = pyramidTileUrl(
      { ...data, stretch: "linear", lo: 0, hi: 1, cmap: "gray", invert: false, format: "png" },
      0,
      0,
      0,
    );
    expect(url).toContain("hdu=-1&");
  });

  it("say which CCD and which pixel in it the pointer is over", () => {
    expect(ccdReadout({ ...pixel, ccd: { hdu: 3, name: "N1", col: 10, row: 4094 } })).toBe(
      "CCD N1 (HDU 3) x 11, y 4095",
    );
    expect(ccdReadout({ ...pixel, ccd: null })).toBe("between CCDs");
    expect(ccdReadout({ ...pixel, inside: false, ccd: null })).toBeNull();
    // Not a mosaic: no CCD line.
    expect(ccdReadout(pixel)).toBeNull();
  });
});
