// <toyz-file-browser>: the folders of the data root the user may see, through `files.list`.
// Clicking an image fires `toyz-open-file` (detail: {path}); the workspace decides where.
import { LitElement, html, nothing, svg, type TemplateResult } from "lit";

import "./places";
import type { GoDetail } from "./places";
import type { Entry, Listing } from "./protocol";
import { JobError, errorText, type WorkspaceSocket } from "./socket";
import { formatMtime, formatSize } from "./util";

export interface OpenFileDetail {
  path: string;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

function sortEntries(entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === "dir" ? -1 : 1;
    return collator.compare(a.name, b.name);
  });
}

function listErrorText(error: unknown): string {
  if (error instanceof JobError) {
    if (error.message) return error.message;
    if (error.code === "forbidden") return "You don't have access to this folder.";
    if (error.code === "not_found") return "This folder does not exist.";
    return error.code;
  }
  return error instanceof Error ? error.message : String(error);
}

const folderIcon = svg`<path d="M1.5 3.5h4l1.5 1.5h7.5v8h-13z" fill="currentColor" opacity="0.85"/>`;
const imageIcon = svg`<rect x="2" y="1.5" width="12" height="13" rx="1.5" fill="none" stroke="currentColor"/>
  <circle cx="6" cy="6" r="1.6" fill="currentColor"/><path d="M3 13l4-4 2.5 2.5L11 10l2 3z" fill="currentColor"/>`;
const fileIcon = svg`<path d="M3.5 1.5h6l3 3v10h-9z" fill="none" stroke="currentColor"/>`;
const upIcon = svg`<path d="M8 3l-4.5 5h3v5h3V8h3z" fill="currentColor"/>`;

function icon(body: ReturnType<typeof svg>): TemplateResult {
  return html`<svg class="entry-icon" viewBox="0 0 16 16" aria-hidden="true">${body}</svg>`;
}

interface FolderPrerender {
  path: string;
  jobId: number;
  running: boolean;
  done: number;
  total: number;
  message: string;
  outcome: "ok" | "error" | null;
}

export class ToyzFileBrowser extends LitElement {
  static override properties = {
    path: { type: String },
    selected: { type: String },
    _listing: { state: true },
    _loading: { state: true },
    _error: { state: true },
    _night: { state: true },
  };

  /** The folder shown, relative to the data root ("" is the root). */
  declare path: string;
  /** The file last opened, highlighted in the list. */
  declare selected: string;
  declare private _listing: Listing | null;
  declare private _loading: boolean;
  declare private _error: string | null;
  /** The folder pre-render started from here, while it runs and after it ends. */
  declare private _night: FolderPrerender | null;

  private _socket: WorkspaceSocket | null = null;
  private seq = 0;

