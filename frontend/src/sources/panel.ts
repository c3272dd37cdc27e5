// <toyz-sources-panel>: the workspace's data sources in the sidebar. For each: its columns (units,
// UCDs, descriptions) and row count, derived columns added by expression, the live selection
// (count, invert, clear), named selections (save, apply, count, delete) and the export of a
// selection into a folder. "Plot" and "Table" fire `toyz-open-source`; the app adds the tile.
import { LitElement, html, nothing, type TemplateResult } from "lit";

import "./panel.css";
import { apiRequest } from "../api";
import { DENSITY_ROWS } from "../plots/state";
import { errorText } from "../socket";
import type { Shared } from "../protocol";
import type { NoticeDetail } from "../workspace-title";
import { countMask } from "./local";
import type { WorkspaceSources } from "./registry";
import type { HttpSourceStore } from "./store";
import type { ColumnInfo, SelectionState, SourceDescription, SourceSpec } from "./types";

export interface OpenSourceDetail {
  source: string;
  kind: "plot" | "table";
}

const NUMERIC = new Set(["float", "int", "bool"]);

/** Whether a column can be plotted (a number per row). */
export function plottable(column: ColumnInfo): boolean {
  return NUMERIC.has(column.kind) && column.shape.length === 0;
}

/**
 * A first plot of a source: its sky columns, else its pixel columns, else its first two numeric ones;
 * the density view for more than DENSITY_ROWS rows.
 */
export function firstPlot(source: string, d: SourceDescription): Record<string, unknown> {
  // The first column is the row number ("index"): a plot against it says little.
  const numeric = d.columns
    .slice(d.columns[0]?.name === "index" ? 1 : 0)
    .filter(plottable)
    .map((c) => c.name);
  let x = d.sky?.ra ?? d.pixel?.x ?? numeric[0] ?? d.columns[0]?.name ?? "";
  let y: string | null = d.sky?.dec ?? d.pixel?.y ?? numeric[1] ?? null;
  if (!d.sky && !d.pixel && numeric.length < 2) {
    x = numeric[0] ?? x;
    y = null;
  }
  // Past DENSITY_ROWS points saturate a scatter: the first view of two columns is the density view.
  const kind = !y ? "histogram" : d.rows > DENSITY_ROWS ? "density" : "scatter";
  // RA grows to the east, drawn to the left as on the sky.
  return { source, kind, x, y, xreverse: Boolean(d.sky) };
}

interface Described {
  description: SourceDescription | null;
  error: string | null;
}

export class ToyzSourcesPanel extends LitElement {
  static override properties = {
    mayChange: { type: Boolean },
    _described: { state: true },
    _counts: { state: true },
    _busy: { state: true },
    _home: { state: true },
  };

  declare mayChange: boolean;
  declare private _described: Map<string, Described>;
  /** Selected rows of each source's live selection (null while counting). */
  declare private _counts: Map<string, number | null>;
  declare private _busy: string | null;
  /** The user's home folder: where an export goes unless they name another (a catalogue's folder is often read-only). */
  declare private _home: string | null;

  private _sources: WorkspaceSources | null = null;
  private offChange: (() => void) | null = null;
  private readonly offSelection = new Map<string, () => void>();

