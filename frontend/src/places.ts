// <toyz-places>: the file browser's places — Home, "Shared with me" (the folders granted to the user
// or their groups) and the user's shortcuts, kept on the server (/api/files/shared, /api/files/shortcuts)
// so that they follow the user to any browser. One click on a folder fires `toyz-go` (detail: {path});
// a shared file opens in the image viewer (`toyz-open-file`).
import { LitElement, html, nothing, type TemplateResult } from "lit";

import "./places.css";

import type { OpenFileDetail } from "./file-browser";
import { apiRequest } from "./api";
import { type Shared, type SharedFolder, type Shortcut, type ShortcutRequest } from "./protocol";

export interface GoDetail {
  path: string;
}

/** A JSON request to the places API; a refusal throws an ApiError with the server's sentence. */
function call<T>(
  method: "GET" | "POST" | "DELETE",
  url: string,
  body?: ShortcutRequest,
): Promise<T> {
  const fromPage = document.querySelector("[data-csrf]")?.getAttribute("data-csrf") ?? undefined;
  return apiRequest<T>(method, url, body, fromPage);
}

function parentOf(path: string): string {
  return path.split("/").slice(0, -1).join("/");
}

export class ToyzPlaces extends LitElement {
  static override properties = {
    current: { type: String },
    _shared: { state: true },
    _shortcuts: { state: true },
    _sharedOpen: { state: true },
    _error: { state: true },
    _busy: { state: true },
  };

  /** The folder the file browser shows now: what "Pin this folder" pins, and which place is lit. */
  declare current: string;
  declare private _shared: Shared | null;
  declare private _shortcuts: Shortcut[];
  declare private _sharedOpen: boolean;
  declare private _error: string | null;
  declare private _busy: boolean;

  constructor() {
    super();
    this.current = "";
    this._shared = null;
    this._shortcuts = [];
    this._sharedOpen = false;
    this._error = null;
    this._busy = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.reload();
  }

  /** The shortcuts shown now (for tests). */
  get shortcuts(): Shortcut[] {
    return this._shortcuts;
  }

  /** Fetches the shared folders and the shortcuts again (grants may have changed meanwhile). */
  async reload(): Promise<void> {
    try {
      const [shared, shortcuts] = await Promise.all([
        call<Shared>("GET", "/api/files/shared"),
        call<Shortcut[]>("GET", "/api/files/shortcuts"),
      ]);
      this._shared = shared;
      this._shortcuts = shortcuts;
      this._error = null;
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
    }
  }

  /** Pins the folder shown now. */
  async pinCurrent(): Promise<void> {
    await this.change(async () => {
      const made = await call<Shortcut>("POST", "/api/files/shortcuts", {
        path: this.current,
        label: "",
      });
      if (!this._shortcuts.some((s) => s.id === made.id)) {
        this._shortcuts = [...this._shortcuts, made].sort((a, b) => a.label.localeCompare(b.label));
      }
    });
  }

  async unpin(shortcut: Shortcut): Promise<void> {
    await this.change(async () => {
      await call<undefined>("DELETE", `/api/files/shortcuts/${shortcut.id}`);
      this._shortcuts = this._shortcuts.filter((s) => s.id !== shortcut.id);
    });
  }

  private async change(work: () => Promise<void>): Promise<void> {
    this._busy = true;
    this._error = null;
    try {
      await work();
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
    } finally {
      this._busy = false;
    }
  }

  private go(path: string): void {
    this.dispatchEvent(
      new CustomEvent<GoDetail>("toyz-go", { bubbles: true, composed: true, detail: { path } }),
    );
  }

  private openShared(folder: SharedFolder): void {
    if (!folder.exists) return;
    if (folder.is_dir) {
      this.go(folder.path);
      return;
    }
    // A single shared file: show where it lies and open it.
    this.go(parentOf(folder.path));
    this.dispatchEvent(
      new CustomEvent<OpenFileDetail>("toyz-open-file", {
        bubbles: true,
        composed: true,
        detail: { path: folder.path },
      }),
    );
  }

  private toggleShared(): void {
    this._sharedOpen = !this._sharedOpen;
    // Opening the list asks again: a grant given since shows up without a reload.
    if (this._sharedOpen) void this.reload();
  }

