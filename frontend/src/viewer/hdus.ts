// How HDUs and the focal-plane mosaic are named and ordered in the viewer.
import { MOSAIC_HDU, type HduInfo, type Pixel } from "../protocol";

export function isMosaic(h: HduInfo): boolean {
  return h.index === MOSAIC_HDU || h.kind === "mosaic";
}

/** The CCDs a mosaic is made of: the showable image HDUs of the file. */
export function ccdCount(hdus: readonly HduInfo[]): number {
  return hdus.filter((h) => !isMosaic(h) && h.is_image && h.problem === null).length;
}

/** The HDUs in the order of the select: the mosaic first, then the file's order. */
export function orderedHdus(hdus: readonly HduInfo[]): HduInfo[] {
  return [...hdus.filter(isMosaic), ...hdus.filter((h) => !isMosaic(h))];
}

/** "1 SCI — 2048×2048", "Focal plane (62 CCDs)", or the reason an HDU cannot be shown. */
export function hduLabel(h: HduInfo, hdus: readonly HduInfo[] = []): string {
  if (isMosaic(h)) {
    const n = h.ccds ?? ccdCount(hdus);
    const label = `Focal plane (${n} CCD${n === 1 ? "" : "s"})`;
    return h.problem ? `${label} — ${h.problem}` : label;
  }
  const name = h.name || (h.index === 0 ? "PRIMARY" : "");
  let what: string;
  if (h.problem) what = h.problem;
  else if (h.is_image) what = `${h.width}×${h.height}${h.planes > 1 ? `×${h.planes}` : ""}`;
  else what = h.kind;
  return `${h.index}${name ? ` ${name}` : ""} — ${what}`;
}

/** "CCD N4 (HDU 3) x 12, y 40" (1-based pixel in the CCD), "gap" between CCDs, null off mosaics. */
export function ccdReadout(pixel: Pixel): string | null {
  if (pixel.ccd === undefined) return null;
  if (pixel.ccd === null) return pixel.inside ? "between CCDs" : null;
  const { name, hdu, col, row } = pixel.ccd;
  return `CCD ${name || "?"} (HDU ${hdu}) x ${col + 1}, y ${row + 1}`;
}
