import { describe, expect, it } from "vitest";

import { pyramidTileGrid } from "../src/viewer/pyramid";
import {
  pyramidLevels,
  pyramidResolutions,
  renderQuery,
  pyramidTileCoord,
  pyramidTileUrl,
  type RenderParams,
} from "../src/viewer/pyramid-tiles";

const params: RenderParams = {
  path: "home/alice/m 13.fits",
  hdu: 1,
  plane: 0,
  stretch: "asinh",
  lo: -1.5,
  hi: 2500,
  cmap: "viridis",
  invert: true,
  identity: "abc123",
  format: "png",
};

describe("pyramid geometry", () => {
  it("counts levels as the server does", () => {
    expect(pyramidLevels(100, 80)).toBe(1);
    expect(pyramidLevels(256, 256)).toBe(1);
    expect(pyramidLevels(257, 10)).toBe(2);
    expect(pyramidLevels(1000, 700)).toBe(3);
    expect(pyramidLevels(5000, 3000)).toBe(6);
  });

  it("lists resolutions from the coarsest level to full resolution", () => {
    expect(pyramidResolutions(4)).toEqual([8, 4, 2, 1]);
  });
});

describe("OpenLayers tile coordinates", () => {
  const width = 5000;
  const height = 3000;
  const levels = pyramidLevels(width, height);
  const grid = pyramidTileGrid(width, height, levels);

  it("map each server tile onto the image area it covers, y = 0 at the bottom", () => {
    for (let level = 0; level < levels; level++) {
      const z = levels - 1 - level;
      const size = 256 * 2 ** level;
      for (const [tx, ty] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [2, 3],
      ] as const) {
        // The OpenLayers coordinate whose server coordinate is (level, tx, ty).
        const olY = -ty - 1;
        expect(pyramidTileCoord(levels, z, tx, olY)).toEqual({ level, tx, ty });
        expect(grid.getTileCoordExtent([z, tx, olY])).toEqual([
          tx * size,
          ty * size,
          (tx + 1) * size,
          (ty + 1) * size,
        ]);
      }
    }
  });

  it("put a point inside the tile that contains it", () => {
    const z = levels - 1; // level 0
    const [, x, y] = grid.getTileCoordForCoordAndZ([300.5, 10.25], z) as [number, number, number];
    expect(pyramidTileCoord(levels, z, x, y)).toEqual({ level: 0, tx: 1, ty: 0 });
    const [, x2, y2] = grid.getTileCoordForCoordAndZ([10, 2999], z) as [number, number, number];
    expect(pyramidTileCoord(levels, z, x2, y2)).toEqual({ level: 0, tx: 0, ty: 11 });
  });

  it("request only the tiles that hold image pixels", () => {
    const range = grid.getFullTileRange(levels - 1);
    expect(range).not.toBeNull();
    expect(range!.getWidth()).toBe(Math.ceil(width / 256));
    expect(range!.getHeight()).toBe(Math.ceil(height / 256));
  });
});

describe("tile URLs", () => {
  it("name the level, the tile and every rendering parameter", () => {
    const url = pyramidTileUrl(params, 2, 3, 4);
    const [path, query] = url.split("?");
    expect(path).toBe("/tiles/2/3/4.png");
    const q = new URLSearchParams(query);
    expect(Object.fromEntries(q)).toEqual({
      path: "home/alice/m 13.fits",
      hdu: "1",
      plane: "0",
      stretch: "asinh",
      lo: "-1.5",
      hi: "2500",
      cmap: "viridis",
      inv: "1",
      v: "abc123",
    });
  });

  it("change with any rendering parameter", () => {
    const base = renderQuery(params);
    expect(renderQuery({ ...params, cmap: "gray" })).not.toBe(base);
    expect(renderQuery({ ...params, invert: false })).not.toBe(base);
    expect(renderQuery({ ...params, identity: "def" })).not.toBe(base);
    expect(renderQuery({ ...params })).toBe(base);
  });
});