  constructor() {
    super();
    this.mayChange = true;
    this._described = new Map();
    this._counts = new Map();
    this._busy = null;
    this._home = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    apiRequest<Shared>("GET", "/api/files/shared").then(
      (shared) => (this._home = shared.home),
      () => undefined, // no home known: exports default to the table's own folder
    );
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  get sources(): WorkspaceSources | null {
    return this._sources;
  }

  set sources(sources: WorkspaceSources | null) {
    if (sources === this._sources) return;
    this.offChange?.();
    this._sources = sources;
    this.offChange = sources?.onChange(() => this.follow()) ?? null;
    this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.offChange?.();
    for (const off of this.offSelection.values()) off();
    this.offSelection.clear();
  }

  /** Describes new sources and follows their selections. */
  private follow(): void {
    const specs = this._sources?.specs ?? [];
    const ids = new Set(specs.map((s) => s.id));
    for (const [id, off] of this.offSelection) {
      if (!ids.has(id)) {
        off();
        this.offSelection.delete(id);
      }
    }
    for (const spec of specs) {
      const store = this._sources?.get(spec.id);
      if (!store) continue;
      if (!this.offSelection.has(spec.id)) {
        this.offSelection.set(
          spec.id,
          store.onSelection((_state, mask) =>
            this.setCount(spec.id, mask ? countMask(mask) : null),
          ),
        );
        if (store.selection)
          void store.mask().then((m) => this.setCount(spec.id, m ? countMask(m) : null));
      }
      if (!this._described.has(spec.id)) void this.describe(store);
    }
    this.requestUpdate();
  }

  private setCount(id: string, count: number | null): void {
    this._counts = new Map(this._counts).set(id, count);
  }

  private async describe(store: HttpSourceStore): Promise<void> {
    this._described = new Map(this._described).set(store.id, { description: null, error: null });
    let entry: Described;
    try {
      entry = { description: await store.describe(), error: null };
    } catch (error) {
      entry = { description: null, error: errorText(error) };
    }
    this._described = new Map(this._described).set(store.id, entry);
  }

  private notice(text: string, kind: NoticeDetail["kind"]): void {
    this.dispatchEvent(
      new CustomEvent<NoticeDetail>("toyz-notice", { detail: { text, kind }, bubbles: true }),
    );
  }

  private open(source: string, kind: "plot" | "table"): void {
    this.dispatchEvent(
      new CustomEvent<OpenSourceDetail>("toyz-open-source", {
        detail: { source, kind },
        bubbles: true,
      }),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Actions

  private async addDerived(store: HttpSourceStore, form: HTMLFormElement): Promise<void> {
    const name = (form.elements.namedItem("name") as HTMLInputElement).value.trim();
    const expr = (form.elements.namedItem("expr") as HTMLInputElement).value.trim();
    if (!name || !expr) {
      this.notice("A derived column needs a name and an expression, e.g. colour = g - r.", "error");
      return;
    }
    const spec = store.spec;
    const d = this._described.get(store.id)?.description;
    if (d?.columns.some((c) => c.name === name) || spec.derived.some((c) => c.name === name)) {
      this.notice(`The source already has a column named ${name}.`, "error");
      return;
    }
    this._busy = `derived:${store.id}`;
    try {
      // The server checks the expression (and we hold its values for the plots that want it).
      await store.column(expr);
      this._sources?.update(store.id, { derived: [...spec.derived, { name, expr }] });
      form.reset();
    } catch (error) {
      this.notice(errorText(error), "error");
    } finally {
      this._busy = null;
    }
  }

  private saveSelection(store: HttpSourceStore, form: HTMLFormElement): void {
    const input = form.elements.namedItem("name") as HTMLInputElement;
    const name = input.value.trim();
    const state = store.selection;
    if (!state) {
      this.notice("Select some rows first (a lasso or a box in a plot).", "info");
      return;
    }
    if (!name) {
      this.notice("Give the selection a name.", "error");
      return;
    }
    const others = store.spec.selections.filter((s) => s.name !== name);
    this._sources?.update(store.id, { selections: [...others, { name, state }] });
    form.reset();
  }

  private invert(store: HttpSourceStore): void {
    const state = store.selection;
    if (!state) return;
    const inverted: SelectionState =
      state.kind === "not" ? state.of[0] : { kind: "not", of: [state] };
    store.select(inverted, "sources-panel");
  }

  private async count(store: HttpSourceStore, name: string, state: SelectionState): Promise<void> {
    try {
      const { count } = await store.serverMask(store.resolved(state));
      this.notice(`${name}: ${count.toLocaleString()} rows.`, "info");
    } catch (error) {
      this.notice(errorText(error), "error");
    }
  }

  private async exportSelection(store: HttpSourceStore, form: HTMLFormElement): Promise<void> {
    const value = (key: string): string =>
      (form.elements.namedItem(key) as HTMLInputElement | HTMLSelectElement).value.trim();
    const format = value("format");
    const folder = value("folder");
    const name = value("name");
    const which = value("which");
    if (!name) {
      this.notice("Give the exported file a name.", "error");
      return;
    }
    const named = store.spec.selections.find((s) => s.name === which);
    const selection =
      which === "" ? store.selection : which === "*" ? null : (named?.state ?? null);
    const spec = store.spec;
    this._busy = `export:${store.id}`;
    try {
      const answer = await apiRequest<{ path: string; rows: number }>(
        "POST",
        "/api/sources/export",
        {
          path: spec.path,
          table: spec.table,
          selection: selection ? store.resolved(selection) : null,
          columns: null,
          format,
          folder,
          name,
        },
      );
      this.notice(`Wrote ${answer.rows.toLocaleString()} rows to ${answer.path}.`, "info");
    } catch (error) {
      this.notice(errorText(error), "error");
    } finally {
      this._busy = null;
    }
  }

  // -------------------------------------------------------------------------------------------

  protected override render(): TemplateResult {
    const specs = this._sources?.specs ?? [];
    if (specs.length === 0) {
      return html`<div class="sources-empty" data-testid="sources-empty">
        No sources yet: open a table (CSV, FITS table, VOTable, …) from the file browser.
      </div>`;
    }
    return html`<ul class="sources-list" data-testid="sources-list">
      ${specs.map((spec) => this.renderSource(spec))}
    </ul>`;
  }

  private renderSource(spec: SourceSpec): TemplateResult {
    const store = this._sources?.get(spec.id);
    if (!store) return html``;
    const described = this._described.get(spec.id);
    const d = described?.description ?? null;
    const count = this._counts.get(spec.id);
    const folder = this._home ?? spec.path.split("/").slice(0, -1).join("/");
    const stem = (spec.path.split("/").pop() ?? "table").replace(/\.[^.]*$/, "");
    return html`<li class="source" data-testid="source" data-source=${spec.id} data-path=${spec.path}>
      <div class="source-head">
        <strong class="source-name" title=${spec.path}>${spec.name}</strong>
        <span class="source-rows" data-testid="source-rows" data-rows=${d?.rows ?? ""}
          >${d ? `${d.rows.toLocaleString()} rows × ${d.columns.length} columns` : described?.error ? "" : "…"}</span
        >
      </div>
      ${described?.error ? html`<div class="source-error" role="alert">${described.error}</div>` : nothing}
      <div class="source-actions">
        <button data-testid="source-plot" ?hidden=${!this.mayChange} @click=${() => this.open(spec.id, "plot")}>Plot</button>
        <button data-testid="source-table" ?hidden=${!this.mayChange} @click=${() => this.open(spec.id, "table")}>Table</button>
        <button
          data-testid="source-remove"
          ?hidden=${!this.mayChange}
          title="Remove this source from the workspace (the file stays)"
          @click=${() => this._sources?.remove(spec.id)}
        >
          Remove
        </button>
      </div>
      ${d ? this.renderColumns(d, spec) : nothing}
      ${this.renderDerived(store, spec)}
      <div class="source-selection" data-testid="source-selection">
        <span data-testid="selection-count" data-count=${count ?? ""}>
          ${store.selection ? (count === null || count === undefined ? "Selection: counting…" : `Selected: ${count.toLocaleString()} rows`) : "No selection"}
        </span>
        ${
          store.selection
            ? html`<button data-testid="selection-invert" @click=${() => this.invert(store)}>Invert</button>
                <button data-testid="selection-clear" @click=${() => store.select(null, "sources-panel")}>Clear</button>`
            : nothing
        }
        ${
          this.mayChange
            ? html`<form class="inline-form" @submit=${(e: SubmitEvent) => {
                e.preventDefault();
                this.saveSelection(store, e.currentTarget as HTMLFormElement);
              }}>
                <input name="name" placeholder="name" aria-label="Selection name" data-testid="selection-name" />
                <button type="submit" data-testid="selection-save" ?disabled=${!store.selection}>Save</button>
              </form>`
            : nothing
        }
        <ul class="named-selections">
          ${spec.selections.map(
            (named) => html`<li data-testid="named-selection" data-name=${named.name}>
              <span>${named.name}</span>
              <button @click=${() => store.select(named.state, "sources-panel")}>Apply</button>
              <button @click=${() => void this.count(store, named.name, named.state)}>Count</button>
              ${
                this.mayChange
                  ? html`<button
                      title="Forget this selection"
                      @click=${() =>
                        this._sources?.update(spec.id, {
                          selections: spec.selections.filter((s) => s.name !== named.name),
                        })}
                    >
                      ✕
                    </button>`
                  : nothing
              }
            </li>`,
          )}
        </ul>
      </div>
      <details class="source-export">
        <summary>Export</summary>
        <form
          data-testid="export-form"
          @submit=${(e: SubmitEvent) => {
            e.preventDefault();
            void this.exportSelection(store, e.currentTarget as HTMLFormElement);
          }}
        >
          <label
            >Rows
            <select name="which">
              <option value="">the current selection</option>
              <option value="*">all rows</option>
              ${spec.selections.map((s) => html`<option value=${s.name}>${s.name}</option>`)}
            </select></label
          >
          <label
            >Format
            <select name="format">
              <option value="csv">CSV</option>
              <option value="fits">FITS</option>
              <option value="votable">VOTable</option>
            </select></label
          >
          <label>Folder <input name="folder" .value=${folder} data-testid="export-folder" /></label>
          <label>Name <input name="name" .value=${`${stem}-selection`} data-testid="export-name" /></label>
          <button type="submit" ?disabled=${this._busy === `export:${spec.id}`}>Export</button>
        </form>
      </details>
    </li>`;
  }

  private renderColumns(d: SourceDescription, spec: SourceSpec): TemplateResult {
    return html`<details class="source-columns" open>
      <summary>Columns</summary>
      ${d.notes.length ? html`<ul class="source-notes">${d.notes.map((n) => html`<li>${n}</li>`)}</ul>` : nothing}
      <table class="columns-table" data-testid="columns-table">
        <thead><tr><th>Name</th><th>Unit</th><th>UCD</th><th>Description</th></tr></thead>
        <tbody>
          ${d.columns.map(
            (c) => html`<tr data-testid="column" data-name=${c.name} data-kind=${c.kind}>
              <td>${c.name}${c.shape.length ? html` <small>[${c.shape.join("×")}]</small>` : nothing}</td>
              <td>${c.unit ?? ""}</td>
              <td>${c.ucd ?? ""}</td>
              <td>${c.description ?? ""}</td>
            </tr>`,
          )}
          ${spec.derived.map(
            (c) => html`<tr data-testid="derived-column" data-name=${c.name}>
              <td>${c.name}</td><td></td><td></td><td><code>${c.expr}</code></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </details>`;
  }

  private renderDerived(store: HttpSourceStore, spec: SourceSpec): TemplateResult | typeof nothing {
    if (!this.mayChange) return nothing;
    return html`<form
      class="inline-form derived-form"
      data-testid="derived-form"
      @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        void this.addDerived(store, e.currentTarget as HTMLFormElement);
      }}
    >
      <input name="name" placeholder="new column" aria-label="Derived column name" />
      <span>=</span>
      <input name="expr" placeholder="g - r" aria-label="Expression" />
      <button type="submit" ?disabled=${this._busy === `derived:${spec.id}`}>Add</button>
    </form>`;
  }
}

customElements.define("toyz-sources-panel", ToyzSourcesPanel);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-sources-panel": ToyzSourcesPanel;
  }
  interface HTMLElementEventMap {
    "toyz-open-source": CustomEvent<OpenSourceDetail>;
  }
}
