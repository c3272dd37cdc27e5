// <toyz-header-search>: search the header index of the file browser's folder and below
// (`FILTER=r* EXPTIME>60 DATE-OBS:2026-11-23 OBJECT~"NGC 1"`, GET /api/headers/search). The matches
// are listed like the browser's entries (only files the user may read); a double click opens one
// (`toyz-open-file`); the server's sentence is shown for a query it cannot read. "Index" brings the
// folder's index up to date (the `headers.index` job, over HTTP) and searches again. "Night table"
// asks the file browser to open the folder's index as a table (`toyz-night-table`, {path}).
import { LitElement, html, nothing, type TemplateResult } from "lit";

import "./header-search.css";

import { ApiError, apiRequest } from "./api";
import type { OpenFileDetail } from "./file-browser";
import type { components } from "./generated/api";

type SearchOut = components["schemas"]["SearchOut"];
type FoundOut = components["schemas"]["FoundOut"];

/** How many matches one search lists (the total counts them all). */
const LIMIT = 200;

interface JobRun {
  status: string;
  error?: { code: string; message: string } | null;
}

function csrf(): string | undefined {
  return document.querySelector("[data-csrf]")?.getAttribute("data-csrf") ?? undefined;
}

function detail(found: FoundOut): string {
  const parts = [
    found.date_obs ? found.date_obs.slice(0, 19).replace("T", " ") : "",
    found.filter,
    found.exptime !== null && found.exptime !== undefined ? `${found.exptime} s` : "",
    found.object,
  ];
  return parts.filter((p) => p !== "").join(" · ");
}

export class ToyzHeaderSearch extends LitElement {
  static override properties = {
    folder: { type: String },
    _query: { state: true },
    _answer: { state: true },
    _error: { state: true },
    _busy: { state: true },
    _indexing: { state: true },
  };

  /** The folder searched (and its subfolders): the browser's current folder. */
  declare folder: string;
  declare private _query: string;
  declare private _answer: SearchOut | null;
  declare private _error: string | null;
  declare private _busy: boolean;
  declare private _indexing: boolean;
  // Not reactive: counts searches, so that only the latest answer is shown.
  private _asked = 0;

  constructor() {
    super();
    // Declared, not initialised as class fields: a field would hide Lit's reactive accessor.
    this.folder = "";
    this._query = "";
    this._answer = null;
    this._error = null;
    this._busy = false;
    this._indexing = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override updated(changed: Map<string, unknown>): void {
    // Another folder: the old answer no longer applies; the query stays and is asked again.
    if (changed.has("folder") && changed.get("folder") !== undefined && this._query.trim()) {
      void this.search();
    }
  }

  private async search(): Promise<void> {
    const query = this._query.trim();
    const asked = ++this._asked;
    if (!query) {
      this._answer = null;
      this._error = null;
      return;
    }
    this._busy = true;
    const params = new URLSearchParams({ path: this.folder, q: query, limit: String(LIMIT) });
    try {
      const answer = await apiRequest<SearchOut>("GET", `/api/headers/search?${params}`);
      if (asked !== this._asked) return; // a later search is under way
      this._answer = answer;
      this._error = null;
    } catch (error) {
      if (asked !== this._asked) return;
      this._answer = null;
      this._error = error instanceof Error ? error.message : String(error);
    } finally {
      if (asked === this._asked) this._busy = false;
    }
  }

  private async index(): Promise<void> {
    this._indexing = true;
    this._error = null;
    try {
      const job = await apiRequest<{ id: string }>(
        "POST",
        "/api/jobs/headers.index",
        { path: this.folder, recursive: true },
        csrf(),
      );
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const run = await apiRequest<JobRun>("GET", `/api/jobs/runs/${job.id}`);
        if (run.status === "queued" || run.status === "running") continue;
        if (run.status !== "done")
          throw new ApiError(
            run.error?.code ?? run.status,
            run.error?.message ?? "The index run failed.",
            500,
          );
        break;
      }
      await this.search();
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
    } finally {
      this._indexing = false;
    }
  }

  private open(found: FoundOut): void {
    this.dispatchEvent(
      new CustomEvent<OpenFileDetail>("toyz-open-file", {
        bubbles: true,
        composed: true,
        detail: { path: found.path },
      }),
    );
  }

  private nightTable(): void {
    this.dispatchEvent(
      new CustomEvent("toyz-night-table", {
        bubbles: true,
        composed: true,
        detail: { path: this.folder },
      }),
    );
  }

  private clear(): void {
    this._query = "";
    void this.search();
  }

  protected override render(): TemplateResult {
    const answer = this._answer;
    return html`<div class="header-search" data-testid="header-search">
      <form
        class="header-search-form"
        @submit=${(event: SubmitEvent) => {
          event.preventDefault();
          void this.search();
        }}
      >
        <input
          type="search"
          data-testid="header-search-input"
          aria-label="Search the FITS headers of this folder and below"
          title='Terms ANDed: KEY=v (* ? wildcards), KEY!=v, KEY>n, KEY<n, KEY:prefix, KEY~text, words of the file name; "quote values with spaces"'
          placeholder='FILTER=r* EXPTIME>60 DATE-OBS:2026-11-23 OBJECT~"NGC 1"'
          autocomplete="off"
          spellcheck="false"
          .value=${this._query}
          @input=${(event: Event) => (this._query = (event.target as HTMLInputElement).value)}
          @keydown=${(event: KeyboardEvent) => {
            if (event.key === "Escape") this.clear();
          }}
        />
        <button type="submit" data-testid="header-search-go" ?disabled=${this._busy}>Search</button>
        <button
          type="button"
          data-testid="header-index"
          title="Bring the header index of this folder and below up to date"
          ?disabled=${this._indexing}
          @click=${() => void this.index()}
        >
          ${this._indexing ? "Indexing…" : "Index"}
        </button>
      </form>
      ${this._error ? html`<div class="header-search-error" role="alert" data-testid="header-search-error">${this._error}</div>` : nothing}
      ${answer ? this.renderAnswer(answer) : nothing}
    </div>`;
  }

  private renderAnswer(answer: SearchOut): TemplateResult {
    const shown = answer.results.length;
    const summary =
      answer.total === 0
        ? "No indexed file matches (Index brings this folder's index up to date)."
        : `${answer.total} match${answer.total === 1 ? "" : "es"}${shown < answer.total ? `, the first ${shown} listed` : ""}.`;
    return html`<div class="header-search-summary" data-testid="header-search-summary">
        ${summary}
        <button
          data-testid="header-night-table"
          title="Every indexed exposure of this folder and below as a table, plotted against time"
          @click=${() => this.nightTable()}
        >
          Night table
        </button>
        <button class="icon-button" title="Close the search" @click=${() => this.clear()}>✕</button>
      </div>
      <ul class="header-search-results entries" data-testid="header-search-results">
        ${answer.results.map(
          (found) => html`<li class="entry-row">
            <button
              class="entry file"
              data-testid="header-search-result"
              data-path=${found.path}
              title=${found.problem || found.path}
              @dblclick=${() => this.open(found)}
              @keydown=${(event: KeyboardEvent) => {
                if (event.key === "Enter") this.open(found);
              }}
            >
              <span class="entry-name">${found.name}</span>
              <span class="entry-detail">${detail(found)}</span>
            </button>
          </li>`,
        )}
      </ul>`;
  }
}

customElements.define("toyz-header-search", ToyzHeaderSearch);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-header-search": ToyzHeaderSearch;
  }
}
