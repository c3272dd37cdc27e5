// An image viewer's "Detect sources" panel (docs/architecture.md "Source detection"): the scope (the
// image shown, the focal plane, one CCD, the selected region), the parameters from analysis.detect's
// schema (job-form.ts), the job's progress, and its table opened as a workspace source (a table tile
// and a first plot, as a table opened from the file browser) and overlaid on this viewer. Then the
// catalogue can be edited on the image (a click adds a source; a marker's popup deletes or relabels
// it: analysis.catalog_edit) and two sources cross-matched on the sky (analysis.crossmatch).
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from "lit";
import type OlMap from "ol/Map";
import type { EventsKey } from "ol/events";
import { unByKey } from "ol/Observable";

import type { CatalogEditResult, CrossmatchResult, DetectResult } from "../generated/socket";
import type { Description } from "../protocol";
import { MOSAIC_HDU } from "../protocol";
import { JobError, errorText, type WorkspaceSocket } from "../socket";
import type { RowsPage, SourceRegistry, SourceSpec } from "../sources/types";
import { basename } from "../util";
import type { ImageRef } from "../viewer/catalogue-layer";
import type { ViewerOverlays } from "../viewer/overlays";
import { jobSchema, type JsonSchema, type ToyzJobForm } from "./job-form";
import "./job-form";
import type { Region } from "./types";
import "./detection.css";

/** A region as analysis jobs take it (the contract's `Region`: the one type, in ./types). */
export type { Region } from "./types";

/** Where to detect: the picture shown, the whole focal plane, one CCD of the mosaic, the selected region. */
export type DetectScope = "image" | "mosaic" | "ccd" | "region";

/** Parameters the panel fills itself: not in the form. */
const OMIT = ["image", "region", "ccd"] as const;
/** The columns a catalogue needs for analysis.catalog_edit (a detection table's). */
const EDIT_COLUMNS = ["id", "label", "x", "y"];

export interface DetectionHost {
  socket(): WorkspaceSocket | null;
  /** The picture shown, or null. */
  image(): ImageRef | null;
  description(): Description | null;
  map(): OlMap | null;
  /** The region selected on the image (helper C's `viewer.regions`), or null. */
  selectedRegion(): Region | null;
  overlays(): ViewerOverlays;
  sources(): SourceRegistry | null;
  /** The viewer element: `toyz-open-table` bubbles from it to the workspace. */
  element(): HTMLElement;
}

interface Run {
  jobId: number;
  running: boolean;
  done: number;
  total: number;
  message: string;
  outcome: "ok" | "error" | null;
}

interface Match {
  running: boolean;
  message: string;
  outcome: "ok" | "error" | null;
}

/** Whether a source may be edited here: its file's folder is writable and it has a detection's columns. */
type Editable = boolean | "checking";

function parentOf(path: string): string {
  const at = path.lastIndexOf("/");
  return at < 0 ? "" : path.slice(0, at);
}

function formatSeconds(s: number): string {
  return s < 10 ? s.toFixed(1) : String(Math.round(s));
}

