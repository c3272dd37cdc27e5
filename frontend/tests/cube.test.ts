import { describe, expect, it } from "vitest";

import { PlanePlayer, clampFps, planeAxes, planeAxesLabel } from "../src/viewer/cube";

describe("planes of cubes", () => {
  it("flatten the leading axes in C order (the last one fastest)", () => {
    // numpy shape (NAXIS4=2, NAXIS3=3, ny, nx): plane 4 is [1, 1].
    expect(planeAxes([2, 3, 10, 20], 4)).toEqual([
      { axis: 4, index: 1, size: 2 },
      { axis: 3, index: 1, size: 3 },
    ]);
    expect(planeAxes([2, 3, 10, 20], 2)).toEqual([
      { axis: 4, index: 0, size: 2 },
      { axis: 3, index: 2, size: 3 },
    ]);
    expect(planeAxes([5, 10, 20], 3)).toEqual([{ axis: 3, index: 3, size: 5 }]);
    expect(planeAxes([10, 20], 0)).toEqual([]);
  });

  it("are labelled per axis only with more than one extra axis", () => {
    expect(planeAxesLabel([5, 10, 20], 3)).toBeNull();
    expect(planeAxesLabel([2, 3, 4, 10, 20], 23)).toBe(
      "axis 5: 1 / 2 · axis 4: 2 / 3 · axis 3: 3 / 4",
    );
  });

  it("play at a bounded speed", () => {
    expect(clampFps(0)).toBe(0.1);
    expect(clampFps(1000)).toBe(30);
    expect(clampFps(Number.NaN)).toBe(2);
  });
});

describe("the cube player", () => {
  it("advances only once the current plane is shown, and wraps around", async () => {
    let plane = 0;
    const shown: number[] = [];
    const pending: (() => void)[] = [];
    const sleeps: number[] = [];
    let now = 0;
    const player = new PlanePlayer(
      (p) =>
        new Promise<void>((resolve) => {
          shown.push(p);
          pending.push(() => {
            plane = p;
            now += 100;
            resolve();
          });
        }),
      () => ({ plane, planes: 3 }),
      () => undefined,
      (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      () => now,
    );
    player.fps = 4;
    player.start();
    await Promise.resolve();
    // The first plane's tiles have not arrived: no second request.
    expect(shown).toEqual([1]);
    pending.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(shown).toEqual([1, 2]);
    // 250 ms per frame at 4 fps, 100 ms of which were spent loading.
    expect(sleeps).toEqual([150]);
    pending.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(shown).toEqual([1, 2, 0]);
    player.stop();
    pending.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(shown).toEqual([1, 2, 0]);
    expect(player.playing).toBe(false);
  });
});
