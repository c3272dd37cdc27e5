// <toyz-presence>: who has this workspace open, as initials in the page's header. A person with two
// pages open shows once (the count is in the title). Each other person who may change the workspace
// can be followed: a click asks the page to keep its viewers on that person's view.
import { LitElement, html, nothing, type TemplateResult } from "lit";

import type { PresenceEvent } from "./protocol";

export type Person = PresenceEvent["people"][number];

/** Up to two initials: of the first and last words of the name, else the first letters of it. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return "?";
  const first = [...(words[0] ?? "")][0] ?? "";
  const last = words.length > 1 ? ([...(words[words.length - 1] ?? "")][0] ?? "") : "";
  const letters = last ? first + last : [...(words[0] ?? "")].slice(0, 2).join("");
  return letters.toUpperCase();
}

export interface FollowDetail {
  /** The username to follow, or null to stop following. */
  user: string | null;
}

export class ToyzPresence extends LitElement {
  static override properties = {
    people: { attribute: false },
    me: { attribute: false },
    following: { attribute: false },
    _open: { state: true },
  };

  declare people: Person[];
  declare me: string;
  declare following: string | null;
  declare private _open: boolean;

  constructor() {
    super();
    this.people = [];
    this.me = "";
    this.following = null;
    this._open = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  private follow(user: string | null): void {
    this._open = false;
    this.dispatchEvent(
      new CustomEvent<FollowDetail>("toyz-follow", {
        bubbles: true,
        composed: true,
        detail: { user },
      }),
    );
  }

  private personTitle(person: Person): string {
    const you = person.user === this.me ? " (you)" : "";
    const who = person.name === person.user ? person.user : `${person.name} (${person.user})`;
    const pages = person.pages > 1 ? `, ${person.pages} pages open` : "";
    const mode = person.may_change ? "" : ", view only";
    return `${who}${you}${pages}${mode}`;
  }

  protected override render(): TemplateResult {
    const others = this.people.filter((p) => p.user !== this.me && p.may_change);
    return html`
      <span class="presence" data-testid="presence" data-count=${String(this.people.length)}>
        ${this.people.map(
          (person) => html`<span
            class="person ${person.user === this.me ? "me" : ""} ${person.user === this.following ? "followed" : ""}"
            data-testid="person"
            data-user=${person.user}
            data-pages=${String(person.pages)}
            title=${this.personTitle(person)}
            >${initials(person.name)}${person.pages > 1 ? html`<sup>${person.pages}</sup>` : nothing}</span
          >`,
        )}
        ${
          this.following
            ? html`<button
                class="following"
                data-testid="unfollow"
                title="Stop following; your viewers keep showing everyone's changes"
                @click=${() => this.follow(null)}
              >
                Following ${this.following} ✕
              </button>`
            : others.length > 0
              ? html`<span class="follow-menu">
                  <button
                    data-testid="follow-menu"
                    aria-expanded=${this._open ? "true" : "false"}
                    @click=${() => (this._open = !this._open)}
                  >
                    Follow…
                  </button>
                  ${
                    this._open
                      ? html`<span class="follow-list" role="menu">
                          ${others.map(
                            (person) => html`<button
                              role="menuitem"
                              data-testid="follow"
                              data-user=${person.user}
                              @click=${() => this.follow(person.user)}
                            >
                              Follow ${person.name}
                            </button>`,
                          )}
                        </span>`
                      : nothing
                  }
                </span>`
              : nothing
        }
      </span>
    `;
  }
}

customElements.define("toyz-presence", ToyzPresence);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-presence": ToyzPresence;
  }
}
