import { describe, expect, it } from "vitest";

import {
  defaultValues,
  formFields,
  parseInput,
  validateValues,
  withValue,
  type FormField,
  type JsonSchema,
} from "../src/analysis/job-form";

// What pydantic publishes for the photometry job (the shape `GET /api/jobs` sends).
const PHOTOMETRY: JsonSchema = {
  additionalProperties: false,
  $defs: {
    ImageRef: {
      additionalProperties: false,
      properties: { path: { type: "string", format: "path" } },
      required: ["path"],
      title: "ImageRef",
      type: "object",
    },
    Limits: {
      properties: {
        lo: { type: "number", title: "Lo" },
        hi: { type: "number", title: "Hi", description: "The upper limit." },
      },
      required: ["lo", "hi"],
      type: "object",
      title: "Limits",
    },
  },
  properties: {
    image: { $ref: "#/$defs/ImageRef" },
    x: { type: "number", title: "X" },
    radius: {
      type: "number",
      title: "Radius",
      default: 5,
      exclusiveMinimum: 0,
      maximum: 500,
      description: "The aperture's radius, in pixels.",
    },
    annulus: {
      type: "array",
      title: "Annulus",
      default: [10, 15],
      maxItems: 2,
      minItems: 2,
      prefixItems: [{ type: "number" }, { type: "number" }],
    },
    bins: { type: "integer", title: "Bins", default: 64, minimum: 2, maximum: 1000 },
    recentre: { type: "boolean", title: "Recentre", default: true },
    scale: { enum: ["linear", "log", "sqrt"], type: "string", title: "Scale", default: "linear" },
    levels: {
      anyOf: [{ type: "array", items: { type: "number" }, maxItems: 50 }, { type: "null" }],
      default: null,
      title: "Levels",
    },
    limits: {
      anyOf: [{ $ref: "#/$defs/Limits" }, { type: "null" }],
      default: null,
      description: "Contour limits.",
    },
    label: { type: "string", title: "Label", minLength: 1, maxLength: 8, default: "a" },
    kind: { const: "box", type: "string" },
  },
  required: ["image", "x"],
  title: "PhotometryParams",
  type: "object",
};

function field(name: string, fields: FormField[] = formFields(PHOTOMETRY)): FormField {
  const f = fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name}`);
  return f;
}

describe("the job form's fields", () => {
  it("reads every kind of parameter a job publishes", () => {
    const fields = formFields(PHOTOMETRY, { omit: ["image", "x"] });
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ["radius", "number"],
      ["annulus", "numbers"],
      ["bins", "integer"],
      ["recentre", "boolean"],
      ["scale", "enum"],
      ["levels", "numbers"],
      ["limits", "object"],
      ["label", "string"],
    ]);
  });

  it("keeps bounds, defaults and the description as help", () => {
    const radius = field("radius");
    expect(radius.exclusiveMinimum).toBe(0);
    expect(radius.maximum).toBe(500);
    expect(radius.default).toBe(5);
    expect(radius.help).toBe("The aperture's radius, in pixels.");
    expect(field("scale").options).toEqual(["linear", "log", "sqrt"]);
  });

  it("reads a tuple of two numbers as a list of exactly two", () => {
    const annulus = field("annulus");
    expect([annulus.minItems, annulus.maxItems]).toEqual([2, 2]);
  });

  it("follows a nullable $ref into a nested object", () => {
    const limits = field("limits");
    expect(limits.nullable).toBe(true);
    expect(limits.help).toBe("Contour limits.");
    expect(limits.fields?.map((f) => f.path.join("."))).toEqual(["limits.lo", "limits.hi"]);
    expect(limits.fields?.[1]?.help).toBe("The upper limit.");
  });

  it("leaves out constants, which are no choice", () => {
    expect(formFields(PHOTOMETRY).some((f) => f.name === "kind")).toBe(false);
  });

  it("starts from the defaults", () => {
    const values = defaultValues(formFields(PHOTOMETRY, { omit: ["image", "x"] }));
    expect(values).toEqual({
      radius: 5,
      annulus: [10, 15],
      bins: 64,
      recentre: true,
      scale: "linear",
      levels: null,
      limits: null,
      label: "a",
    });
  });
});

describe("the job form's input", () => {
  it("parses numbers and refuses what is no number", () => {
    expect(parseInput(field("radius"), " 7.5 ")).toEqual({ ok: true, value: 7.5 });
    expect(parseInput(field("radius"), "1e1")).toEqual({ ok: true, value: 10 });
    expect(parseInput(field("radius"), "seven")).toEqual({
      ok: false,
      error: "Radius must be a number.",
    });
  });

  it("says which bound a number breaks", () => {
    expect(parseInput(field("radius"), "0")).toEqual({
      ok: false,
      error: "Radius must be more than 0.",
    });
    expect(parseInput(field("radius"), "501")).toEqual({
      ok: false,
      error: "Radius must be at most 500.",
    });
    expect(parseInput(field("bins"), "1")).toEqual({
      ok: false,
      error: "Bins must be at least 2.",
    });
  });

  it("wants whole numbers where the schema says integer", () => {
    expect(parseInput(field("bins"), "12.5")).toEqual({
      ok: false,
      error: "Bins must be a whole number.",
    });
    expect(parseInput(field("bins"), "12")).toEqual({ ok: true, value: 12 });
  });

  it("reads a list of numbers separated by commas or spaces, and counts them", () => {
    expect(parseInput(field("annulus"), "8, 12")).toEqual({ ok: true, value: [8, 12] });
    expect(parseInput(field("annulus"), "8 12")).toEqual({ ok: true, value: [8, 12] });
    expect(parseInput(field("annulus"), "8")).toEqual({
      ok: false,
      error: "Annulus needs 2 numbers.",
    });
    expect(parseInput(field("annulus"), "8, x")).toEqual({
      ok: false,
      error: 'Annulus: "x" is not a number.',
    });
  });

  it("takes an empty optional input as null", () => {
    expect(parseInput(field("levels"), "")).toEqual({ ok: true, value: null });
  });

  it("only offers the enum's choices", () => {
    expect(parseInput(field("scale"), "log")).toEqual({ ok: true, value: "log" });
    expect(parseInput(field("scale"), "cubic").ok).toBe(false);
  });

  it("checks a string's length", () => {
    expect(parseInput(field("label"), "")).toEqual({ ok: false, error: "Label is needed." });
    expect(parseInput(field("label"), "123456789")).toEqual({
      ok: false,
      error: "Label takes at most 8 characters.",
    });
  });
});

describe("the job form's validation", () => {
  it("finds nothing wrong with the defaults", () => {
    const fields = formFields(PHOTOMETRY, { omit: ["image", "x"] });
    expect(validateValues(fields, defaultValues(fields))).toEqual({});
  });

  it("names a missing required parameter and a bad nested value by their path", () => {
    const fields = formFields(PHOTOMETRY, { omit: ["image"] });
    const values = withValue(defaultValues(fields), ["limits"], { lo: 1, hi: "x" });
    expect(validateValues(fields, values)).toEqual({
      x: "X is needed.",
      "limits.hi": "Hi must be a number.",
    });
  });

  it("changes nested values without touching the original", () => {
    const before = { limits: { lo: 1, hi: 2 }, radius: 5 };
    const after = withValue(before, ["limits", "hi"], 3);
    expect(after).toEqual({ limits: { lo: 1, hi: 3 }, radius: 5 });
    expect(before.limits.hi).toBe(2);
  });
});
