// The workspace's sources on this page: a store per source, the list kept in step with the server
// (the `sources` message, saved with the workspace and relayed to the others) and the live
// selection relayed through the workspace (the `selection` message and event).
import { debounce } from "../util";
import { stableJson } from "./local";
import { HttpSourceStore, type Fetch } from "./store";
import type { SelectionState, SourceRegistry, SourceSpec, SourceStore } from "./types";

/** How long a burst of changes (a lasso being redrawn, columns being added) waits before it is saved. */
export const SAVE_DELAY_MS = 800;
/** The server's limits (apps/workspaces): at most this many sources, and selections per source. */
export const MAX_SOURCES = 50;
export const MAX_SELECTIONS = 100;

/** What the registry needs of the workspace socket (WorkspaceSocket has it). */
export interface SourcesTransport {
  send(message: { type: string; [key: string]: unknown }): void;
  on(name: string, handler: (event: Record<string, unknown>) => void): () => void;
}

export interface RegistryOptions {
  /** Whether this user may change the workspace (else selections stay on this page). */
  mayChange(): boolean;
  fetch?: Fetch;
}

type NewSource = Omit<SourceSpec, "id" | "derived" | "selections" | "current"> &
  Partial<SourceSpec>;

/** A fresh source id, short and unique enough within a workspace. */
export function newSourceId(): string {
  return `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The specs of a `sources` list from the server, with anything malformed dropped. */
export function parseSpecs(value: unknown): SourceSpec[] {
  if (!Array.isArray(value)) return [];
  const out: SourceSpec[] = [];
  for (const item of value as unknown[]) {
    if (!isObject(item) || typeof item["id"] !== "string" || typeof item["path"] !== "string")
      continue;
    out.push({
      id: item["id"],
      kind: item["kind"] === "headers" ? "headers" : "file",
      path: item["path"],
      table: typeof item["table"] === "number" ? item["table"] : 0,
      name: typeof item["name"] === "string" ? item["name"] : item["path"],
      derived: Array.isArray(item["derived"]) ? (item["derived"] as SourceSpec["derived"]) : [],
      selections: Array.isArray(item["selections"])
        ? (item["selections"] as SourceSpec["selections"])
        : [],
      current: isObject(item["current"]) ? (item["current"] as unknown as SelectionState) : null,
    });
  }
  return out;
}

export class WorkspaceSources implements SourceRegistry {
  private order: string[] = [];
  private readonly stores = new Map<string, HttpSourceStore>();
  private readonly listeners = new Set<(specs: readonly SourceSpec[]) => void>();
  private readonly unsubscribe: (() => void)[] = [];
  // The list as the server holds it as far as we know (stable JSON): nothing to save if unchanged.
  private known = "[]";
  private readonly saveSoon = debounce(() => this.save(), SAVE_DELAY_MS);
  // Lists sent whose sources.saved has not come back yet (forgotten on a reconnection).
  private unacknowledged = 0;

  constructor(
    private readonly transport: SourcesTransport,
    private readonly options: RegistryOptions,
  ) {
    this.unsubscribe.push(
      transport.on("workspace", (event) => {
        this.unacknowledged = 0; // a new connection: what was in flight is in the workspace sent, or lost
        this.load(event["sources"], true);
      }),
      transport.on("sources.saved", () => {
        this.unacknowledged = Math.max(0, this.unacknowledged - 1);
      }),
      transport.on("sources", (event) => this.load(event["sources"], false)),
      transport.on("selection", (event) => this.onSelectionEvent(event)),
    );
  }

  get specs(): readonly SourceSpec[] {
    return this.order.flatMap((id) => {
      const store = this.stores.get(id);
      return store ? [store.spec] : [];
    });
  }

  get(id: string): HttpSourceStore | null {
    return this.stores.get(id) ?? null;
  }

  /** The store of the same file and table (or header folder), if the workspace has it. */
  find(path: string, table: number, kind: SourceSpec["kind"] = "file"): HttpSourceStore | null {
    for (const store of this.stores.values()) {
      const s = store.spec;
      if (s.path === path && s.kind === kind && (kind === "headers" || s.table === table))
        return store;
    }
    return null;
  }

  add(spec: NewSource): SourceStore {
    const existing = this.find(spec.path, spec.table, spec.kind);
    if (existing) return existing;
    if (this.order.length >= MAX_SOURCES) {
      throw new Error(
        `A workspace holds at most ${MAX_SOURCES} sources; remove one to add another.`,
      );
    }
    const full: SourceSpec = {
      derived: [],
      selections: [],
      current: null,
      ...spec,
      id: spec.id ?? newSourceId(),
    };
    const store = this.makeStore(full);
    this.order.push(full.id);
    this.changed();
    return store;
  }

  update(id: string, change: Partial<Omit<SourceSpec, "id">>): void {
    const store = this.stores.get(id);
    if (!store) return;
    store.setSpec({ ...store.spec, ...change, id });
    if (change.current !== undefined) store.select(change.current, "spec");
    this.changed();
  }

  remove(id: string): void {
    if (!this.stores.delete(id)) return;
    this.order = this.order.filter((o) => o !== id);
    this.changed();
  }

  /**
   * The source's file changed (a catalogue edit): a fresh store for the same spec, so that every
   * plot, table and overlay of it reads the file again. A selection of row numbers is dropped (the
   * rows were renumbered); a selection by values stays.
   */
  reload(id: string): void {
    const old = this.stores.get(id);
    if (!old) return;
    const current = old.selection;
    const store = this.makeStore({ ...old.spec, current: null });
    if (current && current.kind !== "rows") store.applyRemote(current, "reload");
    this.emitChange();
  }

  onChange(listener: (specs: readonly SourceSpec[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether every change made here has reached the server and been saved (none waits or is in flight). */
  get saved(): boolean {
    return !this.saveSoon.pending() && this.unacknowledged === 0;
  }

  /** Sends what is waiting now (the page is being left). */
  flush(): void {
    this.saveSoon.flush();
  }

  dispose(): void {
    this.saveSoon.flush();
    for (const off of this.unsubscribe.splice(0)) off();
    this.listeners.clear();
  }

  // -------------------------------------------------------------------------------------------

  private makeStore(spec: SourceSpec): HttpSourceStore {
    const store = new HttpSourceStore(spec, {
      fetch: this.options.fetch,
      selected: (s, state, origin) => this.selected(s, state, origin),
    });
    this.stores.set(spec.id, store);
    return store;
  }

  /** A list from the server: on opening (`initial`: saved selections shown) or from a collaborator. */
  private load(value: unknown, initial: boolean): void {
    if (value === undefined) return;
    const specs = parseSpecs(value);
    const wanted = new Set(specs.map((s) => s.id));
    for (const id of [...this.stores.keys()]) if (!wanted.has(id)) this.stores.delete(id);
    this.order = specs.map((s) => s.id);
    for (const spec of specs) {
      const store = this.stores.get(spec.id);
      if (store) {
        store.setSpec(spec);
        // Live selections come as `selection` events; a reconnection restores the saved one.
        if (initial && stableJson(store.selection) !== stableJson(spec.current))
          store.applyRemote(spec.current, "saved");
      } else {
        const made = this.makeStore(spec);
        if (spec.current) made.applyRemote(spec.current, "saved");
      }
    }
    this.known = stableJson(this.specs);
    this.emitChange();
  }

  private onSelectionEvent(event: Record<string, unknown>): void {
    const id = event["source"];
    if (typeof id !== "string") return;
    const store = this.stores.get(id);
    if (!store) return;
    const state = isObject(event["state"]) ? (event["state"] as unknown as SelectionState) : null;
    const origin = typeof event["origin"] === "string" ? event["origin"] : "remote";
    store.applyRemote(state, origin);
  }

  private selected(store: HttpSourceStore, state: SelectionState | null, origin: string): void {
    // View-only users select for themselves: nothing leaves the page.
    if (!this.options.mayChange()) return;
    this.transport.send({ type: "selection", source: store.id, state, origin });
    // Saved as the source's current selection (debounced: a lasso redrawn is saved once).
    this.saveSoon();
  }

  private changed(): void {
    this.emitChange();
    this.saveSoon();
  }

  private emitChange(): void {
    const specs = this.specs;
    for (const listener of this.listeners) {
      try {
        listener(specs);
      } catch (error) {
        console.error("toyz: a sources listener failed", error);
      }
    }
  }

  private save(): void {
    if (!this.options.mayChange()) return;
    const specs = this.specs;
    const json = stableJson(specs);
    if (json === this.known) return;
    this.known = json;
    this.unacknowledged += 1;
    this.transport.send({ type: "sources", sources: specs });
  }
}
