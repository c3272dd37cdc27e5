import { describe, expect, it } from "vitest";

import type { DataParams, RenderParams } from "../src/viewer/pyramid-tiles";
import {
  RENEW_FRACTION,
  SignedPyramidTileUrls,
  fillTemplate,
  pyramidTileUrlQuery,
  rawPyramidTileUrlQuery,
  type PyramidTileUrlAnswer,
} from "../src/viewer/signed-pyramid-tiles";

const params: RenderParams = {
  path: "home/alice/m 13.fits",
  hdu: -1,
  plane: 0,
  stretch: "asinh",
  lo: -1.5,
  hi: 2500,
  cmap: "viridis",
  invert: true,
  identity: "abc123",
  format: "png",
};

function answer(n: number, lifetime: number | null = 300): PyramidTileUrlAnswer {
  return {
    signed: true,
    template: `/ts/${1000 + n}/sig${n}/${"0".repeat(32)}/hdu-1-p0/${"f".repeat(16)}/{level}/{tx}_{ty}.png?path=x`,
    identity: "0".repeat(32),
    expires: lifetime === null ? null : 1000 + n,
    lifetime,
  };
}

/** A fetcher that answers template 1, 2, … and counts its calls; a clock the test moves. */
function fake(lifetime: number | null = 300) {
  const calls: string[] = [];
  let clock = 0;
  const fetcher = (query: string): Promise<PyramidTileUrlAnswer> => {
    calls.push(query);
    return Promise.resolve(answer(calls.length, lifetime));
  };
  const urls = new SignedPyramidTileUrls(params, fetcher, () => clock);
  return {
    urls,
    calls,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe("signed tile URLs", () => {
  it("fills a template's level and tile column and row", () => {
    expect(fillTemplate("/ts/1/s/i/hdu0-p0/k/{level}/{tx}_{ty}.png?a=1", 3, 14, 2)).toBe(
      "/ts/1/s/i/hdu0-p0/k/3/14_2.png?a=1",
    );
    expect(fillTemplate("/tiles/{level}/{tx}/{ty}.jpg?a=1", 0, 1, 2)).toBe("/tiles/0/1/2.jpg?a=1");
  });

  it("asks for the rendering the tiles show, without identity or preview", () => {
    const query = new URLSearchParams(pyramidTileUrlQuery({ ...params, preview: true }));
    expect(Object.fromEntries(query)).toEqual({
      path: "home/alice/m 13.fits",
      hdu: "-1",
      plane: "0",
      fmt: "png",
      stretch: "asinh",
      lo: "-1.5",
      hi: "2500",
      cmap: "viridis",
      inv: "1",
    });
  });

  it("asks for a plane's raw tiles by the data alone (fmt raw, no rendering, identity or preview)", async () => {
    const data: DataParams = {
      path: "home/alice/m 13.fits",
      hdu: 2,
      plane: 1,
      identity: "abc",
      preview: true,
    };
    expect(Object.fromEntries(new URLSearchParams(rawPyramidTileUrlQuery(data)))).toEqual({
      path: "home/alice/m 13.fits",
      hdu: "2",
      plane: "1",
      fmt: "raw",
    });
    const calls: string[] = [];
    const urls = new SignedPyramidTileUrls(
      data,
      (query) => {
        calls.push(query);
        return Promise.resolve(answer(1));
      },
      () => 0,
    );
    await urls.url(0, 0, 0);
    expect(calls).toEqual([rawPyramidTileUrlQuery(data)]);
  });

  it("shares one request between the tiles that wait for a template", async () => {
    const { urls, calls } = fake();
    const got = await Promise.all([urls.url(0, 0, 0), urls.url(1, 2, 3), urls.url(2, 0, 1)]);
    expect(calls).toHaveLength(1);
    expect(got[1]).toContain("/sig1/");
    expect(got[1]).toContain("/1/2_3.png?");
  });

  it("renews a template before it expires, not before", async () => {
    const { urls, calls, advance } = fake(300);
    await urls.url(0, 0, 0);
    advance(300_000 * (1 - RENEW_FRACTION) - 1);
    expect(await urls.url(0, 0, 0)).toContain("/sig1/");
    advance(2);
    expect(await urls.url(0, 0, 0)).toContain("/sig2/");
    expect(calls).toHaveLength(2);
  });

  it("keeps a template without a lifetime (signed tiles off) for good", async () => {
    const { urls, calls, advance } = fake(null);
    await urls.url(0, 0, 0);
    advance(1e9);
    await urls.url(0, 0, 0);
    expect(calls).toHaveLength(1);
  });

  it("drops a refused template, but not for a refusal of an older one", async () => {
    const { urls, calls } = fake();
    const first = await urls.url(0, 0, 0);
    urls.refused(first);
    const second = await urls.url(0, 0, 0);
    expect(second).toContain("/sig2/");
    urls.refused(first);
    expect(await urls.url(0, 0, 0)).toBe(second);
    expect(calls).toHaveLength(2);
  });

  it("passes a refusal of the template on, and asks again for the next tile", async () => {
    let fail = true;
    const urls = new SignedPyramidTileUrls(
      params,
      (): Promise<PyramidTileUrlAnswer> =>
        fail
          ? Promise.reject(new Error("You may not read that file."))
          : Promise.resolve(answer(7)),
      () => 0,
    );
    await expect(urls.url(0, 0, 0)).rejects.toThrow("You may not read");
    fail = false;
    expect(await urls.url(0, 0, 0)).toContain("/sig7/");
  });
});
