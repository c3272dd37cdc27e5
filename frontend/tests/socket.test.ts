import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { JobError, WorkspaceSocket } from "../src/socket";

/** A stand-in WebSocket the tests drive by hand. */
class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;
  static instances: FakeWebSocket[] = [];

  readyState = FakeWebSocket.CONNECTING;
  sent: unknown[] = [];
  private listeners = new Map<string, ((event: unknown) => void)[]>();

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  addEventListener(type: string, fn: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.readyState = FakeWebSocket.CLOSED;
  }

  // Test helpers
  open(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.emit("open", {});
  }

  receive(message: unknown): void {
    this.emit("message", { data: JSON.stringify(message) });
  }

  drop(code = 1006): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.emit("close", { code });
  }

  private emit(type: string, event: unknown): void {
    for (const fn of this.listeners.get(type) ?? []) fn(event);
  }
}

function latest(): FakeWebSocket {
  const ws = FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
  if (!ws) throw new Error("no socket");
  return ws;
}

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.useFakeTimers();
  vi.stubGlobal("WebSocket", FakeWebSocket);
  vi.stubGlobal("window", {
    location: { protocol: "https:", host: "toyz.example" },
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("WorkspaceSocket", () => {
  it("connects to the workspace's socket URL", () => {
    const socket = new WorkspaceSocket("42");
    socket.connect();
    expect(latest().url).toBe("wss://toyz.example/ws/workspaces/42/");
    expect(socket.state).toBe("connecting");
    latest().open();
    expect(socket.state).toBe("open");
  });

  it("sends jobs with increasing ids and resolves them with their results", async () => {
    const socket = new WorkspaceSocket("1");
    socket.connect();
    const ws = latest();
    const first = socket.job("files.list", { path: "" });
    const second = socket.job("files.list", { path: "home" });
    expect(ws.sent).toEqual([]); // not open yet: they wait
    ws.open();
    expect(ws.sent).toEqual([
      { type: "job", id: first.id, fn: "files.list", params: { path: "" } },
      { type: "job", id: second.id, fn: "files.list", params: { path: "home" } },
    ]);
    expect(second.id).toBe(first.id + 1);
    const listing = { path: "home", parent: "", entries: [] };
    ws.receive({ type: "result", id: second.id, status: "ok", result: listing });
    await expect(second).resolves.toEqual(listing);
  });

  it("rejects with the server's code and message", async () => {
    const socket = new WorkspaceSocket("1");
    socket.connect();
    latest().open();
    const job = socket.job("files.list", { path: "secret" });
    latest().receive({
      type: "result",
      id: job.id,
      status: "error",
      error: { code: "forbidden", message: "You don't have access to this folder" },
    });
    const error = await job.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobError);
    expect(error).toMatchObject({
      code: "forbidden",
      message: "You don't have access to this folder",
    });
  });

  it("reports progress", async () => {
    const socket = new WorkspaceSocket("1");
    socket.connect();
    latest().open();
    const seen: number[] = [];
    const job = socket.job("imaging.prerender", { path: "a.fits" }, (p) => seen.push(p.done));
    latest().receive({ type: "progress", id: job.id, done: 1, total: 3, message: "" });
    latest().receive({ type: "progress", id: job.id, done: 2, total: 3, message: "" });
    latest().receive({ type: "result", id: job.id, status: "ok", result: { path: "a.fits" } });
    await job;
    expect(seen).toEqual([1, 2]);
  });

  it("cancels a job on the server and rejects it at once", async () => {
    const socket = new WorkspaceSocket("1");
    socket.connect();
    latest().open();
    const job = socket.job("imaging.prerender", { path: "a.fits" });
    socket.cancel(job.id);
    expect(latest().sent.at(-1)).toEqual({ type: "cancel", id: job.id });
    await expect(job).rejects.toMatchObject({ code: "cancelled" });
  });

  it("reconnects with backoff and sends the unanswered jobs again", async () => {
    const socket = new WorkspaceSocket("1");
    socket.connect();
    latest().open();
    const job = socket.job("imaging.describe", { path: "a.fits" });
    latest().drop();
    expect(socket.state).toBe("closed");
    expect(socket.status.retryAt).not.toBeNull();
    vi.advanceTimersByTime(MAX_FIRST_RETRY_MS);
    expect(FakeWebSocket.instances).toHaveLength(2);
    latest().open();
    expect(latest().sent).toEqual([
      { type: "job", id: job.id, fn: "imaging.describe", params: { path: "a.fits" } },
    ]);
    latest().receive({ type: "result", id: job.id, status: "ok", result: { path: "a.fits" } });
    await expect(job).resolves.toEqual({ path: "a.fits" });
  });

  it("passes pushed events to their handlers", () => {
    const socket = new WorkspaceSocket("1");
    socket.connect();
    latest().open();
    const layouts: unknown[] = [];
    const all: string[] = [];
    socket.on("layout", (event) => layouts.push(event.tiles));
    socket.on("*", (event) => all.push(event.event));
    latest().receive({ type: "event", event: "layout", from: "bob", tiles: [] });
    latest().receive({ type: "event", event: "prerender.ready", path: "a.fits" });
    expect(layouts).toEqual([[]]);
    expect(all).toEqual(["layout", "prerender.ready"]);
  });

  it("keeps the latest event of each type while offline", () => {
    const socket = new WorkspaceSocket("1");
    socket.connect();
    socket.send({ type: "layout", tiles: [] });
    const tile = { id: "t1", kind: "image" as const, x: 0, y: 0, w: 6, h: 6, state: {} };
    socket.send({ type: "layout", tiles: [tile] });
    latest().open();
    expect(latest().sent).toEqual([{ type: "layout", tiles: [tile] }]);
  });
});

// The first retry waits 500 ms ± 25 %.
const MAX_FIRST_RETRY_MS = 700;
