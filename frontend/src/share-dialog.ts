// <toyz-share-dialog>: who a workspace is shared with, and giving, changing or withdrawing a user's
// or group's right (view < change < share) through `/api/workspaces/<id>/shares`; and its link to copy.
// The server decides who may give what: the dialog shows its answers and its sentences.
import { LitElement, html, nothing, type TemplateResult } from "lit";

import "./share-dialog.css";
import type { SharePrincipal, WorkspaceRight, WorkspaceShare, WorkspaceShares } from "./protocol";
import { apiErrorText, workspaces } from "./workspace-api";
import { debounce } from "./util";

const RIGHTS: readonly WorkspaceRight[] = ["view", "change", "share"];
const RIGHT_LABELS: Record<WorkspaceRight, string> = {
  view: "can view",
  change: "can change",
  share: "can change and share",
};
const LOOKUP_DELAY_MS = 200;
const COPIED_MS = 2500;

function rightRank(right: WorkspaceRight): number {
  return RIGHTS.indexOf(right);
}

export class ToyzShareDialog extends LitElement {
  static override properties = {
    workspaceId: { attribute: "data-workspace-id" },
    workspaceName: { attribute: "data-workspace-name" },
    _shares: { state: true },
    _error: { state: true },
    _busy: { state: true },
    _suggestions: { state: true },
    _picked: { state: true },
    _newRight: { state: true },
    _copied: { state: true },
  };

  declare workspaceId: string;
  declare workspaceName: string;
  declare private _shares: WorkspaceShares | null;
  declare private _error: string | null;
  declare private _busy: boolean;
  declare private _suggestions: SharePrincipal[];
  declare private _picked: SharePrincipal | null;
  declare private _newRight: WorkspaceRight;
  declare private _copied: boolean;

  private lookupSeq = 0;
  private copiedTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly lookupSoon = debounce(
    (prefix: string) => void this.lookup(prefix),
    LOOKUP_DELAY_MS,
  );

  constructor() {
    super();
    this.workspaceId = "";
    this.workspaceName = "";
    this._shares = null;
    this._error = null;
    this._busy = false;
    this._suggestions = [];
    this._picked = null;
    this._newRight = "view";
    this._copied = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** The address that opens the workspace (for those it is shared with). */
  get link(): string {
    return `${window.location.origin}/workspaces/${encodeURIComponent(this.workspaceId)}/`;
  }

  private get dialog(): HTMLDialogElement | null {
    return this.querySelector("dialog");
  }

  /** Opens the dialog and loads the current shares. */
  async open(): Promise<void> {
    await this.updateComplete;
    this._error = null;
    this._copied = false;
    const dialog = this.dialog;
    if (dialog && !dialog.open) dialog.showModal();
    this.querySelector<HTMLInputElement>("[data-testid=share-name]")?.focus();
    await this.reload();
  }

  close(): void {
    this.dialog?.close();
  }

  private async reload(): Promise<void> {
    try {
      this._shares = await workspaces.shares(this.workspaceId);
    } catch (error) {
      this._error = apiErrorText(error);
    }
  }

  private async apply(
    kind: "user" | "group",
    name: string,
    right: WorkspaceRight | "none",
  ): Promise<boolean> {
    this._busy = true;
    this._error = null;
    try {
      this._shares = await workspaces.share(this.workspaceId, { kind, name, right });
      this.dispatchEvent(new CustomEvent("toyz-shares-changed", { bubbles: true }));
      return true;
    } catch (error) {
      this._error = apiErrorText(error);
      await this.reload(); // show what holds now, not what was asked
      return false;
    } finally {
      this._busy = false;
    }
  }

  // --- adding -----------------------------------------------------------------------------------

  private onNameInput(event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    this._picked = null;
    if (value.trim() === "") {
      this.lookupSoon.cancel();
      this._suggestions = [];
    } else {
      this.lookupSoon(value);
    }
  }

  private async lookup(prefix: string): Promise<void> {
    const seq = ++this.lookupSeq;
    try {
      const found = await workspaces.lookup(prefix);
      if (seq === this.lookupSeq) this._suggestions = found;
    } catch (error) {
      if (seq === this.lookupSeq) this._error = apiErrorText(error);
    }
  }

  private pick(principal: SharePrincipal): void {
    this._picked = principal;
    this._suggestions = [];
    const input = this.querySelector<HTMLInputElement>("[data-testid=share-name]");
    if (input) input.value = principal.name;
  }

  /** The user or group the name field names: the suggestion picked, else an exact match (users first). */
  private async resolve(name: string): Promise<SharePrincipal | null> {
    if (this._picked && this._picked.name === name) return this._picked;
    const found = await workspaces.lookup(name);
    return (
      found.find((p) => p.kind === "user" && p.name === name) ??
      found.find((p) => p.kind === "group" && p.name === name) ??
      null
    );
  }

  private async onAdd(event: Event): Promise<void> {
    event.preventDefault();
    const input = this.querySelector<HTMLInputElement>("[data-testid=share-name]");
    const name = input?.value.trim() ?? "";
    if (!name) {
      this._error = "Type the name of a user or group, then pick it from the suggestions.";
      return;
    }
    let principal: SharePrincipal | null;
    try {
      principal = await this.resolve(name);
    } catch (error) {
      this._error = apiErrorText(error);
      return;
    }
    if (!principal) {
      this._error = `There is no user or group named “${name}”; pick one from the suggestions.`;
      return;
    }
    if (await this.apply(principal.kind, principal.name, this._newRight)) {
      if (input) input.value = "";
      this._picked = null;
      this._suggestions = [];
    }
  }

  // --- the link ---------------------------------------------------------------------------------

  private async copyLink(): Promise<void> {
    const link = this.link;
    let copied: boolean;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      // No clipboard permission (or no secure context): select the text so that Ctrl+C copies it.
      const field = this.querySelector<HTMLInputElement>("[data-testid=share-link]");
      field?.select();
      copied = document.execCommand("copy");
    }
    this._copied = copied;
    if (!copied) this._error = "The browser would not copy: the link is selected, press Ctrl+C.";
    if (this.copiedTimer !== null) clearTimeout(this.copiedTimer);
    this.copiedTimer = setTimeout(() => (this._copied = false), COPIED_MS);
  }

