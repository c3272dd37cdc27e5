// The kinds of workspace tile: which element each kind is, its title, and the layout's tiles
// read from the server (unknown kinds are kept as they are, for a newer page that knows them).
import { LitElement, html, nothing, type TemplateResult } from "lit";

import type { LayoutTile } from "./protocol";
import type { PlotState, SourceRegistry, TableState, TileElement, TileKind } from "./sources/types";
import { basename } from "./util";

export const NEW_TILE = { w: 6, h: 9 };

/** The element of each kind: the plots' and the table's own when they are registered. */
const TAGS: Record<TileKind, string> = {
  image: "toyz-image-viewer",
  plot: "toyz-plot",
  table: "toyz-table",
};

export function isKnownKind(kind: string): kind is TileKind {
  return kind === "image" || kind === "plot" || kind === "table";
}

/** A new element for a tile of `kind` (a stand-in when its component is not on the page). */
export function createTileElement(kind: string): TileElement {
  const tag = isKnownKind(kind) ? TAGS[kind] : "";
  const element =
    tag && customElements.get(tag)
      ? document.createElement(tag)
      : document.createElement("toyz-tile-standin");
  if (element instanceof ToyzTileStandin) element.kind = kind;
  return element as unknown as TileElement;
}

/** The layout's tiles from the server, with sane numbers; tiles of unknown kinds are kept whole. */
export function layoutTiles(value: unknown): LayoutTile[] {
  if (!Array.isArray(value)) return [];
  const out: LayoutTile[] = [];
  const int = (v: unknown, fallback: number): number =>
    typeof v === "number" && Number.isFinite(v) ? Math.max(0, Math.round(v)) : fallback;
  for (const item of value as unknown[]) {
    if (typeof item !== "object" || item === null) continue;
    const t = item as Partial<LayoutTile>;
    if (typeof t.id !== "string" || t.id === "") continue;
    out.push({
      id: t.id,
      kind: typeof t.kind === "string" && t.kind !== "" ? t.kind : "image",
      x: int(t.x, 0),
      y: int(t.y, 0),
      w: Math.max(1, int(t.w, NEW_TILE.w)),
      h: Math.max(1, int(t.h, NEW_TILE.h)),
      state: typeof t.state === "object" && t.state !== null ? t.state : {},
    });
  }
  return out;
}

/** What a tile's title bar says. */
export function tileTitle(
  kind: string,
  state: Record<string, unknown>,
  sources: SourceRegistry | null,
): { text: string; title: string } {
  if (kind === "image") {
    const path = typeof state["path"] === "string" ? state["path"] : null;
    return { text: path ? basename(path) : "Image viewer", title: path ?? "" };
  }
  if (kind === "plot" || kind === "table") {
    const id = typeof state["source"] === "string" ? state["source"] : "";
    const name = sources?.get(id)?.spec.name ?? "(source removed)";
    if (kind === "table") return { text: `${name} — table`, title: name };
    const plot = state as Partial<PlotState>;
    const axes = plot.y ? `${plot.y} vs ${plot.x ?? "?"}` : (plot.x ?? "");
    return { text: `${name} — ${axes}`, title: `${plot.kind ?? "scatter"} of ${name}` };
  }
  return { text: `${kind} tile`, title: "A kind of tile this page does not know" };
}

/**
 * Stands in for a tile whose element is not on this page: the plot and table kinds until their
 * components are registered (it shows the source and its columns), and kinds from a newer page
 * (kept in the layout untouched).
 */
export class ToyzTileStandin extends LitElement implements TileElement {
  static override properties = {
    kind: {},
    _state: { state: true },
    _columns: { state: true },
  };

  declare kind: string;
  declare private _state: Record<string, unknown>;
  declare private _columns: string[];
  tileId = "";
  sources: SourceRegistry | null = null;

  constructor() {
    super();
    this.kind = "";
    this._state = {};
    this._columns = [];
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  get state(): Record<string, unknown> {
    return this._state;
  }

  set state(state: Record<string, unknown>) {
    this._state = state;
    void this.loadColumns();
  }

  dispose(): void {
    this._state = {};
  }

  private async loadColumns(): Promise<void> {
    const id = this._state["source"];
    const store = typeof id === "string" ? this.sources?.get(id) : null;
    if (!store || this.kind !== "table") return;
    try {
      const d = await store.describe();
      this._columns = d.columns.map((c) => c.name);
    } catch {
      this._columns = [];
    }
  }

  protected override render(): TemplateResult {
    const state = this._state;
    const id = typeof state["source"] === "string" ? state["source"] : "";
    const name = this.sources?.get(id)?.spec.name ?? id;
    if (this.kind === "plot") {
      const plot = state as Partial<PlotState>;
      return html`<div class="tile-standin" data-testid="plot-standin" data-source=${id}>
        <strong>${plot.kind ?? "scatter"}</strong> of ${name}:
        <span data-testid="plot-axes">${plot.y ?? ""} against ${plot.x ?? ""}</span>
      </div>`;
    }
    if (this.kind === "table") {
      const table = state as Partial<TableState>;
      const columns = table.columns ?? this._columns;
      return html`<div class="tile-standin" data-testid="table-standin" data-source=${id}>
        Table of ${name}${columns.length ? html`: ${columns.join(", ")}` : nothing}
      </div>`;
    }
    return html`<div class="tile-standin" data-testid="unknown-tile">
      A ${this.kind} tile, which this page cannot show: it is kept in the layout as it is.
    </div>`;
  }
}

customElements.define("toyz-tile-standin", ToyzTileStandin);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-tile-standin": ToyzTileStandin;
  }
}