export class DetectionPanel {
  private open = false;
  private schema: JsonSchema | null = null;
  private schemaError: string | null = null;
  private scope: DetectScope = "image";
  private ccd: number | null = null;
  private run: Run | null = null;
  private result: { path: string; rows: number; seconds: number; ccds: number } | null = null;
  /** The source being edited by clicks on the image (its id), or null. */
  private editing: string | null = null;
  private editMessage: { text: string; error: boolean } | null = null;
  private editBusy = false;
  private readonly editable = new Map<string, Editable>();
  private clickKey: EventsKey | null = null;
  /** The source of this panel's last detection (the one to edit first). */
  private lastDetected = "";
  private matchA = "";
  private matchB = "";
  private maxSep = 1;
  private match: Match | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly deps: DetectionHost,
  ) {}

  /** Test and tool API: whether the panel is shown, and the source edited by clicks. */
  get shown(): boolean {
    return this.open;
  }

  get editedSource(): string | null {
    return this.editing;
  }

  toggle(): void {
    this.open = !this.open;
    if (this.open && !this.schema) void this.loadSchema();
    if (!this.open) this.stopEditing();
    this.host.requestUpdate();
  }

  dispose(): void {
    this.stopEditing();
    if (this.run?.running) this.deps.socket()?.cancel(this.run.jobId);
  }

  private async loadSchema(): Promise<void> {
    try {
      this.schema = await jobSchema("analysis.detect");
      this.schemaError = this.schema
        ? null
        : "Source detection is not available to you on this server.";
    } catch (error) {
      this.schemaError = errorText(error);
    }
    this.host.requestUpdate();
  }

  // -------------------------------------------------------------------------------------------
  // Detecting

  /** The scopes that make sense for the picture shown (a mosaic, a file with a mosaic, a region). */
  private scopes(): { value: DetectScope; label: string }[] {
    const d = this.deps.description();
    const image = this.deps.image();
    const out: { value: DetectScope; label: string }[] = [
      {
        value: "image",
        label: image?.hdu === MOSAIC_HDU ? "The focal plane shown" : "The image shown",
      },
    ];
    if (image && image.hdu !== MOSAIC_HDU && d?.hdus.some((h) => h.index === MOSAIC_HDU))
      out.push({ value: "mosaic", label: "The whole focal plane" });
    if (image?.hdu === MOSAIC_HDU) out.push({ value: "ccd", label: "One CCD" });
    if (this.deps.selectedRegion()) out.push({ value: "region", label: "The selected region" });
    return out;
  }

  private ccds(): { index: number; name: string }[] {
    const d = this.deps.description();
    return (d?.hdus ?? [])
      .filter((h) => h.index >= 0 && h.is_image && !h.problem && h.width > 0)
      .map((h) => ({ index: h.index, name: h.name || `HDU ${h.index}` }));
  }

  /** The job's parameters from the form and the scope, or a sentence saying what is missing. */
  private params(form: ToyzJobForm | null): Record<string, unknown> | string {
    const image = this.deps.image();
    if (!image) return "Open an image first.";
    if (!form) return "The form is not ready yet.";
    if (!form.check()) return "Some parameters cannot be used: see the messages above.";
    const params: Record<string, unknown> = { ...form.currentValues, image: { ...image } };
    const scope = this.scopes().some((s) => s.value === this.scope) ? this.scope : "image";
    if (scope === "mosaic") params["image"] = { ...image, hdu: MOSAIC_HDU };
    if (scope === "ccd") {
      const ccd = this.ccd ?? this.ccds()[0]?.index ?? null;
      if (ccd === null) return "This image has no CCD to choose.";
      params["ccd"] = ccd;
    }
    if (scope === "region") {
      const region = this.deps.selectedRegion();
      if (!region) return "Select a region on the image first.";
      params["region"] = region;
    }
    return params;
  }

  private async detect(form: ToyzJobForm | null): Promise<void> {
    const socket = this.deps.socket();
    if (this.run?.running) {
      socket?.cancel(this.run.jobId);
      return;
    }
    const params = this.params(form);
    if (!socket || typeof params === "string") {
      this.run = {
        jobId: -1,
        running: false,
        done: 0,
        total: 0,
        message: typeof params === "string" ? params : "Not connected.",
        outcome: "error",
      };
      this.host.requestUpdate();
      return;
    }
    this.result = null;
    const job = socket.job<DetectResult>("analysis.detect", params, (progress) => {
      if (this.run?.jobId !== job.id) return;
      this.run = {
        ...this.run,
        done: progress.done,
        total: progress.total,
        message: progress.message ?? this.run.message,
      };
      this.host.requestUpdate();
    });
    this.run = {
      jobId: job.id,
      running: true,
      done: 0,
      total: 0,
      message: "Starting…",
      outcome: null,
    };
    this.host.requestUpdate();
    try {
      const found = await job;
      if (this.run.jobId !== job.id) return;
      this.result = {
        path: found.path,
        rows: found.rows,
        seconds: found.seconds,
        ccds: found.per_ccd.length,
      };
      this.run = {
        ...this.run,
        running: false,
        done: this.run.total || 1,
        total: this.run.total || 1,
        message: `Found ${found.rows} source${found.rows === 1 ? "" : "s"} in ${formatSeconds(found.seconds)} s: ${basename(found.path)}.`,
        outcome: "ok",
      };
      // The server wrote it into a folder it checked we may write.
      const id = this.openAndOverlay(found.path);
      if (id) {
        this.editable.set(id, true);
        this.lastDetected = id;
        this.matchA = id;
      }
    } catch (error) {
      if (this.run?.jobId !== job.id) return;
      const cancelled = error instanceof JobError && error.code === "cancelled";
      this.run = {
        ...this.run,
        running: false,
        message: cancelled ? "Detection cancelled." : errorText(error),
        outcome: "error",
      };
    }
    this.host.requestUpdate();
  }

  /**
   * Opens a table the server wrote as the workspace opens one from the file browser (a source, a
   * table tile, a first plot) and, with `overlay`, draws it on this viewer. Returns the source's id.
   */
  private openAndOverlay(path: string, overlay = true): string | null {
    const element = this.deps.element();
    element.dispatchEvent(
      new CustomEvent("toyz-open-table", {
        bubbles: true,
        composed: true,
        detail: { path, table: 0 },
      }),
    );
    // The workspace adds the source at once (it reads the table afterwards).
    const spec = this.specFor(path);
    if (!spec) {
      this.editMessage = {
        text: `${basename(path)} could not be opened here; open it from the file browser.`,
        error: true,
      };
      return null;
    }
    if (overlay) this.deps.overlays().add(spec.id);
    return spec.id;
  }

  private specFor(path: string): SourceSpec | null {
    const specs = this.deps.sources()?.specs ?? [];
    return specs.find((s) => s.kind === "file" && s.path === path && s.table === 0) ?? null;
  }

  // -------------------------------------------------------------------------------------------
  // Editing

  /** Whether `source` may be edited (cached; the first ask starts a check and answers "checking"). */
  private editableState(source: string): Editable {
    const known = this.editable.get(source);
    if (known !== undefined) return known;
    this.editable.set(source, "checking");
    void this.check(source);
    return "checking";
  }

  private async check(source: string): Promise<void> {
    const store = this.deps.sources()?.get(source);
    const socket = this.deps.socket();
    let ok = false;
    try {
      if (store && socket && store.spec.kind === "file") {
        const d = await store.describe();
        const names = new Set(d.columns.map((c) => c.name));
        if (EDIT_COLUMNS.every((c) => names.has(c)) && /\.(fits?|fts)$/i.test(store.spec.path)) {
          const listing = await socket.job("files.list", { path: parentOf(store.spec.path) });
          ok = listing.writable;
        }
      }
    } catch {
      ok = false;
    }
    this.editable.set(source, ok);
    this.deps.overlays().redrawPopup();
    this.host.requestUpdate();
  }

  /** The viewer's overlays whose source may be edited (or is being checked). */
  private editableOverlays(): SourceSpec[] {
    const registry = this.deps.sources();
    return this.deps
      .overlays()
      .overlays.flatMap((o) => {
        const store = registry?.get(o.source);
        return store ? [store.spec] : [];
      })
      .filter((spec) => this.editableState(spec.id) === true);
  }

  private startEditing(source: string): void {
    const map = this.deps.map();
    if (!map) return;
    this.stopEditing();
    this.editing = source;
    this.editMessage = {
      text: "Click on the image to add a source; click a marker to delete or relabel it.",
      error: false,
    };
    this.clickKey = map.on("singleclick", (event) => {
      const [x = 0, y = 0] = event.coordinate;
      // A click on a marker opens its popup (the overlays' own click): no source added there.
      if (this.deps.overlays().markerAt(x, y)) return;
      void this.edit({ add: [{ x, y }] }, `Added a source at x ${x.toFixed(1)}, y ${y.toFixed(1)}`);
    });
    map.getTargetElement()?.classList.add("detect-editing");
    this.host.requestUpdate();
  }

  private stopEditing(): void {
    if (this.clickKey) unByKey(this.clickKey);
    this.clickKey = null;
    this.deps.map()?.getTargetElement()?.classList.remove("detect-editing");
    this.editing = null;
    this.host.requestUpdate();
  }

  /** Runs analysis.catalog_edit on the edited source (or `source`), then has every view of it read it again. */
  private async edit(
    change: {
      add?: { x: number; y: number }[];
      delete?: number[];
      relabel?: { row: number; label: string }[];
    },
    done: string,
    source: string | null = this.editing,
  ): Promise<void> {
    const registry = this.deps.sources();
    const store = source ? registry?.get(source) : null;
    const socket = this.deps.socket();
    if (!store || !socket || !source) return;
    if (this.editBusy) {
      this.editMessage = { text: "Wait for the last edit to finish.", error: true };
      this.host.requestUpdate();
      return;
    }
    this.editBusy = true;
    this.editMessage = { text: "Saving…", error: false };
    this.host.requestUpdate();
    try {
      const edited = await socket.job<CatalogEditResult>("analysis.catalog_edit", {
        path: store.spec.path,
        table: store.spec.table,
        ...change,
      });
      registry?.reload?.(source);
      this.editMessage = { text: `${done}: ${edited.rows} rows.`, error: false };
      if (this.result && this.result.path === edited.path) this.result.rows = edited.rows;
    } catch (error) {
      this.editMessage = { text: errorText(error), error: true };
    } finally {
      this.editBusy = false;
    }
    this.host.requestUpdate();
  }

  /** Delete and Relabel under a marker's row, for catalogues this user may edit. */
  rowActions(source: string, row: number, page: RowsPage | null): TemplateResult | typeof nothing {
    const state = this.editableState(source);
    if (state !== true) return nothing;
    const at = page?.columns.indexOf("label") ?? -1;
    const label = at >= 0 ? String(page?.cells[0]?.[at] ?? "") : "";
    const relabel = (event: Event): void => {
      const box = (event.target as HTMLElement).closest(".detect-row-actions");
      const text = box?.querySelector<HTMLInputElement>("input")?.value.trim() ?? "";
      this.deps.overlays().closePopup();
      void this.edit(
        { relabel: [{ row, label: text }] },
        `Relabelled row ${row} "${text}"`,
        source,
      );
    };
    return html`<div class="detect-row-actions" data-testid="row-actions">
      <button
        type="button"
        data-testid="row-delete"
        @click=${() => {
          this.deps.overlays().closePopup();
          void this.edit({ delete: [row] }, `Deleted row ${row}`, source);
        }}
      >
        Delete
      </button>
      <input
        type="text"
        data-testid="row-label"
        maxlength="64"
        aria-label="New label"
        .value=${label}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === "Enter") relabel(e);
        }}
      />
      <button type="button" data-testid="row-relabel" @click=${relabel}>Relabel</button>
    </div>`;
  }

  // -------------------------------------------------------------------------------------------
  // Cross-matching

  private async crossmatch(): Promise<void> {
    const registry = this.deps.sources();
    const socket = this.deps.socket();
    const a = registry?.get(this.matchA);
    const b = registry?.get(this.matchB);
    if (!socket || !a || !b || a.id === b.id) {
      this.match = { running: false, message: "Choose two different sources.", outcome: "error" };
      this.host.requestUpdate();
      return;
    }
    this.match = { running: true, message: "Matching…", outcome: null };
    this.host.requestUpdate();
    try {
      const found = await socket.job<CrossmatchResult>("analysis.crossmatch", {
        a: { path: a.spec.path, table: a.spec.table },
        b: { path: b.spec.path, table: b.spec.table },
        max_sep: this.maxSep,
      });
      const median =
        found.median_sep === null ? "" : `, median separation ${found.median_sep.toFixed(3)}″`;
      this.match = {
        running: false,
        message: `${found.matched} matched within ${this.maxSep}″${median}: ${basename(found.path)}.`,
        outcome: "ok",
      };
      this.openAndOverlay(found.path, false);
    } catch (error) {
      this.match = { running: false, message: errorText(error), outcome: "error" };
    }
    this.host.requestUpdate();
  }

  // -------------------------------------------------------------------------------------------
  // Drawing

  /** The toolbar's button. */
  buttonTemplate(hasImage: boolean): TemplateResult {
    return html`<button
      type="button"
      data-testid="detect-open"
      aria-pressed=${this.open ? "true" : "false"}
      title="Detect sources in this image, edit the catalogue, cross-match catalogues"
      ?disabled=${!hasImage && !this.open}
      @click=${() => this.toggle()}
    >
      Detect
    </button>`;
  }

  template(): TemplateResult | typeof nothing {
    if (!this.open) return nothing;
    if (this.editing) return this.editingTemplate(this.editing);
    const scopes = this.scopes();
    const scope = scopes.some((s) => s.value === this.scope) ? this.scope : "image";
    const run = this.run;
    const specs = (this.deps.sources()?.specs ?? []).filter((s) => s.kind === "file");
    const editable = this.editableOverlays();
    const formOf = (event: Event): ToyzJobForm | null =>
      (event.target as HTMLElement)
        .closest(".detect-panel")
        ?.querySelector<ToyzJobForm>("toyz-job-form") ?? null;
    return html`<section class="detect-panel" data-testid="detect-panel" aria-label="Source detection">
      <header class="detect-head">
        <strong>Detect sources</strong>
        <button class="icon-button" title="Close" @click=${() => this.toggle()}>×</button>
      </header>
      <label class="detect-field">
        <span>Where</span>
        <select
          data-testid="detect-scope"
          @change=${(e: Event) => {
            this.scope = (e.target as HTMLSelectElement).value as DetectScope;
            this.host.requestUpdate();
          }}
        >
          ${scopes.map((s) => html`<option value=${s.value} ?selected=${s.value === scope}>${s.label}</option>`)}
        </select>
      </label>
      ${
        scope === "ccd"
          ? html`<label class="detect-field">
              <span>CCD</span>
              <select
                data-testid="detect-ccd"
                @change=${(e: Event) => (this.ccd = Number((e.target as HTMLSelectElement).value))}
              >
                ${this.ccds().map((c) => html`<option value=${c.index} ?selected=${c.index === this.ccd}>${c.name}</option>`)}
              </select>
            </label>`
          : nothing
      }
      ${
        this.schemaError
          ? html`<p class="detect-message error" role="alert">${this.schemaError}</p>`
          : this.schema
            ? html`<toyz-job-form .schema=${this.schema} .omit=${OMIT}></toyz-job-form>`
            : html`<p class="detect-message">Loading the parameters…</p>`
      }
      <div class="detect-actions">
        <button
          type="button"
          class="primary"
          data-testid="detect-run"
          ?disabled=${!this.schema || !this.deps.image()}
          @click=${(e: Event) => void this.detect(formOf(e))}
        >
          ${run?.running ? "Cancel" : "Detect"}
        </button>
      </div>
      ${run ? this.runTemplate(run) : nothing}
      <h4>Edit a catalogue</h4>
      ${
        editable.length === 0
          ? html`<p class="detect-message muted">
              A detection you may write, shown on this image, can be edited here.
            </p>`
          : html`<div class="detect-actions">
              <select
                data-testid="edit-source"
                ?disabled=${this.editing !== null}
              >
                ${editable.map((s) => html`<option value=${s.id} ?selected=${s.id === (this.editing ?? this.lastDetected)}>${s.name}</option>`)}
              </select>
              <button
                type="button"
                data-testid="edit-toggle"
                aria-pressed=${this.editing ? "true" : "false"}
                @click=${(e: Event) => {
                  if (this.editing) {
                    this.stopEditing();
                    this.editMessage = null;
                    return;
                  }
                  const select = (e.target as HTMLElement)
                    .closest(".detect-actions")
                    ?.querySelector<HTMLSelectElement>("select");
                  if (select?.value) this.startEditing(select.value);
                }}
              >
                ${this.editing ? "Stop editing" : "Edit catalogue"}
              </button>
            </div>`
      }
      ${this.editMessageTemplate()}
      <h4>Cross-match</h4>
      ${
        specs.length < 2
          ? html`<p class="detect-message muted">Open two catalogues with RA/Dec to match them.</p>`
          : html`<div class="detect-match">
              ${(["a", "b"] as const).map(
                (which) => html`<label class="detect-field">
                  <span>${which === "a" ? "Match" : "against"}</span>
                  <select
                    data-testid=${`match-${which}`}
                    @change=${(e: Event) => {
                      const id = (e.target as HTMLSelectElement).value;
                      if (which === "a") this.matchA = id;
                      else this.matchB = id;
                    }}
                  >
                    <option value="">—</option>
                    ${specs.map(
                      (s) =>
                        html`<option
                          value=${s.id}
                          ?selected=${s.id === (which === "a" ? this.matchA : this.matchB)}
                        >${s.name}</option>`,
                    )}
                  </select>
                </label>`,
              )}
              <label class="detect-field">
                <span>within (″)</span>
                <input
                  type="number"
                  data-testid="match-sep"
                  min="0.01"
                  max="3600"
                  step="any"
                  .value=${String(this.maxSep)}
                  @change=${(e: Event) => {
                    const value = Number((e.target as HTMLInputElement).value);
                    if (Number.isFinite(value) && value > 0 && value <= 3600) this.maxSep = value;
                    else (e.target as HTMLInputElement).value = String(this.maxSep);
                  }}
                />
              </label>
              <div class="detect-actions">
                <button
                  type="button"
                  data-testid="match-run"
                  ?disabled=${this.match?.running ?? false}
                  @click=${() => void this.crossmatch()}
                >
                  Cross-match
                </button>
              </div>
              ${
                this.match
                  ? html`<p
                      class="detect-message ${this.match.outcome ?? ""}"
                      data-testid="match-status"
                      role=${this.match.outcome === "error" ? "alert" : "status"}
                    >
                      ${this.match.message}
                    </p>`
                  : nothing
              }
            </div>`
      }
    </section>`;
  }

  /** While editing, the panel shrinks to a bar: the image is what the user works on. */
  private editingTemplate(source: string): TemplateResult {
    const name = this.deps.sources()?.get(source)?.spec.name ?? source;
    return html`<section
      class="detect-panel editing"
      data-testid="detect-panel"
      aria-label="Catalogue editing"
    >
      <div class="detect-actions">
        <span class="detect-editing-name" title=${name}>Editing ${name}</span>
        <button
          type="button"
          data-testid="edit-toggle"
          aria-pressed="true"
          @click=${() => {
            this.stopEditing();
            this.editMessage = null;
          }}
        >
          Stop editing
        </button>
      </div>
      ${this.editMessageTemplate()}
    </section>`;
  }

  private editMessageTemplate(): TemplateResult | typeof nothing {
    const m = this.editMessage;
    return m
      ? html`<p
          class="detect-message ${m.error ? "error" : ""}"
          data-testid="edit-status"
          role=${m.error ? "alert" : "status"}
        >
          ${m.text}
        </p>`
      : nothing;
  }

  private runTemplate(run: Run): TemplateResult {
    const fraction = run.total > 0 ? run.done / run.total : 0;
    return html`<div
      class="detect-run ${run.outcome ?? "running"}"
      data-testid="detect-status"
      data-outcome=${run.outcome ?? "running"}
      role=${run.outcome === "error" ? "alert" : "status"}
    >
      ${
        run.running && run.total === 0
          ? html`<progress data-testid="detect-progress"></progress>`
          : run.running
            ? html`<progress data-testid="detect-progress" max="1" .value=${fraction}></progress>`
            : nothing
      }
      <span>${run.message}${run.running && run.total > 1 ? ` (${run.done} / ${run.total})` : ""}</span>
    </div>`;
  }
}