  // --- rendering --------------------------------------------------------------------------------

  private rightOptions(current: WorkspaceRight | null, mayGive: WorkspaceRight): TemplateResult[] {
    return RIGHTS.map(
      (right) =>
        html`<option
          value=${right}
          .selected=${right === current}
          ?disabled=${rightRank(right) > rightRank(mayGive)}
        >
          ${RIGHT_LABELS[right]}
        </option>`,
    );
  }

  private renderShare(share: WorkspaceShare, mayGive: WorkspaceRight): TemplateResult {
    const locked = !share.editable || this._busy;
    return html`<li class="share-row" data-testid="share-row" data-kind=${share.kind} data-name=${share.name}>
      <span class="share-kind">${share.kind}</span>
      <span class="share-name">${share.name}</span>
      <select
        data-testid="share-right"
        aria-label="Right of ${share.name}"
        ?disabled=${locked}
        title=${share.editable ? "" : "Only the owner or an admin can change this right"}
        @change=${(e: Event) =>
          void this.apply(
            share.kind,
            share.name,
            (e.target as HTMLSelectElement).value as WorkspaceRight,
          )}
      >
        ${this.rightOptions(share.right, share.editable ? mayGive : share.right)}
      </select>
      <button
        type="button"
        class="icon-button"
        data-testid="share-remove"
        title="Stop sharing with ${share.name}"
        ?disabled=${locked}
        @click=${() => void this.apply(share.kind, share.name, "none")}
      >
        Remove
      </button>
    </li>`;
  }

  protected override render(): TemplateResult {
    const shares = this._shares;
    const mayGive = shares?.may_give ?? "view";
    return html`<dialog class="share-dialog" data-testid="share-dialog" @close=${() => this.lookupSoon.cancel()}>
      <div class="share-head">
        <h3>Share “${this.workspaceName}”</h3>
        <button type="button" class="icon-button" title="Close" data-testid="share-close" @click=${() => this.close()}>
          ×
        </button>
      </div>
      <p class="share-owner">
        Owner: <strong data-testid="share-owner">${shares?.owner ?? "…"}</strong>, who keeps every right.
      </p>
      <form class="share-add" @submit=${(e: Event) => void this.onAdd(e)}>
        <div class="share-pick">
          <input
            type="text"
            data-testid="share-name"
            placeholder="Add a user or group"
            autocomplete="off"
            aria-label="User or group"
            maxlength="150"
            @input=${(e: Event) => this.onNameInput(e)}
          />
          ${
            this._suggestions.length > 0
              ? html`<ul class="share-suggestions" role="listbox" data-testid="share-suggestions">
                ${this._suggestions.map(
                  (p) => html`<li
                    role="option"
                    data-testid="share-suggestion"
                    data-kind=${p.kind}
                    data-name=${p.name}
                    @click=${() => this.pick(p)}
                  >
                    <span class="share-kind">${p.kind}</span> <strong>${p.name}</strong>
                    <span class="muted">${p.detail}</span>
                  </li>`,
                )}
              </ul>`
              : nothing
          }
        </div>
        <select
          data-testid="share-new-right"
          aria-label="Right to give"
          @change=${(e: Event) => (this._newRight = (e.target as HTMLSelectElement).value as WorkspaceRight)}
        >
          ${this.rightOptions(this._newRight, mayGive)}
        </select>
        <button type="submit" class="primary" data-testid="share-add" ?disabled=${this._busy}>Share</button>
      </form>
      ${
        this._error
          ? html`<p class="share-error" role="alert" data-testid="share-error">${this._error}</p>`
          : nothing
      }
      ${
        shares === null
          ? html`<p class="muted">Loading…</p>`
          : shares.shares.length === 0
            ? html`<p class="muted" data-testid="share-none">Not shared with anyone yet.</p>`
            : html`<ul class="share-list">
              ${shares.shares.map((share) => this.renderShare(share, mayGive))}
            </ul>`
      }
      <div class="share-foot">
        <input type="text" readonly data-testid="share-link" aria-label="Link" .value=${this.link} />
        <button type="button" data-testid="copy-link" @click=${() => void this.copyLink()}>Copy link</button>
        <span class="share-copied" role="status" data-testid="link-copied" ?hidden=${!this._copied}>
          Link copied
        </span>
      </div>
    </dialog>`;
  }
}

customElements.define("toyz-share-dialog", ToyzShareDialog);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-share-dialog": ToyzShareDialog;
  }
}
