// A form built from a job function's parameter schema, as `GET /api/jobs` publishes it (pydantic's
// JSON Schema): numbers and whole numbers with their bounds, true/false, choices, text, lists of
// numbers (fixed-length tuples too) and nested objects; defaults filled in, each parameter's
// description as its help text, and a sentence for every value the server would refuse.
// The pure part (fields, defaults, parsing, validation) is tested in Node; `jobFormTemplate` draws
// it with Lit, and <toyz-job-form> is the element tools put in their panels and dialogs.
import { LitElement, html, nothing, type TemplateResult } from "lit";

import { apiRequest } from "../api";
import "./job-form.css";

export type JsonSchema = Record<string, unknown>;

export type FieldKind = "number" | "integer" | "boolean" | "enum" | "string" | "numbers" | "object";

/** One parameter of the form. */
export interface FormField {
  /** The parameter's name in its object. */
  name: string;
  /** Names from the top of the parameters to this one (nested objects). */
  path: string[];
  kind: FieldKind;
  title: string;
  /** The schema's description: the help text. */
  help: string;
  required: boolean;
  /** null is allowed (an optional parameter): an empty input means null. */
  nullable: boolean;
  /** The schema's default (undefined: none). */
  default: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  /** enum: the choices. */
  options?: (string | number | boolean)[];
  /** numbers: how many, and whether each is a whole number. */
  minItems?: number;
  maxItems?: number;
  integerItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** object: its fields. */
  fields?: FormField[];
}

export interface FieldOptions {
  /** Top-level parameters the tool fills itself (image, x, y, region...): left out of the form. */
  omit?: readonly string[];
}

/** Follows a local `$ref` (`#/$defs/Name`) in the root schema; other schemas are returned as they are. */
function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; depth < 20; depth++) {
    const ref = current["$ref"];
    if (typeof ref === "string" && ref.startsWith("#/")) {
      let target: unknown = root;
      for (const part of ref.slice(2).split("/")) {
        target = isObject(target) ? target[part] : undefined;
      }
      if (!isObject(target)) return {};
      // Keywords beside the $ref (a description, a default) win over the target's.
      current = { ...target, ...without(current, "$ref") };
      continue;
    }
    // pydantic wraps a described nested model as allOf: [{$ref}].
    const allOf = current["allOf"];
    if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0])) {
      current = { ...resolve(allOf[0], root), ...without(current, "allOf") };
      continue;
    }
    return current;
  }
  return current;
}

/** A copy of `obj` without `keys`. */
function without(obj: JsonSchema, ...keys: string[]): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** "annulus_area" → "Annulus area". */
export function titleOf(name: string): string {
  const words = name.replace(/_/g, " ").trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : name;
}

/** `anyOf: [X, {type: null}]` → X and nullable; anything else as it is. */
function unwrapNullable(
  schema: JsonSchema,
  root: JsonSchema,
): { schema: JsonSchema; nullable: boolean } {
  const s = resolve(schema, root);
  const anyOf = s["anyOf"] ?? s["oneOf"];
  if (Array.isArray(anyOf)) {
    const branches = anyOf.filter(isObject).map((b) => resolve(b, root));
    const real = branches.filter((b) => b["type"] !== "null");
    if (real.length === 1 && real[0]) {
      return {
        schema: { ...real[0], ...without(s, "anyOf", "oneOf") },
        nullable: real.length < branches.length,
      };
    }
  }
  const type = s["type"];
  if (Array.isArray(type) && type.includes("null")) {
    const others = type.filter((t) => t !== "null");
    return { schema: { ...s, type: others.length === 1 ? others[0] : others }, nullable: true };
  }
  return { schema: s, nullable: false };
}