  constructor() {
    super();
    // A reload (or a bookmark) opens the folder the address names.
    this.path = folderInAddress();
    this.selected = "";
    this._listing = null;
    this._loading = false;
    this._error = null;
    this._night = null;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  get socket(): WorkspaceSocket | null {
    return this._socket;
  }

  set socket(socket: WorkspaceSocket | null) {
    // Lit sets object-valued properties on every render: list only for a new socket.
    if (socket === this._socket) return;
    this._socket = socket;
    if (socket) void this.load(this.path);
  }

  /** The listing shown now (for tests). */
  get listing(): Listing | null {
    return this._listing;
  }

  /** Shows folder `path`. */
  async load(path: string): Promise<void> {
    const socket = this._socket;
    if (!socket) return;
    const seq = ++this.seq;
    this._loading = true;
    this._error = null;
    try {
      const listing = await socket.job("files.list", { path });
      if (seq !== this.seq) return;
      this._listing = { ...listing, entries: sortEntries(listing.entries) };
      this.path = listing.path;
      rememberFolder(listing.path);
    } catch (error) {
      if (seq !== this.seq) return;
      this._error = listErrorText(error);
      this.path = path;
    } finally {
      if (seq === this.seq) this._loading = false;
    }
  }

  refresh(): void {
    void this.load(this.path);
  }

  /** Pre-renders every image in the folder shown (and its sub-folders), or cancels that run. */
  async prerenderFolder(): Promise<void> {
    const socket = this._socket;
    if (!socket) return;
    const running = this._night;
    if (running?.running) {
      socket.cancel(running.jobId);
      return;
    }
    const path = this.path;
    const job = socket.job("imaging.prerender_folder", { path, recursive: true }, (progress) => {
      if (this._night?.jobId !== job.id) return;
      this._night = {
        ...this._night,
        done: progress.done,
        total: progress.total,
        message: progress.message ?? "",
      };
    });
    this._night = {
      path,
      jobId: job.id,
      running: true,
      done: 0,
      total: 0,
      message: "Looking for images…",
      outcome: null,
    };
    try {
      const result = await job;
      const failed = result.failed ? `, ${result.failed} failed` : "";
      const first = result.failures[0];
      const why = first ? ` — ${first.path}: ${first.message}` : "";
      this.finishNight(
        job.id,
        `${result.built} built, ${result.skipped} already done${failed}${why}`,
        result.failed ? "error" : "ok",
      );
    } catch (error) {
      const text =
        error instanceof JobError && error.code === "cancelled" ? "Cancelled." : errorText(error);
      this.finishNight(job.id, text, "error");
    }
  }

  private finishNight(jobId: number, message: string, outcome: "ok" | "error"): void {
    if (this._night?.jobId !== jobId) return;
    this._night = { ...this._night, running: false, message, outcome };
  }

  private renderNight(): TemplateResult | typeof nothing {
    const night = this._night;
    if (!night) return nothing;
    const where = night.path === "" ? "data" : night.path;
    return html`<div class="browser-night ${night.outcome ?? ""}" data-testid="folder-prerender-status">
      <div class="night-title">
        ${night.running ? "Pre-rendering" : "Pre-rendered"} ${where}
        ${night.running ? html`<span>${night.done} / ${night.total || "?"} files</span>` : nothing}
      </div>
      ${
        night.running
          ? html`<progress data-testid="folder-prerender-progress" max=${night.total || 1} value=${night.done}></progress>`
          : nothing
      }
      <div class="night-message" title=${night.message}>${night.message}</div>
    </div>`;
  }

  private enter(entry: Entry): void {
    if (entry.kind === "dir") {
      void this.load(entry.path);
    } else if (entry.openable) {
      this.selected = entry.path;
      this.dispatchEvent(
        new CustomEvent<OpenFileDetail>("toyz-open-file", {
          bubbles: true,
          composed: true,
          detail: { path: entry.path },
        }),
      );
    }
  }

  protected override render(): TemplateResult {
    const listing = this._listing;
    const shownPath = listing && !this._error ? listing.path : this.path;
    const parts = shownPath.split("/").filter((p) => p !== "");
    const parent = this._error ? parentOf(this.path) : (listing?.parent ?? null);
    return html`<div class="browser" data-testid="file-browser">
      <div class="browser-head">
        <nav class="breadcrumb" data-testid="breadcrumb" aria-label="Folder">
          <button class="crumb" data-path="" @click=${() => void this.load("")}>data</button>
          ${parts.map((part, i) => {
            const path = parts.slice(0, i + 1).join("/");
            return html`<span class="crumb-sep">/</span
              ><button class="crumb" data-path=${path} @click=${() => void this.load(path)}>
                ${part}
              </button>`;
          })}
        </nav>
        <button
          class="icon-button"
          title=${this._night?.running ? "Cancel the pre-render" : "Pre-render every image in this folder and below"}
          data-testid="folder-prerender"
          @click=${() => void this.prerenderFolder()}
        >
          ${this._night?.running ? "■" : "⚡"}
        </button>
        <button
          class="icon-button"
          title="Refresh"
          data-testid="browser-refresh"
          @click=${() => this.refresh()}
        >
          ↻
        </button>
      </div>
      <toyz-places
        .current=${shownPath}
        @toyz-go=${(e: CustomEvent<GoDetail>) => void this.load(e.detail.path)}
      ></toyz-places>
      ${this.renderNight()}
      ${
        this._error
          ? html`<div class="browser-error" role="alert" data-testid="browser-error">
              ${this._error}
            </div>`
          : nothing
      }
      <ul class="entries ${this._loading ? "loading" : ""}">
        ${
          parent !== null
            ? html`<li>
                <button
                  class="entry up"
                  data-testid="entry-up"
                  data-path=${parent}
                  title="Parent folder"
                  @click=${() => void this.load(parent)}
                >
                  ${icon(upIcon)}<span class="entry-name">..</span>
                </button>
              </li>`
            : nothing
        }
        ${
          !this._error && listing
            ? listing.entries.map((entry) => this.renderEntry(entry))
            : nothing
        }
        ${
          !this._error && listing && listing.entries.length === 0
            ? html`<li class="entries-empty">This folder is empty.</li>`
            : nothing
        }
      </ul>
      ${this._loading ? html`<div class="browser-loading">Loading…</div>` : nothing}
    </div>`;
  }

  private renderEntry(entry: Entry): TemplateResult {
    const isDir = entry.kind === "dir";
    const usable = isDir || entry.openable;
    const title = isDir
      ? `Open folder ${entry.name}`
      : entry.openable
        ? `Open ${entry.name} in the image viewer`
        : `${entry.name}: not an image Toyz can open`;
    return html`<li>
      <button
        class="entry ${entry.kind} ${usable ? "" : "disabled"} ${entry.path === this.selected ? "selected" : ""}"
        data-testid="entry"
        data-path=${entry.path}
        data-name=${entry.name}
        data-kind=${entry.kind}
        data-openable=${entry.openable ? "true" : "false"}
        title=${title}
        aria-disabled=${usable ? "false" : "true"}
        @click=${() => this.enter(entry)}
      >
        ${icon(isDir ? folderIcon : entry.openable ? imageIcon : fileIcon)}
        <span class="entry-name">${entry.name}</span>
        <span class="entry-size" title=${formatMtime(entry.mtime)}
          >${isDir ? "" : formatSize(entry.size)}</span
        >
      </button>
    </li>`;
  }
}

/** Where this page's last folder is kept, for a return through a link without the address's folder. */
const storedFolderKey = (): string => `toyz.folder:${location.pathname}`;

/** The folder named by the page address (`#folder=samples/night1`), else the one this page last showed, "" for the root. */
function folderInAddress(): string {
  const named = new URLSearchParams(location.hash.slice(1)).get("folder");
  if (named !== null) return named;
  try {
    return localStorage.getItem(storedFolderKey()) ?? "";
  } catch {
    return ""; // storage refused (private mode, policies): start at the root
  }
}

/** Names `path` in the page address, without a history entry per folder. */
function rememberFolder(path: string): void {
  const params = new URLSearchParams(location.hash.slice(1));
  if (path === "") params.delete("folder");
  else params.set("folder", path);
  const hash = params.toString();
  history.replaceState(history.state, "", hash ? `#${hash}` : location.pathname + location.search);
  try {
    localStorage.setItem(storedFolderKey(), path);
  } catch {
    // Storage refused: the address alone remembers the folder.
  }
}

function parentOf(path: string): string | null {
  const parts = path.split("/").filter((p) => p !== "");
  if (parts.length === 0) return null;
  return parts.slice(0, -1).join("/");
}

customElements.define("toyz-file-browser", ToyzFileBrowser);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-file-browser": ToyzFileBrowser;
  }
  interface HTMLElementEventMap {
    "toyz-open-file": CustomEvent<OpenFileDetail>;
  }
}
