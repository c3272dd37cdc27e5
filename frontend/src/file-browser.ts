// <toyz-file-browser>: the folders of the data root the user may see, through `files.list`.
// Clicking an image fires `toyz-open-file` (detail: {path}); the workspace decides where.
// Clicking a table file (the listing's `table`) fires `toyz-open-table` (detail: {path}); a FITS
// file is a table when the listing says it holds tables and no image (`openable` false), and offers
// "Open as table" when it has both.
// A folder's "Night table" (the head's button for the folder shown, each folder's ☾, the header
// search's button) fires `toyz-open-night` (detail: {path}) when the folder's header index has rows;
// when it has none, it offers to index the folder first (the `headers.index` job, with progress).
// Where the user may write (the listing's `writable`): drop files onto the listing or use Upload
// (a progress bar per file; "replace?" asked before overwriting), New folder, rename, delete into
// the trash, and the Trash view to restore. Another client's change refreshes the listing
// (the `folder.changed` event).
import { LitElement, html, nothing, svg, type TemplateResult } from "lit";

import { apiRequest } from "./api";
import {
  ApiError,
  deleteEntry,
  makeFolder,
  renameEntry,
  restoreEntry,
  uploadFile,
} from "./file-writing";
import "./header-search";
import "./places";
import type { GoDetail } from "./places";
import type { Entry, Listing } from "./protocol";
import { JobError, errorText, type WorkspaceSocket } from "./socket";
import "./trash-view";
import type { RestoredDetail } from "./trash-view";
import { formatMtime, formatSize } from "./util";

export interface OpenFileDetail {
  path: string;
}

export interface OpenNightDetail {
  /** The folder whose header index opens as a table. */
  path: string;
}

export interface OpenTableDetail {
  path: string;
  /** Which table of the file (the n-th table HDU of a FITS file); the first when absent. */
  table?: number;
}