function fieldOf(
  name: string,
  path: string[],
  raw: JsonSchema,
  root: JsonSchema,
  required: boolean,
): FormField | null {
  const { schema, nullable } = unwrapNullable(raw, root);
  // A constant (a discriminator such as kind: "box") is no choice for the user.
  if ("const" in schema) return null;
  const base = {
    name,
    path,
    title: typeof schema["title"] === "string" && schema["title"] ? schema["title"] : titleOf(name),
    help:
      typeof (raw["description"] ?? schema["description"]) === "string"
        ? String(raw["description"] ?? schema["description"])
        : "",
    required,
    nullable,
    default: "default" in raw ? raw["default"] : schema["default"],
  };
  const bounds = {
    ...(num(schema["minimum"]) !== undefined ? { minimum: num(schema["minimum"]) } : {}),
    ...(num(schema["maximum"]) !== undefined ? { maximum: num(schema["maximum"]) } : {}),
    ...(num(schema["exclusiveMinimum"]) !== undefined
      ? { exclusiveMinimum: num(schema["exclusiveMinimum"]) }
      : {}),
    ...(num(schema["exclusiveMaximum"]) !== undefined
      ? { exclusiveMaximum: num(schema["exclusiveMaximum"]) }
      : {}),
  };
  if (Array.isArray(schema["enum"])) {
    const options = schema["enum"].filter((o): o is string | number | boolean =>
      ["string", "number", "boolean"].includes(typeof o),
    );
    return { ...base, kind: "enum", options };
  }
  const type = schema["type"];
  if (type === "number" || type === "integer") return { ...base, kind: type, ...bounds };
  if (type === "boolean") return { ...base, kind: "boolean" };
  if (type === "string") {
    return {
      ...base,
      kind: "string",
      ...(num(schema["minLength"]) !== undefined ? { minLength: num(schema["minLength"]) } : {}),
      ...(num(schema["maxLength"]) !== undefined ? { maxLength: num(schema["maxLength"]) } : {}),
      ...(typeof schema["pattern"] === "string" ? { pattern: schema["pattern"] } : {}),
    };
  }
  if (type === "array") {
    // A list of numbers, or a tuple of them (pydantic: prefixItems with min = max items).
    const prefix = Array.isArray(schema["prefixItems"])
      ? schema["prefixItems"].filter(isObject)
      : [];
    const items = isObject(schema["items"]) ? [schema["items"]] : prefix;
    const types = items.map((i) => unwrapNullable(i, root).schema["type"]);
    if (types.length === 0 || !types.every((t) => t === "number" || t === "integer")) return null;
    const itemSchema = items[0] ? unwrapNullable(items[0], root).schema : {};
    const fixed = prefix.length && !isObject(schema["items"]) ? prefix.length : undefined;
    const minItems = num(schema["minItems"]) ?? fixed;
    const maxItems = num(schema["maxItems"]) ?? fixed;
    return {
      ...base,
      kind: "numbers",
      integerItems: types.every((t) => t === "integer"),
      ...(minItems !== undefined ? { minItems } : {}),
      ...(maxItems !== undefined ? { maxItems } : {}),
      ...(num(itemSchema["minimum"]) !== undefined ? { minimum: num(itemSchema["minimum"]) } : {}),
      ...(num(itemSchema["maximum"]) !== undefined ? { maximum: num(itemSchema["maximum"]) } : {}),
      ...(num(itemSchema["exclusiveMinimum"]) !== undefined
        ? { exclusiveMinimum: num(itemSchema["exclusiveMinimum"]) }
        : {}),
    };
  }
  if (type === "object" || isObject(schema["properties"])) {
    return { ...base, kind: "object", fields: fieldsOf(schema, root, path) };
  }
  // Unions of several kinds, free-form objects: not something a form can offer.
  return null;
}

function fieldsOf(schema: JsonSchema, root: JsonSchema, path: string[]): FormField[] {
  const properties = isObject(schema["properties"]) ? schema["properties"] : {};
  const required = new Set(Array.isArray(schema["required"]) ? schema["required"] : []);
  const out: FormField[] = [];
  for (const [name, sub] of Object.entries(properties)) {
    if (!isObject(sub)) continue;
    const field = fieldOf(name, [...path, name], sub, root, required.has(name));
    if (field) out.push(field);
  }
  return out;
}

/** The form's fields for a job's parameter schema, without the parameters in `omit`. */
export function formFields(schema: JsonSchema, options: FieldOptions = {}): FormField[] {
  const omit = new Set(options.omit ?? []);
  return fieldsOf(resolve(schema, schema), schema, []).filter((f) => !omit.has(f.name));
}

/** The parameters' starting values: each default, null for an optional one, nothing else. */
export function defaultValues(fields: FormField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.kind === "object" && f.fields && (f.default === undefined || isObject(f.default))) {
      const inner = defaultValues(f.fields);
      if (f.default === undefined && f.nullable && !f.required) continue;
      out[f.name] = { ...inner, ...(isObject(f.default) ? f.default : {}) };
    } else if (f.default !== undefined) {
      out[f.name] = structuredClone(f.default);
    } else if (f.kind === "boolean" && f.required) {
      out[f.name] = false;
    }
  }
  return out;
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

function formatNumber(value: number): string {
  return String(Number(value.toPrecision(10)));
}

