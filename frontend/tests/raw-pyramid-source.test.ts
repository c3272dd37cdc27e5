import { describe, expect, it } from "vitest";

import { fetchRaw } from "../src/viewer/raw-pyramid-source";

const values = (n: number): Float32Array => new Float32Array(256 * 256).fill(n);

describe("raw pyramid tiles fetched another way (signed URLs)", () => {
  it("keeps them under their /tiles/ URL, so a renewed signed URL refetches nothing", async () => {
    let loads = 0;
    const load = (): Promise<Float32Array> => {
      loads += 1;
      return Promise.resolve(values(loads));
    };
    const url = "/tiles/0/0/0.raw?path=a.fits&hdu=0&plane=0&v=kept";
    expect((await fetchRaw(url, undefined, load))[0]).toBe(1);
    expect((await fetchRaw(url, undefined, load))[0]).toBe(1);
    expect(loads).toBe(1);
  });

  it("forgets a failed one, so that the next asking loads it again", async () => {
    const url = "/tiles/0/0/0.raw?path=a.fits&hdu=0&plane=0&v=failed";
    await expect(
      fetchRaw(url, undefined, () => Promise.reject(new Error("HTTP 403"))),
    ).rejects.toThrow("403");
    expect((await fetchRaw(url, undefined, () => Promise.resolve(values(7))))[0]).toBe(7);
  });
});
