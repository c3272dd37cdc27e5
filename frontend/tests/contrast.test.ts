import { describe, expect, it } from "vitest";

import { MAX_CONTRAST, draggedContrastBias } from "../src/viewer/contrast";

describe("the contrast/bias drag", () => {
  const start = { contrast: 1, bias: 0.5 };

  it("moves bias with the horizontal drag and contrast with the vertical one", () => {
    expect(draggedContrastBias(start, 0, 0, 400, 300)).toEqual(start);
    expect(draggedContrastBias(start, 100, 0, 400, 300)).toEqual({ contrast: 1, bias: 0.75 });
    // Up by half the height: contrast × 4.
    expect(draggedContrastBias(start, 0, -150, 400, 300)).toEqual({ contrast: 4, bias: 0.5 });
    expect(draggedContrastBias(start, 0, 150, 400, 300)).toEqual({ contrast: 0.25, bias: 0.5 });
  });

  it("stays in bounds", () => {
    const far = draggedContrastBias(start, 10_000, -10_000, 400, 300);
    expect(far).toEqual({ contrast: MAX_CONTRAST, bias: 1.5 });
  });
});