/** Why `value` breaks the field's bounds, or null. */
function boundsError(f: FormField, value: number, what: string): string | null {
  if (f.minimum !== undefined && value < f.minimum)
    return `${what} must be at least ${formatNumber(f.minimum)}.`;
  if (f.maximum !== undefined && value > f.maximum)
    return `${what} must be at most ${formatNumber(f.maximum)}.`;
  if (f.exclusiveMinimum !== undefined && value <= f.exclusiveMinimum)
    return `${what} must be more than ${formatNumber(f.exclusiveMinimum)}.`;
  if (f.exclusiveMaximum !== undefined && value >= f.exclusiveMaximum)
    return `${what} must be less than ${formatNumber(f.exclusiveMaximum)}.`;
  return null;
}

function parseNumber(text: string): number | null {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** The value typed into a field's input (text for numbers and lists, as the input holds it). */
export function parseInput(f: FormField, text: string | boolean): Parsed {
  if (f.kind === "boolean") return { ok: true, value: Boolean(text) };
  const t = String(text);
  if (t.trim() === "" && f.kind !== "string") {
    if (f.nullable) return { ok: true, value: null };
    if (f.default !== undefined && !f.required) return { ok: true, value: f.default };
    return { ok: false, error: `${f.title} is needed.` };
  }
  switch (f.kind) {
    case "number":
    case "integer": {
      const n = parseNumber(t);
      if (n === null) return { ok: false, error: `${f.title} must be a number.` };
      if (f.kind === "integer" && !Number.isInteger(n))
        return { ok: false, error: `${f.title} must be a whole number.` };
      const bad = boundsError(f, n, f.title);
      return bad ? { ok: false, error: bad } : { ok: true, value: n };
    }
    case "numbers": {
      const parts = t.split(/[\s,;]+/).filter((p) => p !== "");
      const values: number[] = [];
      for (const part of parts) {
        const n = parseNumber(part);
        if (n === null) return { ok: false, error: `${f.title}: "${part}" is not a number.` };
        if (f.integerItems && !Number.isInteger(n))
          return { ok: false, error: `${f.title}: ${part} is not a whole number.` };
        const bad = boundsError(f, n, `Each of ${f.title}`);
        if (bad) return { ok: false, error: bad };
        values.push(n);
      }
      const countError = itemsError(f, values.length);
      return countError ? { ok: false, error: countError } : { ok: true, value: values };
    }
    case "enum": {
      const option = f.options?.find((o) => String(o) === t);
      return option === undefined
        ? { ok: false, error: `${f.title} must be one of ${(f.options ?? []).join(", ")}.` }
        : { ok: true, value: option };
    }
    case "string":
      return stringCheck(f, t);
    default:
      return { ok: false, error: `${f.title} cannot be typed in.` };
  }
}

function itemsError(f: FormField, n: number): string | null {
  const { minItems: lo, maxItems: hi } = f;
  if (lo !== undefined && hi !== undefined && lo === hi && n !== lo)
    return `${f.title} needs ${lo} number${lo === 1 ? "" : "s"}.`;
  if (lo !== undefined && n < lo)
    return `${f.title} needs at least ${lo} number${lo === 1 ? "" : "s"}.`;
  if (hi !== undefined && n > hi)
    return `${f.title} takes at most ${hi} number${hi === 1 ? "" : "s"}.`;
  return null;
}

function stringCheck(f: FormField, t: string): Parsed {
  if (t === "" && f.nullable) return { ok: true, value: null };
  if (f.minLength !== undefined && t.length < f.minLength)
    return {
      ok: false,
      error:
        f.minLength === 1
          ? `${f.title} is needed.`
          : `${f.title} needs at least ${f.minLength} characters.`,
    };
  if (f.maxLength !== undefined && t.length > f.maxLength)
    return { ok: false, error: `${f.title} takes at most ${f.maxLength} characters.` };
  if (f.pattern !== undefined) {
    try {
      if (!new RegExp(f.pattern, "u").test(t))
        return { ok: false, error: `${f.title} is not in the expected form.` };
    } catch {
      // A pattern JavaScript cannot read: the server checks it.
    }
  }
  return { ok: true, value: t };
}

/** What the input of a field shows for `value`. */
export function inputText(f: FormField, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (f.kind === "numbers" && Array.isArray(value)) return value.map((v) => String(v)).join(", ");
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** Each value's problem, by the field's dotted path ("annulus", "limits.lo"); {} when all is well. */
export function validateValues(
  fields: FormField[],
  values: Record<string, unknown>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const key = f.path.join(".");
    const value = values[f.name];
    if (value === undefined || value === null) {
      if (f.required && !(value === null && f.nullable)) errors[key] = `${f.title} is needed.`;
      continue;
    }
    if (f.kind === "object") {
      if (!isObject(value)) errors[key] = `${f.title} is not filled in.`;
      else Object.assign(errors, validateValues(f.fields ?? [], value));
      continue;
    }
    if (f.kind === "boolean") {
      if (typeof value !== "boolean") errors[key] = `${f.title} must be yes or no.`;
      continue;
    }
    const text = inputText(f, value);
    const parsed = parseInput(f, text);
    if (!parsed.ok) errors[key] = parsed.error;
  }
  return errors;
}

/** `values` with the value at `path` replaced (nested objects copied, never changed in place). */
export function withValue(
  values: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return values;
  if (rest.length === 0) return { ...values, [head]: value };
  const inner = isObject(values[head]) ? values[head] : {};
  return { ...values, [head]: withValue(inner, rest, value) };
}

// ---------------------------------------------------------------------------------------------
// Drawing

export interface FormModel {
  fields: FormField[];
  values: Record<string, unknown>;
  errors: Record<string, string>;
  /** Raw text of inputs that do not parse (kept so the user can fix what they typed). */
  drafts: Record<string, string>;
  /** Unique per form on the page: names the inputs' ids. */
  idPrefix: string;
}

export type FormInput = (field: FormField, text: string | boolean) => void;

function fieldTemplate(
  f: FormField,
  m: FormModel,
  values: Record<string, unknown>,
  on: FormInput,
): TemplateResult {
  const key = f.path.join(".");
  const id = `${m.idPrefix}-${key.replace(/\W/g, "_")}`;
  const error = m.errors[key];
  const value = values[f.name];
  const help = f.help
    ? html`<small class="job-form-help" id=${`${id}-help`}>${f.help}</small>`
    : nothing;
  const errorLine = error
    ? html`<small class="job-form-error" role="alert" data-testid="job-form-error">${error}</small>`
    : nothing;
  if (f.kind === "object") {
    return html`<fieldset class="job-form-group" data-field=${key}>
      <legend title=${f.help}>${f.title}</legend>
      ${(f.fields ?? []).map((inner) => fieldTemplate(inner, m, isObject(value) ? value : {}, on))}
    </fieldset>`;
  }
  if (f.kind === "boolean") {
    return html`<div class="job-form-field job-form-check" data-field=${key}>
      <label for=${id}
        ><input
          id=${id}
          type="checkbox"
          name=${key}
          .checked=${value === true}
          aria-describedby=${`${id}-help`}
          @change=${(e: Event) => on(f, (e.target as HTMLInputElement).checked)}
        />${f.title}</label
      >
      ${help}${errorLine}
    </div>`;
  }
  let control: TemplateResult;
  if (f.kind === "enum") {
    control = html`<select
      id=${id}
      name=${key}
      aria-describedby=${`${id}-help`}
      @change=${(e: Event) => on(f, (e.target as HTMLSelectElement).value)}
    >
      ${f.nullable && !f.required ? html`<option value="" ?selected=${value === null || value === undefined}>—</option>` : nothing}
      ${(f.options ?? []).map((o) => html`<option value=${String(o)} ?selected=${o === value}>${String(o)}</option>`)}
    </select>`;
  } else {
    const numeric = f.kind === "number" || f.kind === "integer";
    const text = m.drafts[key] ?? inputText(f, value);
    control = html`<input
      id=${id}
      name=${key}
      type="text"
      inputmode=${numeric ? "decimal" : "text"}
      .value=${text}
      placeholder=${f.kind === "numbers" ? "numbers, comma separated" : f.nullable ? "none" : ""}
      aria-invalid=${error ? "true" : "false"}
      aria-describedby=${`${id}-help`}
      @change=${(e: Event) => on(f, (e.target as HTMLInputElement).value)}
    />`;
  }
  return html`<div class="job-form-field" data-field=${key}>
    <label for=${id}>${f.title}${rangeHint(f)}</label>
    ${control}${help}${errorLine}
  </div>`;
}

function rangeHint(f: FormField): string {
  const lo = f.minimum ?? f.exclusiveMinimum;
  const hi = f.maximum ?? f.exclusiveMaximum;
  if (lo === undefined && hi === undefined) return "";
  if (lo !== undefined && hi !== undefined && hi - lo < 1e8)
    return ` (${formatNumber(lo)}–${formatNumber(hi)})`;
  return "";
}

/** The form's inputs (no <form>, no buttons: the tool adds its own). */
export function jobFormTemplate(m: FormModel, on: FormInput): TemplateResult {
  return html`<div class="job-form">${m.fields.map((f) => fieldTemplate(f, m, m.values, on))}</div>`;
}

// ---------------------------------------------------------------------------------------------
// The job functions' schemas

export interface JobFunction {
  name: string;
  description: string;
  module: string;
  heavy: boolean;
  params: JsonSchema;
}

let catalogue: Promise<Map<string, JobFunction>> | null = null;

/** The job functions the user may run (`GET /api/jobs`), fetched once per page; a failure is retried next time. */
export function jobFunctions(): Promise<Map<string, JobFunction>> {
  if (!catalogue) {
    catalogue = apiRequest<JobFunction[]>("GET", "/api/jobs").then(
      (list) => new Map(list.map((f) => [f.name, f])),
      (error: unknown) => {
        catalogue = null;
        throw error;
      },
    );
  }
  return catalogue;
}

/** The parameter schema of `fn`, or null when the user may not run it (or it does not exist). */
export async function jobSchema(fn: string): Promise<JsonSchema | null> {
  return (await jobFunctions()).get(fn)?.params ?? null;
}

// ---------------------------------------------------------------------------------------------
// The element

let forms = 0;

/**
 * <toyz-job-form>: set `schema` (a job's parameter schema), optionally `omit` and `value` (values to
 * start from, over the defaults). Every change fires `toyz-form-change` with `{values, valid}`;
 * `values` is what to send (with the omitted parameters added by the tool), `valid` whether
 * every input parses. `check()` shows every message and says whether the form is valid.
 */
export class ToyzJobForm extends LitElement {
  static override properties = {
    schema: { attribute: false },
    omit: { attribute: false },
    value: { attribute: false },
    _errors: { state: true },
    _drafts: { state: true },
  };

  declare schema: JsonSchema | null;
  declare omit: readonly string[];
  declare value: Record<string, unknown> | null;
  declare private _errors: Record<string, string>;
  declare private _drafts: Record<string, string>;

  private fields: FormField[] = [];
  private values: Record<string, unknown> = {};
  private builtFor: unknown = null;
  private readonly idPrefix = `job-form-${++forms}`;

  constructor() {
    super();
    this.schema = null;
    this.omit = [];
    this.value = null;
    this._errors = {};
    this._drafts = {};
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** The values to send (without the omitted parameters). */
  get currentValues(): Record<string, unknown> {
    this.build();
    return this.values;
  }

  /** Shows every problem; true when there is none. */
  check(): boolean {
    this.build();
    const errors = { ...validateValues(this.fields, this.values) };
    for (const [key, text] of Object.entries(this._drafts)) {
      errors[key] ??= `${text} cannot be used.`;
    }
    this._errors = errors;
    return Object.keys(errors).length === 0;
  }

  private build(): void {
    const key = [this.schema, this.omit, this.value];
    if (this.builtFor !== null && (this.builtFor as unknown[]).every((v, i) => v === key[i]))
      return;
    this.builtFor = key;
    this.fields = this.schema ? formFields(this.schema, { omit: this.omit }) : [];
    this.values = { ...defaultValues(this.fields), ...(this.value ?? {}) };
    this._errors = {};
    this._drafts = {};
  }

  private onInput(f: FormField, text: string | boolean): void {
    const key = f.path.join(".");
    const parsed = parseInput(f, text);
    const errors = { ...this._errors };
    const drafts = { ...this._drafts };
    if (parsed.ok) {
      this.values = withValue(this.values, f.path, parsed.value);
      delete errors[key];
      delete drafts[key];
    } else {
      errors[key] = parsed.error;
      drafts[key] = String(text);
    }
    this._errors = errors;
    this._drafts = drafts;
    this.dispatchEvent(
      new CustomEvent("toyz-form-change", {
        bubbles: true,
        composed: true,
        detail: { values: this.values, valid: Object.keys(drafts).length === 0 },
      }),
    );
  }

  protected override render(): TemplateResult {
    this.build();
    if (this.fields.length === 0) return html``;
    return jobFormTemplate(
      {
        fields: this.fields,
        values: this.values,
        errors: this._errors,
        drafts: this._drafts,
        idPrefix: this.idPrefix,
      },
      (f, text) => this.onInput(f, text),
    );
  }
}

if (!customElements.get("toyz-job-form")) customElements.define("toyz-job-form", ToyzJobForm);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-job-form": ToyzJobForm;
  }
}
