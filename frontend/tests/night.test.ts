import { describe, expect, it } from "vitest";

import { nightName, nightPlot } from "../src/sources/night";
import type { ColumnInfo, SourceDescription } from "../src/sources/types";

function column(name: string, kind: ColumnInfo["kind"] = "float"): ColumnInfo {
  return {
    name,
    kind,
    dtype: kind === "string" ? "<U8" : "float64",
    unit: null,
    ucd: null,
    description: null,
    shape: [],
  };
}

function night(...columns: ColumnInfo[]): SourceDescription {
  return {
    path: "nights/n1",
    name: "n1",
    kind: "headers",
    format: "headers",
    identity: "headers-1",
    tables: [{ index: 0, name: "n1", rows: 3, columns: columns.length }],
    table: 0,
    rows: 3,
    columns: [column("index", "int"), column("path", "string"), ...columns],
    sky: null,
    pixel: null,
    notes: [],
  };
}

describe("a night's first plot", () => {
  it("draws the seeing against the time of the exposures", () => {
    const d = night(
      column("DATE-OBS", "string"),
      column("DATE-OBS_MJD"),
      column("AIRMASS"),
      column("FWHM"),
    );
    expect(nightPlot("s1", d)).toEqual({
      source: "s1",
      kind: "scatter",
      x: "DATE-OBS_MJD",
      y: "FWHM",
    });
  });

  it("takes the airmass, else the exposure time, when there is no seeing", () => {
    expect(
      nightPlot("s", night(column("DATE-OBS_MJD"), column("AIRMASS"), column("EXPTIME"))).y,
    ).toBe("AIRMASS");
    expect(nightPlot("s", night(column("DATE-OBS_MJD"), column("EXPTIME"))).y).toBe("EXPTIME");
  });

  it("skips a keyword some file holds as text", () => {
    expect(
      nightPlot("s", night(column("DATE-OBS_MJD"), column("FWHM", "string"), column("EXPTIME"))).y,
    ).toBe("EXPTIME");
  });

  it("falls back on MJD-OBS, then the row number, and on a histogram without a y", () => {
    expect(nightPlot("s", night(column("MJD-OBS"), column("EXPTIME"))).x).toBe("MJD-OBS");
    expect(nightPlot("s", night(column("EXPTIME"))).x).toBe("index");
    expect(nightPlot("s", night(column("DATE-OBS_MJD")))).toEqual({
      source: "s",
      kind: "histogram",
      x: "DATE-OBS_MJD",
      y: null,
    });
  });

  it("names the source after its folder", () => {
    expect(nightName("nights/2026-11-23/")).toBe("2026-11-23 (night)");
    expect(nightName("")).toBe("data (night)");
  });
});
