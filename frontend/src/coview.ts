// Live co-viewing: each viewer's changes (file, HDU, plane, stretch, limits, colormap, pan and zoom)
// go to the workspace's other pages as `view` messages and are applied to the same tile there.
//
// No echo: a viewer's state is sent only when it follows a gesture of this page's user on that tile
// (pointer, wheel, key, toolbar input) made after the last state applied from elsewhere; what a
// remote state makes the viewer emit is never sent back. A detached viewer neither receives nor sends,
// and the layout keeps its last shared state. "Follow <name>" applies only that person's views, starting
// from the latest one heard, until this user moves a viewer themselves.
import type { ImageTileState, ServerEventOf } from "./protocol";
import type { WorkspaceSocket } from "./socket";
import type { ToyzImageViewer } from "./viewer/image-viewer";

/** The content of a `view` message: which tile, and its whole state. */
export interface ViewContent {
  tile: string;
  state: ImageTileState;
  /** The sender's `performance.timeOrigin + performance.now()`, for latency measurements. */
  sent?: number;
}

export interface CoViewHooks {
  viewer(tileId: string): ToyzImageViewer | null;
  /** Whether this user may change the workspace: view-only users' views stay their own. */
  mayChange(): boolean;
  notify(text: string, kind: "info" | "error"): void;
  /** Following or detaching changed: the page redraws its chrome. */
  changed(): void;
}

// Events that mean "this person did something to this viewer".
const GESTURES = ["pointerdown", "wheel", "keydown", "input", "change"] as const;

