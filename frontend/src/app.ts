// <toyz-app>: the workspace page. Header, file browser, the workspace's data sources, and the
// gridstack area of tiles (image viewers, plots, tables) whose layout (positions and each tile's
// state) is saved on the server through the socket.
import { LitElement, html, nothing, type TemplateResult } from "lit";
import { GridStack, type GridItemHTMLElement, type GridStackNode } from "gridstack";

import "./file-browser";
import "./presence";
import "./sources/panel";
import "./viewer/image-viewer";
import "./workspace-title";
import { CoView } from "./coview";
import type { OpenFileDetail, OpenNightDetail, OpenTableDetail } from "./file-browser";
import type { FollowDetail, Person } from "./presence";
import type {
  ErrorBody,
  ImageTileState,
  LayoutTile,
  WorkspaceEvent,
  LayoutEvent,
  LayoutSaved,
  WorkspaceRight,
} from "./protocol";
import { WorkspaceSocket, errorText, type ConnectionStatus } from "./socket";
import { WorkspaceSources, type SourcesTransport } from "./sources/registry";
import { nightName, nightPlot } from "./sources/night";
import { firstPlot, type OpenSourceDetail } from "./sources/panel";
import type {
  LocateDetail,
  SourceSpec,
  TableState,
  TileElement,
  TileStateDetail,
} from "./sources/types";
import { NEW_TILE, createTileElement, isKnownKind, layoutTiles, tileTitle } from "./tile-kinds";
import { basename, debounce, newTileId } from "./util";
import type { ToyzImageViewer } from "./viewer/image-viewer";
import { apiErrorText, workspaces } from "./workspace-api";
import type { NoticeDetail } from "./workspace-title";

const LAYOUT_DELAY_MS = 500;
const SIDEBAR_KEY = "toyz.sidebar.open";
const FIRST_TILE = { x: 0, y: 0, w: 12, h: 8 };
const CELL_HEIGHT = 48;
const MIN_W = 3;

interface Tile {
  id: string;
  kind: string;
  item: GridItemHTMLElement;
  /** The tile's element: an image viewer, a plot, a table, or a stand-in. */
  element: TileElement;
  /** The image viewer of an image tile, else null. */
  viewer: ToyzImageViewer | null;
  title: HTMLElement;
  /** A tile of a kind this page does not know: its state as the layout holds it, sent back untouched. */
  kept: Record<string, unknown> | null;
}

/** JSON with sorted keys, so that equal layouts give equal strings. */
function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
          a < b ? -1 : a > b ? 1 : 0,
        ),
      );
    }
    return v;
  });
}

function statusLabel(status: ConnectionStatus): string {
  if (status.state === "open") return "connected";
  if (status.state === "connecting") return "connecting…";
  if (status.closeCode === 4401 || status.closeCode === 4403) return "no access — sign in again";
  return "offline — reconnecting";
}

export class ToyzApp extends LitElement {
  static override properties = {
    workspaceId: { attribute: "data-workspace-id" },
    workspaceName: { attribute: "data-workspace-name" },
    username: { attribute: "data-username" },
    isAdmin: { attribute: "data-is-admin", converter: (v: string | null) => v === "true" },
    csrf: { attribute: "data-csrf" },
    logoutUrl: { attribute: "data-logout-url" },
    homeUrl: { attribute: "data-home-url" },
    owner: { attribute: "data-owner" },
    right: { attribute: "data-right" },
    _closed: { state: true },
    _status: { state: true },
    _sidebarOpen: { state: true },
    _restored: { state: true },
    _notice: { state: true },
    _mayChange: { state: true },
    _people: { state: true },
    _following: { state: true },
    _chooser: { state: true },
    _sourcesOpen: { state: true },
  };

  declare workspaceId: string;
  declare workspaceName: string;
  declare username: string;
  declare isAdmin: boolean;
  declare csrf: string;
  declare logoutUrl: string;
  declare homeUrl: string;
  declare owner: string;
  /** The most this user may do here; "view" makes the page read-only. */
  declare right: WorkspaceRight;
  /** Why the server closed the socket for good (a withdrawn share, a sign-out), or null. */
  declare private _closed: "revoked" | "signed-out" | null;
  declare private _status: ConnectionStatus;
  declare private _sidebarOpen: boolean;
  declare private _restored: boolean;
  declare private _notice: { text: string; kind: "info" | "error" } | null;
  declare private _mayChange: boolean;
  declare private _people: Person[];
  declare private _following: string | null;
  /** The tile kind whose source the user is choosing (the toolbar's Add plot / Add table). */
  declare private _chooser: "plot" | "table" | null;
  declare private _sourcesOpen: boolean;

  /** The workspace socket (created when the element connects). */
  socket: WorkspaceSocket | null = null;
  /** The gridstack instance of the tile area. */
  grid: GridStack | null = null;
  /** Live co-viewing: views to and from the others, detached viewers, following (coview.ts). */
  coview: CoView | null = null;
  /** The layout version the server holds as far as we know: a layout message says it was based on it. */
  layoutVersion = 0;
  /** The workspace's data sources (tables), shared by its plots, tables and overlays. */
  sources: WorkspaceSources | null = null;

