// <toyz-workspace-title>: the workspace page's own name and owner in the header; renaming in place
// (Enter saves, Escape cancels) for those who may change it, and the Share button for those who may share.
import { LitElement, html, nothing, type TemplateResult } from "lit";

import "./share-dialog";
import "./workspace-title.css";
import type { WorkspaceRight } from "./protocol";
import type { ToyzShareDialog } from "./share-dialog";
import { apiErrorText, workspaces } from "./workspace-api";

/** Detail of `toyz-notice`: a sentence for the page to show. */
export interface NoticeDetail {
  text: string;
  kind: "info" | "error";
}

export class ToyzWorkspaceTitle extends LitElement {
  static override properties = {
    workspaceId: { type: String },
    name: { type: String },
    owner: { type: String },
    username: { type: String },
    right: { type: String },
    _editing: { state: true },
    _saving: { state: true },
  };

  declare workspaceId: string;
  declare name: string;
  declare owner: string;
  declare username: string;
  /** The most the user may do here ("share" for the owner and admins). */
  declare right: WorkspaceRight;
  declare private _editing: boolean;
  declare private _saving: boolean;

  constructor() {
    super();
    this.workspaceId = "";
    this.name = "";
    this.owner = "";
    this.username = "";
    this.right = "view";
    this._editing = false;
    this._saving = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  get mayChange(): boolean {
    return this.right === "change" || this.right === "share";
  }

  /** Opens the share dialog (for those who may share). */
  openShareDialog(): void {
    void this.querySelector<ToyzShareDialog>("toyz-share-dialog")?.open();
  }

  private notice(text: string, kind: NoticeDetail["kind"]): void {
    this.dispatchEvent(
      new CustomEvent<NoticeDetail>("toyz-notice", { detail: { text, kind }, bubbles: true }),
    );
  }

  private async startEditing(): Promise<void> {
    if (!this.mayChange) return;
    this._editing = true;
    await this.updateComplete;
    const input = this.querySelector<HTMLInputElement>("[data-testid=rename-input]");
    input?.focus();
    input?.select();
  }

  private async save(input: HTMLInputElement): Promise<void> {
    if (this._saving) return;
    const name = input.value.trim();
    if (name === this.name) {
      this._editing = false;
      return;
    }
    this._saving = true;
    try {
      const saved = await workspaces.rename(this.workspaceId, name);
      this.name = saved.name;
      this._editing = false;
      this.dispatchEvent(
        new CustomEvent<{ name: string }>("toyz-renamed", {
          detail: { name: saved.name },
          bubbles: true,
        }),
      );
    } catch (error) {
      // Keep the field open with what was typed, so that it can be corrected.
      this.notice(apiErrorText(error), "error");
    } finally {
      this._saving = false;
    }
  }

  private onKey(event: KeyboardEvent): void {
    // Keys typed here are not the map's (arrows) or the page's.
    event.stopPropagation();
    if (event.key === "Enter") void this.save(event.target as HTMLInputElement);
    else if (event.key === "Escape") this._editing = false;
  }

  protected override render(): TemplateResult {
    const name = this._editing
      ? html`<input
          type="text"
          class="rename-input"
          data-testid="rename-input"
          maxlength="200"
          aria-label="Workspace name"
          .value=${this.name}
          ?disabled=${this._saving}
          @keydown=${(e: KeyboardEvent) => this.onKey(e)}
          @blur=${(e: Event) => {
            // Leaving the field saves, unless Escape (which ends the editing first) cancelled.
            if (this._editing && !this._saving) void this.save(e.target as HTMLInputElement);
          }}
        />`
      : this.mayChange
        ? html`<button
            type="button"
            class="workspace-name editable"
            data-testid="workspace-name"
            title="Rename this workspace"
            @click=${() => void this.startEditing()}
          >
            ${this.name}
          </button>`
        : html`<span class="workspace-name" data-testid="workspace-name">${this.name}</span>`;
    const mine = this.owner === this.username;
    return html`${name}
      <span class="workspace-owner muted" data-testid="workspace-owner" title="Owner">
        ${mine ? "yours" : html`by <strong>${this.owner}</strong>`}
      </span>
      ${
        this.right === "share"
          ? html`<button type="button" data-testid="share-button" @click=${() => this.openShareDialog()}>
              Share
            </button>
            <toyz-share-dialog
              data-workspace-id=${this.workspaceId}
              data-workspace-name=${this.name}
            ></toyz-share-dialog>`
          : nothing
      }`;
  }
}

customElements.define("toyz-workspace-title", ToyzWorkspaceTitle);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-workspace-title": ToyzWorkspaceTitle;
  }
}
