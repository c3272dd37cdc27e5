// A night as a table: a folder's header index opened as a source (`kind: "headers"`), one row per
// exposure. Which plot a night opens with: the seeing (FWHM, SEEING) or the airmass against the
// time of the exposure when the headers have them, else the exposure time.
import { plottable } from "./panel";
import type { SourceDescription } from "./types";

/** The header index's column of DATE-OBS as a Modified Julian Date (apps/headers/table.py). */
export const NIGHT_TIME_COLUMN = "DATE-OBS_MJD";
/** What a night's first plot shows along y, the first the night has. */
export const NIGHT_Y_COLUMNS = ["FWHM", "SEEING", "AIRMASS", "EXPTIME"] as const;

/** The source name of a folder's night table ("night1 (night)"; the data root is "data"). */
export function nightName(folder: string): string {
  const last = folder
    .split("/")
    .filter((p) => p !== "")
    .pop();
  return `${last ?? "data"} (night)`;
}

/**
 * A night's first plot: a y column of `NIGHT_Y_COLUMNS` against the time (DATE-OBS, else
 * MJD-OBS, else the row number, which follows DATE-OBS); a histogram of the time when the headers
 * hold none of them.
 */
export function nightPlot(source: string, d: SourceDescription): Record<string, unknown> {
  const numbers = new Set(
    d.columns.filter((c) => plottable(c) && c.kind !== "bool").map((c) => c.name),
  );
  const x = [NIGHT_TIME_COLUMN, "MJD-OBS"].find((name) => numbers.has(name)) ?? "index";
  const y = NIGHT_Y_COLUMNS.find((name) => numbers.has(name)) ?? null;
  return { source, kind: y ? "scatter" : "histogram", x, y };
}