/** The state with its keys sorted, so that equal states give equal JSON. */
function sorted(state: ImageTileState): ImageTileState {
  return Object.fromEntries(Object.entries(state).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function viewOf(state: ImageTileState): string {
  return JSON.stringify([state.center ?? null, state.resolution ?? null]);
}

/** A `view` event's content, if it is one this client understands. */
export function viewContent(event: ServerEventOf<"view">): ViewContent | null {
  const { tile, state } = event;
  if (typeof tile !== "string" || tile === "") return null;
  if (typeof state !== "object" || state === null || Array.isArray(state)) return null;
  return { tile, state };
}

export class CoView {
  /** The tiles whose viewers receive nothing from the others (and send nothing). */
  readonly detached = new Set<string>();
  /** The username whose views alone are applied, or null for everyone's. */
  following: string | null = null;

  // performance.now() of the last gesture on each tile, and of the last state applied from elsewhere.
  private readonly gestureAt = new Map<string, number>();
  private readonly remoteAt = new Map<string, number>();
  // The latest view state heard from each user, by tile: where "follow" starts.
  private readonly latest = new Map<string, Map<string, ImageTileState>>();
  // Per tile: the last state the others and this page agree on, and the view last emitted here.
  private readonly shared = new Map<string, ImageTileState>();
  private readonly lastView = new Map<string, string>();
  private readonly lastSent = new Map<string, string>();
  /** View messages sent, received and applied here, for tests. */
  sentCount = 0;
  receivedCount = 0;
  appliedCount = 0;

  constructor(
    private readonly socket: WorkspaceSocket,
    private readonly hooks: CoViewHooks,
  ) {}

  /** Listens for this user's gestures on a tile's element. */
  watch(tileId: string, element: HTMLElement): void {
    for (const type of GESTURES) {
      element.addEventListener(type, () => this.gesture(tileId), { capture: true, passive: true });
    }
  }

  /** This user acted on the tile (also called when a file is opened into it from the browser). */
  gesture(tileId: string): void {
    this.gestureAt.set(tileId, performance.now());
  }

  /** Whether the tile's latest state comes from this user rather than from elsewhere. */
  isLocal(tileId: string): boolean {
    const gesture = this.gestureAt.get(tileId);
    return gesture !== undefined && gesture >= (this.remoteAt.get(tileId) ?? -1);
  }

  /** The state this tile has in the shared layout: the viewer's own unless it is detached. */
  layoutState(tileId: string, own: ImageTileState): ImageTileState {
    return this.detached.has(tileId) ? (this.shared.get(tileId) ?? own) : own;
  }

  /** Whether `state` is what the others' latest live view (or this user's) of the tile said. */
  isShared(tileId: string, state: ImageTileState): boolean {
    const shared = this.shared.get(tileId);
    return shared !== undefined && JSON.stringify(sorted(shared)) === JSON.stringify(sorted(state));
  }

  /** A layout from the server set this tile's state: the shared one, not this user's doing. */
  layoutApplied(tileId: string, state: ImageTileState): void {
    const known = this.isShared(tileId, state);
    this.shared.set(tileId, state);
    if (!known && !this.detached.has(tileId)) this.remoteAt.set(tileId, performance.now());
  }

  forget(tileId: string): void {
    for (const map of [this.gestureAt, this.remoteAt, this.shared, this.lastView, this.lastSent]) {
      map.delete(tileId);
    }
    this.detached.delete(tileId);
  }

  /**
   * A viewer emitted its state. Returns true if the change is this user's and belongs in the shared
   * layout (sent live to the others too); false for an echo of a remote state or a detached viewer.
   */
  localState(tileId: string, state: ImageTileState): boolean {
    const view = viewOf(state);
    const moved = this.lastView.has(tileId) && this.lastView.get(tileId) !== view;
    this.lastView.set(tileId, view);
    if (!this.isLocal(tileId)) return false;
    if (moved && this.following !== null && state.path) {
      const name = this.following;
      this.following = null;
      this.hooks.notify(`You moved: no longer following ${name}.`, "info");
      this.hooks.changed();
    }
    if (this.detached.has(tileId) || !this.hooks.mayChange()) return false;
    const json = JSON.stringify(sorted(state));
    if (this.lastSent.get(tileId) !== json) {
      this.lastSent.set(tileId, json);
      this.shared.set(tileId, state);
      const content: ViewContent = {
        tile: tileId,
        state,
        sent: performance.timeOrigin + performance.now(),
      };
      this.socket.send({ type: "view", ...content });
      this.sentCount += 1;
    }
    return true;
  }

  /** Another page's view of a tile. */
  received(event: ServerEventOf<"view">): void {
    const content = viewContent(event);
    if (!content) return;
    const from = event.from;
    let byTile = this.latest.get(from);
    if (!byTile) {
      byTile = new Map();
      this.latest.set(from, byTile);
    }
    byTile.set(content.tile, content.state);
    this.receivedCount += 1;
    // What the others see now, also for a detached viewer that attaches again later.
    this.shared.set(content.tile, content.state);
    if (this.following !== null && from !== this.following) return;
    this.apply(content.tile, content.state);
  }

  /** Applies `state` to the tile's viewer unless it is detached or already shows it. */
  private apply(tileId: string, state: ImageTileState): void {
    const viewer = this.hooks.viewer(tileId);
    if (!viewer || this.detached.has(tileId)) return;
    this.shared.set(tileId, state);
    const json = JSON.stringify(sorted(state));
    // The same state again (a repeat, or what this page sent): nothing to do, and nothing to echo.
    this.lastSent.set(tileId, json);
    if (JSON.stringify(sorted(viewer.state)) === json) return;
    this.remoteAt.set(tileId, performance.now());
    this.appliedCount += 1;
    void viewer.restore(state, { view: true });
  }

  /** Keeps this page's viewers on `user`'s view (starting with the latest heard) until this user moves. */
  follow(user: string): void {
    this.following = user;
    for (const [tileId, state] of this.latest.get(user) ?? []) this.apply(tileId, state);
    this.hooks.notify(`Following ${user}: move a viewer yourself to stop.`, "info");
    this.hooks.changed();
  }

  unfollow(): void {
    if (this.following === null) return;
    this.following = null;
    this.hooks.changed();
  }

  /** A user left: following them ends. */
  present(users: Set<string>): void {
    if (this.following !== null && !users.has(this.following)) {
      this.hooks.notify(`${this.following} left: no longer following.`, "info");
      this.following = null;
      this.hooks.changed();
    }
    for (const user of [...this.latest.keys()]) if (!users.has(user)) this.latest.delete(user);
  }

  /**
   * Detaches a viewer (it keeps its own view; the others' changes no longer reach it) or attaches it
   * again, when it catches up with the shared state.
   */
  setDetached(tileId: string, detached: boolean): void {
    if (detached === this.detached.has(tileId)) return;
    if (detached) {
      const viewer = this.hooks.viewer(tileId);
      if (viewer && !this.shared.has(tileId)) this.shared.set(tileId, viewer.state);
      this.detached.add(tileId);
    } else {
      this.detached.delete(tileId);
      const state = this.shared.get(tileId);
      if (state) this.apply(tileId, state);
    }
    this.hooks.changed();
  }

  /** The title bar's detach toggle of a tile. */
  detachButton(tileId: string): HTMLButtonElement {
    const button = document.createElement("button");
    button.className = "tile-detach icon-button";
    button.dataset["testid"] = "tile-detach";
    const show = (): void => {
      const detached = this.detached.has(tileId);
      button.textContent = detached ? "⊘" : "⇄";
      button.setAttribute("aria-pressed", detached ? "true" : "false");
      button.title = detached
        ? "Detached: others' changes do not reach this viewer, and yours stay here. Click to attach it again."
        : "Live: this viewer shows the others' changes. Click to detach it.";
      button.classList.toggle("active", detached);
    };
    show();
    button.addEventListener("click", () => {
      this.setDetached(tileId, !this.detached.has(tileId));
      show();
    });
    // Keep gridstack from starting a drag on the button.
    button.addEventListener("pointerdown", (e) => e.stopPropagation());
    button.addEventListener("mousedown", (e) => e.stopPropagation());
    return button;
  }
}