/** Whether the listing says the entry is a table file (a FITS file may be an image as well). */
export function isTableEntry(entry: Entry): boolean {
  return entry.table === true;
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
const tableIcon = svg`<rect x="1.5" y="2.5" width="13" height="11" rx="1" fill="none" stroke="currentColor"/>
  <path d="M1.5 6h13M1.5 9.5h13M6 2.5v11" stroke="currentColor"/>`;
const fileIcon = svg`<path d="M3.5 1.5h6l3 3v10h-9z" fill="none" stroke="currentColor"/>`;
const upIcon = svg`<path d="M8 3l-4.5 5h3v5h3V8h3z" fill="currentColor"/>`;

function icon(body: ReturnType<typeof svg>): TemplateResult {
  return html`<svg class="entry-icon" viewBox="0 0 16 16" aria-hidden="true">${body}</svg>`;
}

/** One file being uploaded, or that was. */
interface Upload {
  key: number;
  folder: string;
  name: string;
  file: File;
  loaded: number;
  total: number;
  /** "exists": the server refused to overwrite; the user is asked whether to replace. */
  state: "uploading" | "done" | "error" | "exists";
  message: string;
  abort: (() => void) | null;
}

/** The inline name field: a new folder's name, or an entry's new name. */
type Editing =
  | { kind: "new-folder"; error: string | null; busy: boolean }
  | { kind: "rename"; path: string; name: string; error: string | null; busy: boolean };

/** The message above the listing after a change, with Undo after a deletion. */
interface Notice {
  text: string;
  kind: "info" | "error";
  undoId: string | null;
}

let uploadKeys = 0;

/** A folder's night table on its way: checking its index, offering to index it, indexing it. */
interface NightTable {
  path: string;
  phase: "checking" | "offer" | "indexing" | "error";
  jobId: number | null;
  done: number;
  total: number;
  message: string;
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
    _nightTable: { state: true },
    _uploads: { state: true },
    _editing: { state: true },
    _notice: { state: true },
    _dragging: { state: true },
    _trashOpen: { state: true },
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
  /** The night table asked from here, until it opens (or is given up). */
  declare private _nightTable: NightTable | null;
  declare private _uploads: Upload[];
  declare private _editing: Editing | null;
  declare private _notice: Notice | null;
  declare private _dragging: boolean;
  declare private _trashOpen: boolean;

  private _socket: WorkspaceSocket | null = null;
  private seq = 0;
  private unsubscribeChanged: (() => void) | null = null;

  constructor() {
    super();
    // A reload (or a bookmark) opens the folder the address names.
    this.path = folderInAddress();
    this.selected = "";
    this._listing = null;
    this._loading = false;
    this._error = null;
    this._night = null;
    this._nightTable = null;
    this._uploads = [];
    this._editing = null;
    this._notice = null;
    this._dragging = false;
    this._trashOpen = false;
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
    this.unsubscribeChanged?.();
    this.unsubscribeChanged = null;
    this._socket = socket;
    if (!socket) return;
    // Another client (or tab) changed the folder shown: list it again.
    this.unsubscribeChanged = socket.on("folder.changed", (event) => {
      if (event.path === this.path && !this._error) this.refresh();
    });
    void this.load(this.path);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribeChanged?.();
    this.unsubscribeChanged = null;
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

  // --- writing -------------------------------------------------------------------------------

  /** Whether the user may write in the folder shown. */
  get writable(): boolean {
    return !this._error && this._listing?.writable === true;
  }

  /** The CSRF token of the page (the workspace page's element carries it). */
  private csrf(): string {
    return this.closest<HTMLElement>("[data-csrf]")?.dataset.csrf ?? "";
  }

  /** Uploads `files` into the folder shown. */
  uploadFiles(files: Iterable<File>): void {
    const listing = this._listing;
    if (!listing || !this.writable) return;
    for (const file of files) {
      const upload: Upload = {
        key: ++uploadKeys,
        folder: listing.path,
        name: file.name,
        file,
        loaded: 0,
        total: file.size,
        state: "uploading",
        message: "",
        abort: null,
      };
      this._uploads = [...this._uploads, upload];
      this.startUpload(upload, false);
    }
  }

  private patchUpload(key: number, patch: Partial<Upload>): void {
    this._uploads = this._uploads.map((u) => (u.key === key ? { ...u, ...patch } : u));
  }

  private startUpload(upload: Upload, replace: boolean): void {
    const limit = this._listing?.max_upload_bytes ?? Number.POSITIVE_INFINITY;
    if (upload.file.size > limit) {
      this.patchUpload(upload.key, {
        state: "error",
        message: `${upload.name} is larger than the upload limit (${formatSize(limit)}).`,
      });
      return;
    }
    const request = uploadFile({
      csrf: this.csrf(),
      folder: upload.folder,
      name: upload.name,
      file: upload.file,
      replace,
      onProgress: (loaded, total) => this.patchUpload(upload.key, { loaded, total }),
    });
    this.patchUpload(upload.key, {
      state: "uploading",
      loaded: 0,
      message: "",
      abort: request.abort,
    });
    request.done.then(
      (entry) => {
        this.patchUpload(upload.key, {
          state: "done",
          loaded: upload.total,
          message: "",
          abort: null,
          name: entry.name,
        });
        if (upload.folder === this.path) this.refresh();
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.code === "exists" && !replace) {
          this.patchUpload(upload.key, { state: "exists", message: error.message, abort: null });
        } else {
          this.patchUpload(upload.key, { state: "error", message: errorText(error), abort: null });
        }
      },
    );
  }

  private clearUploads(): void {
    this._uploads = this._uploads.filter((u) => u.state === "uploading" || u.state === "exists");
  }

  private onDragOver(event: DragEvent): void {
    if (!this.writable || !event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    this._dragging = true;
  }

  private onDragLeave(event: DragEvent): void {
    const area = event.currentTarget as HTMLElement;
    if (!(event.relatedTarget instanceof Node && area.contains(event.relatedTarget))) {
      this._dragging = false;
    }
  }

  private onDrop(event: DragEvent): void {
    this._dragging = false;
    if (!this.writable) return;
    event.preventDefault();
    const files = event.dataTransfer?.files;
    if (files && files.length > 0) this.uploadFiles(Array.from(files));
  }

  private chooseFiles(): void {
    this.querySelector<HTMLInputElement>("input[data-testid=upload-input]")?.click();
  }

  private onFilesChosen(event: Event): void {
    const input = event.currentTarget as HTMLInputElement;
    if (input.files) this.uploadFiles(Array.from(input.files));
    input.value = ""; // the same file may be chosen again
  }

  private async submitName(name: string): Promise<void> {
    const editing = this._editing;
    if (!editing || editing.busy) return;
    this._editing = { ...editing, busy: true, error: null };
    try {
      if (editing.kind === "new-folder") {
        await makeFolder(this.csrf(), this.path, name);
      } else if (name !== editing.name) {
        await renameEntry(this.csrf(), editing.path, name);
      }
      this._editing = null;
      this.refresh();
    } catch (error) {
      this._editing = { ...editing, busy: false, error: errorText(error) };
    }
  }

  private async deleteEntry(entry: Entry): Promise<void> {
    try {
      const deleted = await deleteEntry(this.csrf(), entry.path);
      this._notice = {
        text: `${entry.name} was moved to the trash.`,
        kind: "info",
        undoId: deleted.id,
      };
      this.refresh();
    } catch (error) {
      this._notice = { text: errorText(error), kind: "error", undoId: null };
    }
  }

  private async undoDelete(id: string): Promise<void> {
    try {
      await restoreEntry(this.csrf(), id);
      this._notice = null;
      this.refresh();
    } catch (error) {
      this._notice = { text: errorText(error), kind: "error", undoId: null };
    }
  }

  private toggleTrash(): void {
    this._trashOpen = !this._trashOpen;
    this._editing = null;
  }

  private onRestored(event: CustomEvent<RestoredDetail>): void {
    if (event.detail.folder === this.path) this.refresh();
  }

  protected override updated(): void {
    // The inline name field takes the focus once, its name before the extension selected.
    const input = this.querySelector<HTMLInputElement>(
      "input[data-testid=name-input]:not([data-focused])",
    );
    if (input) {
      input.dataset.focused = "1";
      input.focus();
      const dot = input.value.lastIndexOf(".");
      input.setSelectionRange(0, dot > 0 ? dot : input.value.length);
    }
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

  /**
   * Opens the folder's header index as a table (`toyz-open-night`) when it has rows; otherwise
   * offers to index the folder first.
   */
  async openNightTable(path: string): Promise<void> {
    if (this._nightTable?.phase === "indexing") return;
    this._nightTable = { path, phase: "checking", jobId: null, done: 0, total: 0, message: "" };
    try {
      const rows = await this.indexedRows(path);
      if (this._nightTable?.path !== path) return;
      if (rows > 0) {
        this._nightTable = null;
        this.dispatchEvent(
          new CustomEvent<OpenNightDetail>("toyz-open-night", {
            bubbles: true,
            composed: true,
            detail: { path },
          }),
        );
        return;
      }
      this._nightTable = {
        ...this._nightTable,
        phase: "offer",
        message: `No exposure under ${path || "data"} is in the header index yet.`,
      };
    } catch (error) {
      if (this._nightTable?.path === path)
        this._nightTable = { ...this._nightTable, phase: "error", message: errorText(error) };
    }
  }

  /** How many exposures of the folder's header index the user may read. */
  private async indexedRows(path: string): Promise<number> {
    const params = new URLSearchParams({ path, kind: "headers" });
    const d = await apiRequest<{ rows: number }>("GET", `/api/sources/describe?${params}`);
    return d.rows;
  }

  /** Indexes the folder of the night table offered (and below), then opens its table. */
  async indexNight(): Promise<void> {
    const socket = this._socket;
    const asked = this._nightTable;
    if (!socket || !asked || asked.phase === "indexing") return;
    const path = asked.path;
    const job = socket.job("headers.index", { path, recursive: true }, (progress) => {
      if (this._nightTable?.jobId !== job.id) return;
      this._nightTable = {
        ...this._nightTable,
        done: progress.done,
        total: progress.total,
        message: progress.message ?? "",
      };
    });
    this._nightTable = {
      path,
      phase: "indexing",
      jobId: job.id,
      done: 0,
      total: 0,
      message: "Looking for FITS files…",
    };
    try {
      const result = await job;
      if (this._nightTable?.jobId !== job.id) return;
      if (result.files === 0) {
        this._nightTable = {
          ...this._nightTable,
          phase: "error",
          message: `No FITS file you may read is under ${path || "data"}.`,
        };
        return;
      }
      this._nightTable = { ...this._nightTable, phase: "checking" };
      await this.openNightTable(path);
      if (this._nightTable?.phase === "offer") {
        // Indexed, yet no header could be read: say why rather than offer the same again.
        const first = result.failures[0];
        this._nightTable = {
          ...this._nightTable,
          phase: "error",
          message: `No header under ${path || "data"} could be read${first ? ` — ${first.path}: ${first.problem}` : "."}`,
        };
      }
    } catch (error) {
      if (this._nightTable?.jobId !== job.id) return;
      const text =
        error instanceof JobError && error.code === "cancelled" ? "Cancelled." : errorText(error);
      this._nightTable = { ...this._nightTable, phase: "error", message: text };
    }
  }

  private cancelNightTable(): void {
    const asked = this._nightTable;
    if (asked?.phase === "indexing" && asked.jobId !== null) this._socket?.cancel(asked.jobId);
    else this._nightTable = null;
  }

  private renderNightTable(): TemplateResult | typeof nothing {
    const asked = this._nightTable;
    if (!asked || asked.phase === "checking") return nothing;
    const where = asked.path === "" ? "data" : asked.path;
    const outcome = asked.phase === "error" ? "error" : "";
    return html`<div class="browser-night ${outcome}" data-testid="night-table-status" data-phase=${asked.phase}>
      <div class="night-title">
        Night table of ${where}
        ${asked.phase === "indexing" ? html`<span>${asked.done} / ${asked.total || "?"} files</span>` : nothing}
      </div>
      ${
        asked.phase === "indexing"
          ? html`<progress data-testid="night-index-progress" max=${asked.total || 1} value=${asked.done}></progress>`
          : nothing
      }
      <div class="night-message" title=${asked.message}>${asked.message}</div>
      <div class="night-actions">
        ${
          asked.phase === "offer"
            ? html`<button class="primary" data-testid="night-index" @click=${() => void this.indexNight()}>
                Index it and open
              </button>`
            : nothing
        }
        <button data-testid="night-cancel" @click=${() => this.cancelNightTable()}>
          ${asked.phase === "indexing" ? "Cancel" : "Close"}
        </button>
      </div>
    </div>`;
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

  private openTable(entry: Entry): void {
    this.selected = entry.path;
    this.dispatchEvent(
      new CustomEvent<OpenTableDetail>("toyz-open-table", {
        bubbles: true,
        composed: true,
        detail: { path: entry.path },
      }),
    );
  }

  private enter(entry: Entry): void {
    if (entry.kind === "dir") {
      void this.load(entry.path);
      return;
    }
    // The listing tells a FITS file of tables only (`table`, not `openable`) from one with an image.
    if (isTableEntry(entry) && !entry.openable) {
      this.openTable(entry);
      return;
    }
    if (entry.openable) {
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
    const writable = this.writable;
    return html`<div
      class="browser ${this._dragging ? "dragging" : ""}"
      data-testid="file-browser"
      data-folder=${shownPath}
      data-writable=${writable ? "true" : "false"}
      @dragover=${(event: DragEvent) => this.onDragOver(event)}
      @dragleave=${(event: DragEvent) => this.onDragLeave(event)}
      @drop=${(event: DragEvent) => this.onDrop(event)}
    >
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
          title="Night table: this folder's exposures (and below) as a table, from the header index"
          data-testid="folder-night-table"
          @click=${() => void this.openNightTable(shownPath)}
        >
          ☾
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
      <toyz-header-search
        .folder=${shownPath}
        @toyz-night-table=${(e: CustomEvent<OpenNightDetail>) => {
          e.stopPropagation();
          void this.openNightTable(e.detail.path);
        }}
      ></toyz-header-search>
      <div class="browser-tools">
        ${
          writable && !this._trashOpen
            ? html`<button data-testid="upload-button" title="Upload files into this folder (or drop them here)" @click=${() => this.chooseFiles()}>
                  Upload
                </button>
                <input
                  type="file"
                  multiple
                  hidden
                  data-testid="upload-input"
                  @change=${(event: Event) => this.onFilesChosen(event)}
                />
                <button
                  data-testid="new-folder"
                  @click=${() => (this._editing = { kind: "new-folder", error: null, busy: false })}
                >
                  New folder
                </button>`
            : nothing
        }
        <span class="header-spacer"></span>
        <button
          class="${this._trashOpen ? "active" : ""}"
          data-testid="trash-toggle"
          title=${this._trashOpen ? "Back to the folder" : "Deleted files you may restore"}
          @click=${() => this.toggleTrash()}
        >
          ${this._trashOpen ? "Close trash" : "Trash"}
        </button>
      </div>
      ${this.renderNight()} ${this.renderNightTable()} ${this.renderUploads()} ${this.renderNotice()}
      ${
        this._trashOpen
          ? html`<toyz-trash-view
              .csrf=${this.csrf()}
              @toyz-restored=${(event: CustomEvent<RestoredDetail>) => this.onRestored(event)}
            ></toyz-trash-view>`
          : this.renderListing(listing, parent, writable)
      }
      ${this._dragging ? html`<div class="drop-hint">Drop files to upload them here</div>` : nothing}
    </div>`;
  }

  private renderListing(
    listing: Listing | null,
    parent: string | null,
    writable: boolean,
  ): TemplateResult {
    const editing = this._editing;
    return html`${
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
        ${editing?.kind === "new-folder" ? this.renderNameForm("", "Create", editing.error, editing.busy) : nothing}
        ${
          !this._error && listing
            ? listing.entries.map((entry) =>
                editing?.kind === "rename" && editing.path === entry.path
                  ? this.renderNameForm(entry.name, "Rename", editing.error, editing.busy)
                  : this.renderEntry(entry, writable),
              )
            : nothing
        }
        ${
          !this._error && listing && listing.entries.length === 0
            ? html`<li class="entries-empty">
                This folder is empty.${writable ? " Drop files here to upload them." : ""}
              </li>`
            : nothing
        }
      </ul>
      ${this._loading ? html`<div class="browser-loading">Loading…</div>` : nothing}`;
  }

  private renderNameForm(
    value: string,
    label: string,
    error: string | null,
    busy: boolean,
  ): TemplateResult {
    return html`<li class="name-form-row">
      <form
        class="name-form"
        data-testid="name-form"
        @submit=${(event: SubmitEvent) => {
          event.preventDefault();
          const input = (event.currentTarget as HTMLFormElement).elements.namedItem("name");
          if (input instanceof HTMLInputElement) void this.submitName(input.value);
        }}
        @keydown=${(event: KeyboardEvent) => {
          if (event.key === "Escape") this._editing = null;
        }}
      >
        <input
          name="name"
          type="text"
          data-testid="name-input"
          aria-label="Name"
          autocomplete="off"
          spellcheck="false"
          .value=${value}
        />
        <button type="submit" class="primary" data-testid="name-submit" ?disabled=${busy}>${label}</button>
        <button type="button" @click=${() => (this._editing = null)}>Cancel</button>
      </form>
      ${error ? html`<div class="name-form-error" role="alert" data-testid="name-error">${error}</div>` : nothing}
    </li>`;
  }

  private renderUploads(): TemplateResult | typeof nothing {
    if (this._uploads.length === 0) return nothing;
    const finished = this._uploads.some((u) => u.state === "done" || u.state === "error");
    return html`<div class="browser-uploads" data-testid="uploads">
      ${this._uploads.map((upload) => {
        const percent = upload.total > 0 ? Math.round((100 * upload.loaded) / upload.total) : 100;
        return html`<div class="upload ${upload.state}" data-testid="upload" data-name=${upload.name} data-state=${upload.state}>
          <div class="upload-title">
            <span class="upload-name" title=${upload.name}>${upload.name}</span>
            <span class="upload-status">
              ${upload.state === "uploading" ? `${percent} %` : upload.state === "done" ? "✓" : ""}
            </span>
            ${
              upload.state === "uploading" && upload.abort
                ? html`<button class="icon-button" title="Cancel this upload" @click=${() => upload.abort?.()}>
                    ✕
                  </button>`
                : nothing
            }
          </div>
          ${
            upload.state === "uploading" || upload.state === "done"
              ? html`<progress
                  data-testid="upload-progress"
                  max=${upload.total || 1}
                  value=${upload.state === "done" ? upload.total || 1 : upload.loaded}
                ></progress>`
              : nothing
          }
          ${
            upload.state === "exists"
              ? html`<div class="upload-ask" role="alert">
                  <span>${upload.name} already exists here. Replace it?</span>
                  <button data-testid="upload-replace" @click=${() => this.startUpload(upload, true)}>Replace</button>
                  <button
                    data-testid="upload-skip"
                    @click=${() => (this._uploads = this._uploads.filter((u) => u.key !== upload.key))}
                  >
                    Keep the old one
                  </button>
                </div>`
              : nothing
          }
          ${
            upload.state === "error"
              ? html`<div class="upload-message" role="alert" data-testid="upload-error">${upload.message}</div>`
              : nothing
          }
        </div>`;
      })}
      ${
        finished
          ? html`<button class="icon-button upload-clear" data-testid="uploads-clear" @click=${() => this.clearUploads()}>
              Clear finished
            </button>`
          : nothing
      }
    </div>`;
  }

  private renderNotice(): TemplateResult | typeof nothing {
    const notice = this._notice;
    if (!notice) return nothing;
    const undoId = notice.undoId;
    return html`<div class="browser-notice ${notice.kind}" role="status" data-testid="browser-notice">
      <span>${notice.text}</span>
      ${undoId ? html`<button data-testid="undo-delete" @click=${() => void this.undoDelete(undoId)}>Undo</button>` : nothing}
      <button class="icon-button" title="Dismiss" @click=${() => (this._notice = null)}>✕</button>
    </div>`;
  }

  private renderEntry(entry: Entry, writable: boolean): TemplateResult {
    const isDir = entry.kind === "dir";
    const table = isTableEntry(entry);
    const usable = isDir || entry.openable || table;
    const title = isDir
      ? `Open folder ${entry.name}`
      : entry.openable
        ? `Open ${entry.name} in the image viewer`
        : table
          ? `Open ${entry.name} as a table`
          : `${entry.name}: not an image or a table Toyz can open`;
    return html`<li class="entry-row">
      <button
        class="entry ${entry.kind} ${usable ? "" : "disabled"} ${entry.path === this.selected ? "selected" : ""}"
        data-testid="entry"
        data-path=${entry.path}
        data-name=${entry.name}
        data-kind=${entry.kind}
        data-openable=${entry.openable ? "true" : "false"}
        data-table=${table ? "true" : "false"}
        title=${title}
        aria-disabled=${usable ? "false" : "true"}
        @click=${(event: MouseEvent) => {
          // A double click (the desktop's habit) opens once: its second click is not another open.
          if (event.detail < 2) this.enter(entry);
        }}
      >
        ${icon(isDir ? folderIcon : entry.openable ? imageIcon : table ? tableIcon : fileIcon)}
        <span class="entry-name">${entry.name}</span>
        <span class="entry-size" title=${formatMtime(entry.mtime)}
          >${isDir ? "" : formatSize(entry.size)}</span
        >
      </button>
      ${
        isDir
          ? html`<span class="entry-actions entry-table-action">
              <button
                class="icon-button"
                data-testid="entry-night-table"
                title="Night table of ${entry.name}: its exposures as a table"
                @click=${() => void this.openNightTable(entry.path)}
              >
                ☾
              </button>
            </span>`
          : nothing
      }
      ${
        table && entry.openable
          ? html`<span class="entry-actions entry-table-action">
              <button
                class="icon-button"
                data-testid="entry-open-table"
                title="Open ${entry.name} as a table"
                @click=${() => this.openTable(entry)}
              >
                ▦
              </button>
            </span>`
          : nothing
      }
      ${
        writable
          ? html`<span class="entry-actions">
              <button
                class="icon-button"
                data-testid="entry-rename"
                title="Rename ${entry.name}"
                @click=${() =>
                  (this._editing = {
                    kind: "rename",
                    path: entry.path,
                    name: entry.name,
                    error: null,
                    busy: false,
                  })}
              >
                ✎
              </button>
              <button
                class="icon-button"
                data-testid="entry-delete"
                title="Move ${entry.name} to the trash"
                @click=${() => void this.deleteEntry(entry)}
              >
                ✕
              </button>
            </span>`
          : nothing
      }
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
    "toyz-open-table": CustomEvent<OpenTableDetail>;
    "toyz-open-night": CustomEvent<OpenNightDetail>;
    "toyz-night-table": CustomEvent<OpenNightDetail>;
  }
}