  private readonly tiles = new Map<string, Tile>();
  private focusedId: string | null = null;
  // The layout the server holds as far as we know (stable JSON): nothing to send if unchanged.
  private knownLayout = "[]";
  private applyingRemote = 0;
  private layoutUnsent = false;
  // The tiles this user changed (or added) and removed since the last layout sent.
  private readonly dirty = new Set<string>();
  private readonly removedIds = new Set<string>();
  // What each layout sent changed, until its layout.saved comes; then by saved version, to tell
  // this user when a later save by someone who had not seen it replaced their change.
  private readonly inFlight: Set<string>[] = [];
  // Layouts sent whose layout.saved has not come back yet (forgotten on a reconnection).
  private layoutUnacknowledged = 0;
  private readonly myWrites = new Map<number, Set<string>>();
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly sendLayoutSoon = debounce(() => this.sendLayout(), LAYOUT_DELAY_MS);

  constructor() {
    super();
    this.workspaceId = "";
    this.workspaceName = "";
    this.username = "";
    this.isAdmin = false;
    this.csrf = "";
    this.logoutUrl = "/accounts/logout/";
    this.homeUrl = "/";
    this.owner = "";
    this.right = "change";
    this._closed = null;
    this._status = { state: "connecting", retryAt: null, closeCode: null };
    this._sidebarOpen = localStorage.getItem(SIDEBAR_KEY) !== "false";
    this._restored = false;
    this._notice = null;
    this._mayChange = true;
    this._people = [];
    this._following = null;
    this._chooser = null;
    this._sourcesOpen = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // Public API

  /** The tiles as the layout message carries them, top-left first. */
  get layout(): LayoutTile[] {
    const out: LayoutTile[] = [];
    for (const tile of this.tiles.values()) {
      const node: GridStackNode | undefined = tile.item.gridstackNode;
      out.push({
        id: tile.id,
        kind: tile.kind,
        x: node?.x ?? 0,
        y: node?.y ?? 0,
        w: node?.w ?? NEW_TILE.w,
        h: node?.h ?? NEW_TILE.h,
        state: this.tileState(tile),
      });
    }
    return out.sort((a, b) => a.y - b.y || a.x - b.x || (a.id < b.id ? -1 : 1));
  }

  get viewers(): ToyzImageViewer[] {
    return [...this.tiles.values()].flatMap((t) => (t.viewer ? [t.viewer] : []));
  }

  /** The elements of the tiles, by tile id (plots and tables too). */
  tileElement(id: string): TileElement | null {
    return this.tiles.get(id)?.element ?? null;
  }

  get focusedViewer(): ToyzImageViewer | null {
    return (this.focusedId && this.tiles.get(this.focusedId)?.viewer) || null;
  }

  /**
   * Adds an empty image viewer tile, focuses it, and returns its viewer. It goes beside the
   * focused tile (which gives it half its width) when that one is wide enough; otherwise where
   * there is room, scrolled into view.
   */
  addImageViewer(): ToyzImageViewer | null {
    return this.addTileOf("image", {})?.viewer ?? null;
  }

  /** Adds a tile of `kind` with `state`, placed as `addImageViewer` places it. */
  addTileOf(kind: string, state: Record<string, unknown>): Tile | null {
    if (!this._mayChange) {
      this.notify("View only: save a copy to add tiles.", "info");
      return null;
    }
    const focused = this.focusedId ? this.tiles.get(this.focusedId) : undefined;
    const node = focused?.item.gridstackNode;
    let tile: Tile;
    if (this.grid && node && (node.w ?? 0) >= 2 * MIN_W) {
      const x = node.x ?? 0;
      const y = node.y ?? 0;
      const w = node.w ?? 0;
      const h = node.h ?? NEW_TILE.h;
      const left = Math.ceil(w / 2);
      this.grid.update(node.el ?? focused.item, { w: left });
      tile = this.addTile({ id: newTileId(), kind, x: x + left, y, w: w - left, h, state }, false);
    } else {
      tile = this.addTile({ id: newTileId(), kind, x: 0, y: 0, ...NEW_TILE, state }, true);
    }
    this.focusTile(tile.id);
    tile.item.scrollIntoView({ block: "nearest" });
    this.dirty.add(tile.id);
    this.sendLayoutSoon();
    return tile;
  }

  /** Adds a plot of a source: the columns given, else its sky columns, else its first two numeric ones. */
  async addPlot(sourceId: string, x?: string, y?: string): Promise<TileElement | null> {
    const store = this.sources?.get(sourceId);
    if (!store) return null;
    let state: Record<string, unknown>;
    if (x !== undefined) {
      state = { source: sourceId, kind: "scatter", x, y: y ?? null };
    } else {
      try {
        state = firstPlot(sourceId, await store.describe());
      } catch (error) {
        this.notify(errorText(error), "error");
        return null;
      }
    }
    return this.addTileOf("plot", state)?.element ?? null;
  }

  /** Adds a table view of a source. */
  addTable(sourceId: string, columns: string[] | null = null): TileElement | null {
    if (!this.sources?.get(sourceId)) return null;
    const state: TableState = {
      source: sourceId,
      sort: null,
      desc: false,
      filter: null,
      columns,
      scroll: 0,
    };
    return this.addTileOf("table", state)?.element ?? null;
  }

  /**
   * Opens table `table` of a file as a workspace source, with a table view and a first plot, and
   * shows its columns in the sources panel.
   */
  async openTable(path: string, table = 0): Promise<void> {
    const sources = this.sources;
    if (!sources) return;
    if (!this._mayChange) {
      this.notify("View only: save a copy to open tables here.", "info");
      return;
    }
    let id: string;
    try {
      const known = sources.find(path, table);
      const store = known ?? sources.add({ kind: "file", path, table, name: basename(path) });
      id = store.id;
      const d = await store.describe();
      if (!known && d.tables.length > 1) {
        const name = d.tables.find((t) => t.index === table)?.name;
        if (name) sources.update(id, { name: `${basename(path)} [${name}]` });
      }
      if (known) {
        this.notify(`${store.spec.name} is already open: its tiles are in the workspace.`, "info");
        this._sourcesOpen = true;
        return;
      }
    } catch (error) {
      // A table the server cannot read stays out of the workspace.
      const failed = sources.find(path, table);
      if (failed) sources.remove(failed.id);
      this.notify(errorText(error), "error");
      return;
    }
    this._sourcesOpen = true;
    this.addTable(id);
    await this.addPlot(id);
  }

  /**
   * Opens a folder's header index (a night: one row per exposure the user may read) as a workspace
   * source, with a table view (thumbnails; a double click opens the exposure) and a plot of the
   * seeing, airmass or exposure time against time. False when nothing of the folder is indexed
   * (the file browser's "Night table" offers to index it first).
   */
  async openNight(folder: string): Promise<boolean> {
    const sources = this.sources;
    if (!sources) return false;
    if (!this._mayChange) {
      this.notify("View only: save a copy to open tables here.", "info");
      return false;
    }
    const known = sources.find(folder, 0, "headers");
    if (known) {
      this.notify(`${known.spec.name} is already open: its tiles are in the workspace.`, "info");
      this._sourcesOpen = true;
      return true;
    }
    let id: string;
    let plot: Record<string, unknown>;
    let shown: string[];
    try {
      const store = sources.add({
        kind: "headers",
        path: folder,
        table: 0,
        name: nightName(folder),
      });
      id = store.id;
      const d = await store.describe();
      if (d.rows === 0) {
        sources.remove(id);
        this.notify(`No exposure under ${folder || "data"} is indexed yet.`, "info");
        return false;
      }
      plot = nightPlot(id, d);
      // The file's path is long and its name is beside it: hidden at first (a double click uses it).
      shown = d.columns.slice(1).flatMap((c) => (c.name === "path" ? [] : [c.name]));
    } catch (error) {
      const failed = sources.find(folder, 0, "headers");
      if (failed) sources.remove(failed.id);
      this.notify(errorText(error), "error");
      return false;
    }
    this._sourcesOpen = true;
    this.addTable(id, shown);
    this.addTileOf("plot", plot);
    return true;
  }

  /** Centres the focused image viewer (else the first) on a sky or pixel position. */
  locate(detail: LocateDetail): void {
    const viewer = this.focusedViewer ?? this.viewers[0] ?? null;
    if (!viewer) {
      this.notify("Open an image viewer to see where this row lies.", "info");
      return;
    }
    if ("ra" in detail) void viewer.centreOnSky(detail.ra, detail.dec);
    else viewer.centreOnPixel(detail.x, detail.y);
  }

  /** Opens an image file in the focused viewer, else an empty one, else a new one. */
  openFile(path: string): void {
    let viewer = this.focusedViewer;
    if (!viewer) viewer = this.viewers.find((v) => !v.state.path) ?? null;
    if (!viewer) viewer = this.viewers[0] ?? null;
    if (!viewer) viewer = this.addImageViewer();
    if (!viewer) return;
    this.focusTile(viewer.tileId);
    this.coview?.gesture(viewer.tileId);
    void viewer.open(path);
  }

  removeTile(id: string): void {
    const tile = this.tiles.get(id);
    if (!tile || !this.grid || !this._mayChange) return;
    tile.element.dispose();
    this.tiles.delete(id);
    this.coview?.forget(id);
    if (this.focusedId === id) this.focusedId = null;
    this.grid.removeWidget(tile.item, true);
    this.sendLayoutSoon();
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    // Until the socket's first word, the page's own attribute says whether this user may change it.
    if (changed.has("right") && !this._restored) this._mayChange = this.right !== "view";
  }

  protected override updated(): void {
    this.classList.toggle("read-only", !this._mayChange);
  }

  protected override firstUpdated(): void {
    const gridEl = this.querySelector<HTMLElement>(".grid-stack");
    if (!gridEl) return;
    const grid = GridStack.init(
      {
        column: 12,
        cellHeight: CELL_HEIGHT,
        margin: 4,
        minRow: 1,
        animate: true,
        handle: ".tile-titlebar",
        resizable: { handles: "e, se, s, w" },
      },
      gridEl,
    );
    if (!grid) throw new Error("toyz-app: gridstack did not start");
    this.grid = grid;
    grid.setStatic(!this._mayChange);
    grid.on("change added removed", (event: Event, nodes: GridStackNode[]) => {
      if (this.applyingRemote !== 0) return;
      for (const node of nodes) {
        const id = node.id === undefined ? null : String(node.id);
        if (id === null) continue;
        if (event.type === "removed") this.removedIds.add(id);
        else this.dirty.add(id);
      }
      this.sendLayoutSoon();
    });
    gridEl.addEventListener("toyz-viewer-state", (event) => this.onTileState(event));
    gridEl.addEventListener("toyz-tile-state", (event) => this.onTileState(event));
    // A night table's row asks for its exposure.
    gridEl.addEventListener("toyz-open-file", (event) => {
      event.stopPropagation();
      this.openFile(event.detail.path);
    });
    // A tile's tool made a table (a detection, a cross-match): opened as the file browser opens one.
    gridEl.addEventListener("toyz-open-table", (event) => {
      event.stopPropagation();
      void this.openTable(event.detail.path, event.detail.table ?? 0);
    });
    gridEl.addEventListener("toyz-locate", (event) => {
      event.stopPropagation();
      this.locate(event.detail);
    });
    gridEl.addEventListener(
      "pointerdown",
      (event) => {
        const item = (event.target as HTMLElement).closest<HTMLElement>(".grid-stack-item");
        const id = item?.getAttribute("gs-id");
        if (id) this.focusTile(id);
      },
      { capture: true },
    );

    const socket = new WorkspaceSocket(this.workspaceId);
    this.socket = socket;
    const coview = new CoView(socket, {
      viewer: (id) => this.tiles.get(id)?.viewer ?? null,
      mayChange: () => this._mayChange,
      notify: (text, kind) => this.notify(text, kind),
      changed: () => (this._following = coview.following),
    });
    this.coview = coview;
    // The registry takes a narrow, loosely typed transport (its tests drive a stand-in socket).
    const sources = new WorkspaceSources(socket as unknown as SourcesTransport, {
      mayChange: () => this._mayChange,
    });
    this.sources = sources;
    this.unsubscribe.push(
      socket.onStatus((status) => this.onStatus(status)),
      socket.on("access", (event) => this.onAccess(event.may_change)),
      socket.on("workspace.renamed", (event) => (this.workspaceName = event.name)),
      socket.on("workspace", (event) => this.onWorkspace(event)),
      socket.on("layout", (event) => this.onLayout(event)),
      socket.on("layout.saved", (event) => this.onLayoutSaved(event)),
      sources.onChange(() => this.onSourcesChanged()),
      socket.on("view", (event) => coview.received(event)),
      socket.on("presence", (event) => {
        this._people = event.people;
        coview.present(new Set(event.people.map((p) => p.user)));
      }),
      socket.on("prerender.ready", (event) => {
        // Every workspace hears of every pre-render its user may see (a whole night of them):
        // only the files open here are worth a word.
        if (this.viewers.some((v) => v.state.path === event.path)) {
          this.notify(
            `${basename(event.path)} is pre-rendered: its tiles now come from the cache.`,
            "info",
          );
        }
      }),
      socket.onError((error: ErrorBody) => this.notify(`Server: ${error.message}`, "error")),
    );
    window.addEventListener("beforeunload", this.flushLayout);
    socket.connect();
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener("beforeunload", this.flushLayout);
    this.sendLayoutSoon.flush();
    this.sources?.dispose();
    for (const off of this.unsubscribe.splice(0)) off();
    for (const tile of this.tiles.values()) tile.element.dispose();
    this.socket?.close();
  }

  private readonly flushLayout = (): void => {
    this.sendLayoutSoon.flush();
    this.sources?.flush();
  };

  // -------------------------------------------------------------------------------------------
  // Layout from and to the server

  /**
   * Whether every change made on this page (layout, tiles' states, sources and selections) has been
   * saved by the server: none waits for its debounce, none is unsent or unanswered. For people and
   * tests that must know a reload will show it.
   */
  get saved(): boolean {
    const layout =
      !this.sendLayoutSoon.pending() &&
      !this.layoutUnsent &&
      this.dirty.size === 0 &&
      this.removedIds.size === 0 &&
      this.layoutUnacknowledged === 0;
    return layout && (this.sources?.saved ?? true);
  }

  private onWorkspace(event: WorkspaceEvent): void {
    this.layoutUnacknowledged = 0; // a new connection: what was in flight is in this layout, or lost
    if (event.name) this.workspaceName = event.name;
    this.setMayChange(event.may_change !== false);
    // Every (re)connection: who is here, and from now on who comes and goes.
    this.socket?.send({ type: "presence" });
    const tiles = layoutTiles(event.tiles);
    const previousVersion = this.layoutVersion;
    this.layoutVersion = event.version;
    if (!this._restored) {
      this.applyLayout(tiles, true);
      this._restored = true;
      if (this.tiles.size === 0) {
        // One viewer that fills the visible area.
        const height = this.querySelector(".workspace")?.clientHeight ?? 0;
        const h = Math.max(FIRST_TILE.h, Math.floor(height / CELL_HEIGHT));
        this.addTile({ id: newTileId(), kind: "image", ...FIRST_TILE, h, state: {} }, false);
      }
      const first = this.tiles.keys().next();
      if (!first.done) this.focusTile(first.value);
      this.sendLayoutSoon(); // nothing goes out unless the layout differs from the server's
      return;
    }
    // A reconnection: the server sends its layout first. What we changed while offline goes to the
    // server based on the version we had, so that it is merged onto what the others did meanwhile.
    if (this.layoutUnsent || this.dirty.size > 0 || this.removedIds.size > 0) {
      this.layoutUnsent = false;
      this.layoutVersion = previousVersion;
      this.sendLayoutSoon.cancel();
      this.sendLayout();
    } else {
      this.applyLayout(tiles, false);
    }
  }

  private onLayout(event: LayoutEvent): void {
    if (!this._restored) return;
    this.layoutVersion = Math.max(this.layoutVersion, event.version);
    this.applyLayout(layoutTiles(event.tiles), false, new Set(event.changed));
    // Saved over changes of ours that its author had not seen: say so (nothing is lost silently).
    const theirs = new Set([...event.changed, ...event.removed]);
    for (const [version, mine] of this.myWrites) {
      if (version <= event.base) this.myWrites.delete(version);
      else if (
        version < event.version &&
        (!event.merged || [...mine].some((id) => theirs.has(id)))
      ) {
        this.myWrites.delete(version);
        this.notify(
          `${event.from} changed the layout before your change reached them: theirs replaced yours` +
            (event.merged ? " on the tiles you both changed." : "."),
          "info",
        );
      }
    }
  }

  private onLayoutSaved(event: LayoutSaved): void {
    this.layoutUnacknowledged = Math.max(0, this.layoutUnacknowledged - 1);
    const changed = this.inFlight.shift() ?? new Set<string>();
    this.myWrites.set(event.version, changed);
    while (this.myWrites.size > 32) this.myWrites.delete(this.myWrites.keys().next().value ?? 0);
    this.layoutVersion = Math.max(this.layoutVersion, event.version);
    if (event.merged && event.tiles) {
      // Others saved since our base: the server merged our change onto theirs; show the result.
      this.applyLayout(layoutTiles(event.tiles), false);
      this.notify(
        "Others changed the layout meanwhile: your change was merged with theirs.",
        "info",
      );
    } else if (event.base < event.version - 1) {
      this.notify("Others changed the layout meanwhile: your layout replaced theirs.", "info");
    }
  }

  /**
   * Makes the grid show `tiles`; `initial` also restores each viewer's view. Viewer states are taken
   * only from the tiles in `changed` (all without it), and not when they came live already.
   */
  private applyLayout(tiles: LayoutTile[], initial: boolean, changed?: Set<string>): void {
    const grid = this.grid;
    if (!grid) return;
    this.applyingRemote += 1;
    try {
      grid.batchUpdate();
      // Our own changes not sent yet stay (they go out based on this new version); others' apply.
      const keep = initial ? new Set<string>() : this.dirty;
      tiles = tiles.filter((t) => !keep.has(t.id) && (initial || !this.removedIds.has(t.id)));
      const wanted = new Set([...tiles.map((t) => t.id), ...keep]);
      for (const [id, tile] of [...this.tiles]) {
        if (!wanted.has(id) || tiles.some((t) => t.id === id && t.kind !== tile.kind)) {
          this.coview?.forget(id);
          tile.element.dispose();
          this.tiles.delete(id);
          if (this.focusedId === id) this.focusedId = null;
          grid.removeWidget(tile.item, true, false);
        }
      }
      for (const t of tiles) {
        const existing = this.tiles.get(t.id);
        if (existing) {
          grid.update(existing.item, { x: t.x, y: t.y, w: t.w, h: t.h });
          if (changed && !changed.has(t.id)) continue;
          if (!existing.viewer) {
            this.restoreTile(existing, t.state);
            continue;
          }
          if (this.coview?.detached.has(t.id) || this.coview?.isShared(t.id, t.state)) {
            this.coview?.layoutApplied(t.id, t.state);
            continue;
          }
          // A collaborator's new picture comes with their view; otherwise the views came live.
          const state = t.state as ImageTileState;
          const newPicture = (state.path ?? null) !== (existing.viewer.state.path ?? null);
          if (stableStringify(t.state) !== stableStringify(existing.viewer.state)) {
            this.coview?.layoutApplied(t.id, t.state);
            void existing.viewer.restore(state, { view: initial || newPicture });
          }
        } else {
          this.addTile(t, false);
        }
      }
      grid.batchUpdate(false);
    } finally {
      this.applyingRemote -= 1;
    }
    this.knownLayout = stableStringify(tiles);
  }

  private sendLayout(): void {
    // A view-only workspace: the server refuses layouts, and local changes stay local.
    if (!this.socket || !this._restored || !this._mayChange) return;
    if (this.socket.state !== "open") {
      // Sent when the server's workspace event of the next connection comes.
      this.layoutUnsent = true;
      return;
    }
    const tiles = this.layout;
    const json = stableStringify(tiles);
    const ids = new Set(tiles.map((t) => t.id));
    const changed = [...this.dirty].filter((id) => ids.has(id));
    const removed = [...this.removedIds].filter((id) => !ids.has(id));
    this.dirty.clear();
    this.removedIds.clear();
    if (json === this.knownLayout || (changed.length === 0 && removed.length === 0)) return;
    this.knownLayout = json;
    this.inFlight.push(new Set([...changed, ...removed]));
    this.layoutUnacknowledged += 1;
    this.socket.send({ type: "layout", tiles, version: this.layoutVersion, changed, removed });
  }

  private onTileState(event: Event): void {
    const detail = (event as CustomEvent<TileStateDetail>).detail;
    const tile = this.tiles.get(detail.tileId);
    if (!tile) return;
    this.setTitle(tile, detail.state);
    // Only this user's own changes are sent and saved: a state applied from elsewhere is not echoed.
    if (this.applyingRemote !== 0) return;
    if (tile.viewer && !this.coview?.localState(tile.id, detail.state)) return;
    this.dirty.add(tile.id);
    this.sendLayoutSoon();
  }

  /** What the layout saves of a tile. */
  private tileState(tile: Tile): Record<string, unknown> {
    if (tile.kept) return tile.kept;
    if (tile.viewer)
      return this.coview?.layoutState(tile.id, tile.viewer.state) ?? tile.viewer.state;
    return tile.element.state;
  }

  /** Applies a plot's or a table's state from the server (an unknown kind's is kept as it is). */
  private restoreTile(tile: Tile, state: Record<string, unknown>): void {
    if (tile.kept) tile.kept = state;
    else if (stableStringify(state) !== stableStringify(tile.element.state))
      tile.element.state = state;
    this.setTitle(tile, state);
  }

  private onSourcesChanged(): void {
    // Titles name the sources; a tile whose source was removed says so.
    for (const tile of this.tiles.values())
      if (!tile.viewer) this.setTitle(tile, this.tileState(tile));
    this.requestUpdate();
  }

  // -------------------------------------------------------------------------------------------
  // Tiles

  private addTile(t: LayoutTile, autoPosition: boolean): Tile {
    const grid = this.grid;
    if (!grid) throw new Error("toyz-app: the grid is not ready");
    const item = document.createElement("div") as unknown as GridItemHTMLElement;
    item.className = "grid-stack-item";
    const content = document.createElement("div");
    content.className = "grid-stack-item-content tile";
    content.dataset["testid"] = "tile";
    content.dataset["tileId"] = t.id;

    const bar = document.createElement("div");
    bar.className = "tile-titlebar";
    const title = document.createElement("span");
    title.className = "tile-title";
    const close = document.createElement("button");
    close.className = "tile-close icon-button";
    close.dataset["testid"] = "tile-close";
    close.title = t.kind === "image" ? "Close this viewer" : `Close this ${t.kind}`;
    close.textContent = "×";
    close.addEventListener("click", () => this.removeTile(t.id));
    // Keep gridstack from starting a drag on the close button.
    close.addEventListener("pointerdown", (e) => e.stopPropagation());
    close.addEventListener("mousedown", (e) => e.stopPropagation());
    if (this.coview && t.kind === "image") {
      bar.append(title, this.coview.detachButton(t.id), close);
      this.coview.watch(t.id, content);
    } else {
      bar.append(title, close);
    }

    const element = createTileElement(t.kind);
    element.tileId = t.id;
    element.sources = this.sources;
    const viewer = t.kind === "image" ? (element as unknown as ToyzImageViewer) : null;
    if (viewer) viewer.socket = this.socket;
    content.dataset["kind"] = t.kind;
    content.append(bar, element);
    item.append(content);
    grid.el.append(item);
    grid.makeWidget(
      item,
      autoPosition
        ? { id: t.id, w: t.w, h: t.h, autoPosition: true, minW: MIN_W, minH: 4 }
        : { id: t.id, x: t.x, y: t.y, w: t.w, h: t.h, minW: MIN_W, minH: 4 },
    );

    const kept = isKnownKind(t.kind) ? null : t.state;
    const tile: Tile = { id: t.id, kind: t.kind, item, element, viewer, title, kept };
    this.tiles.set(t.id, tile);
    this.setTitle(tile, t.state);
    if (viewer) {
      if (Object.keys(t.state).length > 0) {
        this.coview?.layoutApplied(t.id, t.state);
        void viewer.restore(t.state, { view: true });
      }
    } else {
      element.state = t.state;
    }
    return tile;
  }

  private setTitle(tile: Tile, state: Record<string, unknown>): void {
    const { text, title } = tileTitle(tile.kind, state, this.sources);
    tile.title.textContent = text;
    tile.title.title = title;
  }

  private focusTile(id: string): void {
    if (this.focusedId === id) return;
    this.focusedId = id;
    for (const tile of this.tiles.values()) {
      tile.item.classList.toggle("focused", tile.id === id);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Access: read-only for viewers, live when a share changes, closed when it is withdrawn

  private setMayChange(mayChange: boolean): void {
    this._mayChange = mayChange;
    this.grid?.setStatic(!mayChange);
    if (!mayChange) this.right = "view";
    else if (this.right === "view") this.right = "change";
  }

  private onAccess(mayChange: boolean): void {
    this.setMayChange(mayChange);
    this.notify(
      mayChange
        ? "You may now change this workspace."
        : "Your right was lowered: this workspace is now view only.",
      "info",
    );
    // The event says what the socket needs; the header also wants the share right, the name and owner.
    workspaces.get(this.workspaceId).then(
      (info) => {
        this.right = info.right;
        this.owner = info.owner;
        this.workspaceName = info.name;
      },
      () => undefined, // a withdrawn view closes the socket, which says so
    );
  }

  private onStatus(status: ConnectionStatus): void {
    this._status = status;
    if (this._closed || status.state !== "closed") return;
    // The server closed the socket because the share was withdrawn or the user signed out:
    // reconnecting would only be refused, so stop and say why.
    if (status.closeCode === 4403 || status.closeCode === 4401) {
      this._closed = status.closeCode === 4401 ? "signed-out" : "revoked";
      this.socket?.close();
    }
  }

  private async saveCopy(): Promise<void> {
    try {
      const copy = await workspaces.duplicate(this.workspaceId);
      window.location.assign(copy.url);
    } catch (error) {
      this.notify(apiErrorText(error), "error");
    }
  }

  private renderClosed(): TemplateResult {
    const why =
      this._closed === "signed-out"
        ? "You were signed out, so this workspace was closed."
        : "This workspace is no longer shared with you (or it was deleted), so it was closed.";
    return html`<div class="access-closed" role="alert" data-testid="access-closed">
      <p>${why}</p>
      <a href=${this.homeUrl} data-testid="back-to-list">Back to your workspaces</a>
    </div>`;
  }

  // -------------------------------------------------------------------------------------------
  // Page chrome

  private notify(text: string, kind: "info" | "error"): void {
    this._notice = { text, kind };
    if (this.noticeTimer !== null) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => (this._notice = null), kind === "error" ? 8000 : 4000);
  }

  private toggleSidebar(): void {
    this._sidebarOpen = !this._sidebarOpen;
    localStorage.setItem(SIDEBAR_KEY, String(this._sidebarOpen));
  }

  private onFollow(user: string | null): void {
    if (user === null) this.coview?.unfollow();
    else this.coview?.follow(user);
  }

  private onOpenFile(event: CustomEvent<OpenFileDetail>): void {
    this.openFile(event.detail.path);
  }

  /** The toolbar's Add plot / Add table: straight away with one source, else the user chooses. */
  private chooseSource(kind: "plot" | "table"): void {
    const specs = this.sources?.specs ?? [];
    if (specs.length === 0) {
      this.notify(
        "Open a table from the file browser first: plots and tables show its columns.",
        "info",
      );
      return;
    }
    if (specs.length === 1 && specs[0]) this.addOf(kind, specs[0].id);
    else this._chooser = this._chooser === kind ? null : kind;
  }

  private addOf(kind: "plot" | "table", sourceId: string): void {
    this._chooser = null;
    if (kind === "plot") void this.addPlot(sourceId);
    else this.addTable(sourceId);
  }

  private renderChooser(): TemplateResult | typeof nothing {
    const kind = this._chooser;
    if (!kind) return nothing;
    const specs: readonly SourceSpec[] = this.sources?.specs ?? [];
    return html`<div class="source-chooser" role="menu" data-testid="source-chooser">
      <div class="chooser-title">${kind === "plot" ? "Plot" : "Table of"} which source?</div>
      ${specs.map(
        (spec) => html`<button
          role="menuitem"
          data-testid="choose-source"
          data-source=${spec.id}
          title=${spec.path}
          @click=${() => this.addOf(kind, spec.id)}
        >
          ${spec.name}
        </button>`,
      )}
      <button @click=${() => (this._chooser = null)}>Cancel</button>
    </div>`;
  }

  protected override render(): TemplateResult {
    const status = this._status;
    return html`
      <header class="app-header">
        <button
          class="icon-button sidebar-toggle"
          data-testid="sidebar-toggle"
          title=${this._sidebarOpen ? "Hide the file browser" : "Show the file browser"}
          aria-expanded=${this._sidebarOpen ? "true" : "false"}
          @click=${() => this.toggleSidebar()}
        >
          ☰
        </button>
        <a class="logo" href=${this.homeUrl} title="Home">Toyz</a>
        <toyz-workspace-title
          .workspaceId=${this.workspaceId}
          .name=${this.workspaceName}
          .owner=${this.owner}
          .username=${this.username}
          .right=${this.right}
          @toyz-renamed=${(e: CustomEvent<{ name: string }>) => (this.workspaceName = e.detail.name)}
          @toyz-notice=${(e: CustomEvent<NoticeDetail>) => this.notify(e.detail.text, e.detail.kind)}
        ></toyz-workspace-title>
        <button
          class="primary"
          data-testid="add-viewer"
          ?hidden=${!this._mayChange}
          @click=${() => this.addImageViewer()}
        >
          Add image viewer
        </button>
        <span class="add-source-tiles" ?hidden=${!this._mayChange}>
          <button data-testid="add-plot" title="Plot columns of one of the workspace's sources" @click=${() => this.chooseSource("plot")}>
            Add plot
          </button>
          <button data-testid="add-table" title="A table view of one of the workspace's sources" @click=${() => this.chooseSource("table")}>
            Add table
          </button>
          ${this.renderChooser()}
        </span>
        <span class="header-spacer"></span>
        <toyz-presence
          .people=${this._people}
          .me=${this.username}
          .following=${this._following}
          @toyz-follow=${(event: CustomEvent<FollowDetail>) => this.onFollow(event.detail.user)}
        ></toyz-presence>
        <span
          class="connection ${status.state}"
          data-testid="connection"
          data-state=${status.state}
          title=${this.socket?.url ?? ""}
          ><span class="dot"></span>${this._closed ? "closed" : statusLabel(status)}</span
        >
        <a href=${this.homeUrl} data-testid="home-link">Workspaces</a>
        ${this.isAdmin ? html`<a href="/admin/" data-testid="admin-link">Admin</a>` : nothing}
        <span class="username" data-testid="username">${this.username}</span>
        <form class="logout" method="post" action=${this.logoutUrl}>
          <input type="hidden" name="csrfmiddlewaretoken" value=${this.csrf} />
          <button type="submit" data-testid="logout">Log out</button>
        </form>
      </header>
      ${
        this._mayChange || this._closed
          ? nothing
          : html`<div class="view-only-banner" data-testid="view-only">
              <span
                ><strong>View only</strong> — you can look around, but changes to this workspace are
                not saved.</span
              >
              <button class="primary" data-testid="save-copy" @click=${() => void this.saveCopy()}>
                Save a copy
              </button>
            </div>`
      }
      ${this._closed ? this.renderClosed() : nothing}
      <div class="app-body" ?hidden=${this._closed !== null}>
        <aside class="sidebar" ?hidden=${!this._sidebarOpen}>
          <toyz-file-browser
            .socket=${this.socket}
            @toyz-open-file=${(event: CustomEvent<OpenFileDetail>) => this.onOpenFile(event)}
            @toyz-open-table=${(event: CustomEvent<OpenTableDetail>) =>
              void this.openTable(event.detail.path, event.detail.table ?? 0)}
            @toyz-open-night=${(event: CustomEvent<OpenNightDetail>) =>
              void this.openNight(event.detail.path)}
          ></toyz-file-browser>
          <details
            class="sources-section"
            data-testid="sources-section"
            ?open=${this._sourcesOpen}
            @toggle=${(event: Event) => (this._sourcesOpen = (event.target as HTMLDetailsElement).open)}
          >
            <summary>Sources (${this.sources?.specs.length ?? 0})</summary>
            <toyz-sources-panel
              .sources=${this.sources}
              .mayChange=${this._mayChange}
              @toyz-open-source=${(event: CustomEvent<OpenSourceDetail>) =>
                event.detail.kind === "plot"
                  ? void this.addPlot(event.detail.source)
                  : this.addTable(event.detail.source)}
              @toyz-notice=${(e: CustomEvent<NoticeDetail>) => this.notify(e.detail.text, e.detail.kind)}
            ></toyz-sources-panel>
          </details>
        </aside>
        <main class="workspace">
          <div class="grid-stack"></div>
          ${
            this._restored
              ? nothing
              : html`<div class="workspace-waiting">Connecting to the workspace…</div>`
          }
        </main>
      </div>
      ${
        this._notice
          ? html`<div class="notice ${this._notice.kind}" role="status" data-testid="notice">
              ${this._notice.text}
            </div>`
          : nothing
      }
    `;
  }
}

customElements.define("toyz-app", ToyzApp);

declare global {
  interface HTMLElementTagNameMap {
    "toyz-app": ToyzApp;
  }
}
