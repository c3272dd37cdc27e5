// <toyz-trash-view>: the deletions the user may put back (GET /api/files/trash), each with Restore.
// A restore that meets a file of the same name asks for another name. After a restore it fires
// `toyz-restored` (detail: the restored entry's folder) so the file browser can list it again.
import { LitElement, html, nothing, type TemplateResult } from "lit";

import { ApiError, listTrash, restoreEntry } from "./file-writing";
import type { TrashEntry } from "./protocol";
import { errorText } from "./socket";
import { formatMtime, formatSize } from "./util";

export interface RestoredDetail {
  folder: string;
  path: string;
}

function folderOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut < 0 ? "" : path.slice(0, cut);
}

/** "m13 (restored).fits": a name beside the original for a restore that meets a file of the same name. */
function restoredName(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? `${name.slice(0, dot)} (restored)${name.slice(dot)}` : `${name} (restored)`;
}

interface Conflict {
  id: string;
  message: string;
  busy: boolean;
}

export class ToyzTrashView extends LitElement {
  static override properties = {
    csrf: { type: String },
    _entries: { state: true },
    _error: { state: true },
    _conflict: { state: true },
    _busy: { state: true },
  };

  declare csrf: string;
  declare private _entries: TrashEntry[] | null;
  declare private _error: string | null;
  declare private _conflict: Conflict | null;
  declare private _busy: string | null;

  constructor() {
    super();
    this.csrf = "";
    this._entries = null;
    this._error = null;
    this._conflict = null;
    this._busy = null;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.reload();
  }

  async reload(): Promise<void> {
    try {
      this._entries = await listTrash();
      this._error = null;
    } catch (error) {
      this._error = errorText(error);
    }
  }

  private async restore(entry: TrashEntry, name: string | null): Promise<void> {
    this._busy = entry.id;
    try {
      const restored = await restoreEntry(this.csrf, entry.id, name);
      this._conflict = null;
      this._error = null;
      this.dispatchEvent(
        new CustomEvent<RestoredDetail>("toyz-restored", {
          bubbles: true,
          composed: true,
          detail: { folder: folderOf(restored.path), path: restored.path },
        }),
      );
      await this.reload();
    } catch (error) {
      if (error instanceof ApiError && error.code === "exists") {
        this._conflict = { id: entry.id, message: error.message, busy: false };
      } else if (this._conflict?.id === entry.id) {
        this._conflict = { ...this._conflict, message: errorText(error) };
      } else {
        this._error = errorText(error);
      }
    } finally {
      this._busy = null;
    }
  }

  protected override updated(): void {
    // A conflict's name field takes the focus, its name before the extension selected.
    const input = this.querySelector<HTMLInputElement>(
      "input[data-testid=restore-name]:not([data-focused])",
    );
    if (input) {
      input.dataset.focused = "1";
      input.focus();
      const dot = input.value.lastIndexOf(".");
      input.setSelectionRange(0, dot > 0 ? dot : input.value.length);
    }
  }

  protected override render(): TemplateResult {
    const entries = this._entries;
    return html`<div class="trash" data-testid="trash">
      <div class="trash-title">Trash: deleted files you may put back where they were</div>
      ${this._error ? html`<div class="browser-error" role="alert">${this._error}</div>` : nothing}
      ${entries === null && !this._error ? html`<div class="browser-loading">Loading…</div>` : nothing}
      ${entries?.length === 0 ? html`<div class="entries-empty">The trash is empty.</div>` : nothing}
      <ul class="entries">
        ${(entries ?? []).map((entry) => this.renderEntry(entry))}
      </ul>
    </div>`;
  }

  private renderEntry(entry: TrashEntry): TemplateResult {
    const conflict = this._conflict?.id === entry.id ? this._conflict : null;
    const where = folderOf(entry.path) || "data";
    const size = entry.kind === "dir" ? "folder" : formatSize(entry.size);
    return html`<li class="trash-entry" data-testid="trash-entry" data-id=${entry.id} data-path=${entry.path}>
      <div class="trash-line">
        <span class="entry-name" title=${entry.path}>${entry.name}</span>
        <button
          class="trash-restore"
          data-testid="trash-restore"
          ?disabled=${this._busy === entry.id}
          title="Put ${entry.name} back in ${where}"
          @click=${() => void this.restore(entry, null)}
        >
          Restore
        </button>
      </div>
      <div class="trash-meta">
        ${where} · ${size} · deleted by ${entry.deleted_by} ${formatMtime(entry.deleted_at)}
      </div>
      ${
        conflict
          ? html`<form
              class="name-form"
              data-testid="restore-form"
              @submit=${(event: SubmitEvent) => {
                event.preventDefault();
                const input = (event.currentTarget as HTMLFormElement).elements.namedItem("name");
                if (input instanceof HTMLInputElement) void this.restore(entry, input.value);
              }}
            >
              <div class="name-form-error" role="alert" data-testid="restore-error">${conflict.message}</div>
              <input
                name="name"
                type="text"
                data-testid="restore-name"
                aria-label="Restore under the name"
                autocomplete="off"
                spellcheck="false"
                .value=${restoredName(entry.name)}
              />
              <button type="submit" class="primary" data-testid="restore-as">Restore as</button>
              <button type="button" @click=${() => (this._conflict = null)}>Cancel</button>
            </form>`
          : nothing
      }
    </li>`;
  }
}

customElements.define("toyz-trash-view", ToyzTrashView);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-trash-view": ToyzTrashView;
  }
  interface HTMLElementEventMap {
    "toyz-restored": CustomEvent<RestoredDetail>;
  }
}