  protected override render(): TemplateResult {
    const home = this._shared?.home ?? null;
    const folders = this._shared?.folders ?? [];
    const pinned = this._shortcuts.some((s) => s.path === this.current);
    return html`<div class="places" data-testid="places">
      <div class="places-row">
        ${
          home !== null
            ? html`<button
                class="place ${this.current === home ? "here" : ""}"
                data-testid="place-home"
                title="Your home folder: ${home}"
                @click=${() => this.go(home)}
              >
                ⌂ Home
              </button>`
            : nothing
        }
        <button
          class="place"
          data-testid="place-shared"
          aria-expanded=${this._sharedOpen ? "true" : "false"}
          title="The folders shared with you or your groups"
          @click=${() => this.toggleShared()}
        >
          ${this._sharedOpen ? "▾" : "▸"} Shared with me
          <span class="places-count">${folders.length}</span>
        </button>
        <span class="places-spacer"></span>
        <button
          class="icon-button"
          data-testid="pin-folder"
          title=${pinned ? "This folder is pinned" : "Pin this folder to your shortcuts"}
          ?disabled=${pinned || this._busy}
          @click=${() => void this.pinCurrent()}
        >
          ${pinned ? "★" : "☆"}
        </button>
      </div>
      ${this._sharedOpen ? this.renderShared(folders) : nothing}
      ${
        this._shortcuts.length
          ? html`<ul class="places-list" data-testid="shortcuts" aria-label="Shortcuts">
              ${this._shortcuts.map((s) => this.renderShortcut(s))}
            </ul>`
          : nothing
      }
      ${
        this._error
          ? html`<div class="places-error" role="alert" data-testid="places-error">
              ${this._error}
            </div>`
          : nothing
      }
    </div>`;
  }

  private renderShared(folders: SharedFolder[]): TemplateResult {
    if (!folders.length) {
      return html`<div class="places-empty" data-testid="shared-empty">
        Nothing is shared with you yet.
      </div>`;
    }
    return html`<ul class="places-list" data-testid="shared-list" aria-label="Shared with me">
      ${folders.map(
        (f) =>
          html`<li>
            <button
              class="place-item ${f.exists ? "" : "unavailable"} ${this.current === f.path ? "here" : ""}"
              data-testid="shared-folder"
              data-path=${f.path}
              aria-disabled=${f.exists ? "false" : "true"}
              title=${
                f.exists
                  ? `${f.path} — ${f.rights.join(", ")}, from ${f.via.join(" and ")}`
                  : `${f.path} was deleted or renamed; ask whoever shared it`
              }
              @click=${() => this.openShared(f)}
            >
              <span class="place-label">${f.name}</span>
              <span class="place-note">${f.exists ? f.rights.at(-1) : "missing"}</span>
            </button>
          </li>`,
      )}
    </ul>`;
  }

  private renderShortcut(shortcut: Shortcut): TemplateResult {
    return html`<li>
      <button
        class="place-item ${shortcut.available ? "" : "unavailable"} ${this.current === shortcut.path ? "here" : ""}"
        data-testid="shortcut"
        data-path=${shortcut.path}
        data-available=${shortcut.available ? "true" : "false"}
        aria-disabled=${shortcut.available ? "false" : "true"}
        title=${shortcut.available ? shortcut.path : `${shortcut.path}: ${shortcut.problem}`}
        @click=${() => (shortcut.available ? this.go(shortcut.path) : undefined)}
      >
        <span class="place-label">★ ${shortcut.label}</span>
        ${shortcut.available ? nothing : html`<span class="place-note">unavailable</span>`}
      </button>
      <button
        class="icon-button place-remove"
        data-testid="shortcut-remove"
        title="Remove this shortcut"
        ?disabled=${this._busy}
        @click=${() => void this.unpin(shortcut)}
      >
        ×
      </button>
    </li>`;
  }
}

customElements.define("toyz-places", ToyzPlaces);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-places": ToyzPlaces;
  }
  interface HTMLElementEventMap {
    "toyz-go": CustomEvent<GoDetail>;
  }
}
