import { describe, expect, it } from "vitest";

import { CoView } from "../src/coview";
import type { ImageTileState, ServerEventOf } from "../src/protocol";
import type { WorkspaceSocket } from "../src/socket";
import type { ToyzImageViewer } from "../src/viewer/image-viewer";

/** A viewer that takes a restored state at once, as the real one ends up doing. */
class FakeViewer {
  state: ImageTileState = {};
  restored: ImageTileState[] = [];

  restore(state: ImageTileState): Promise<void> {
    this.restored.push(state);
    this.state = { ...state };
    return Promise.resolve();
  }
}

function setUp() {
  const sent: unknown[] = [];
  const notices: string[] = [];
  const viewers = new Map<string, FakeViewer>([["t1", new FakeViewer()]]);
  const socket = { send: (message: unknown) => sent.push(message) } as unknown as WorkspaceSocket;
  const coview = new CoView(socket, {
    viewer: (id) => (viewers.get(id) as unknown as ToyzImageViewer | undefined) ?? null,
    mayChange: () => true,
    notify: (text) => notices.push(text),
    changed: () => undefined,
  });
  const viewer = viewers.get("t1") as FakeViewer;
  return { sent, notices, coview, viewer };
}

function view(from: string, state: ImageTileState, tile = "t1"): ServerEventOf<"view"> {
  return { type: "event", event: "view", from, tile, state };
}

const HERE: ImageTileState = { path: "a.fits", cmap: "gray", center: [10, 20], resolution: 2 };
const THERE: ImageTileState = { path: "a.fits", cmap: "viridis", center: [30, 40], resolution: 1 };

describe("CoView", () => {
  it("sends a state only after a gesture of this user on the tile", () => {
    const { sent, coview } = setUp();
    expect(coview.localState("t1", HERE)).toBe(false);
    expect(sent).toEqual([]);
    coview.gesture("t1");
    expect(coview.localState("t1", HERE)).toBe(true);
    expect(sent).toMatchObject([{ type: "view", tile: "t1", state: HERE }]);
    // The same state again is not sent twice.
    coview.localState("t1", HERE);
    expect(sent).toHaveLength(1);
  });

  it("applies another page's state and does not echo what that makes the viewer emit", () => {
    const { sent, coview, viewer } = setUp();
    coview.gesture("t1");
    coview.received(view("alice", THERE));
    expect(viewer.restored).toEqual([THERE]);
    expect(coview.localState("t1", viewer.state)).toBe(false);
    expect(sent).toEqual([]);
    // The same state heard again changes nothing.
    coview.received(view("alice", THERE));
    expect(viewer.restored).toHaveLength(1);
  });

  it("leaves a detached viewer alone, sends nothing from it, and catches up when attached", () => {
    const { sent, coview, viewer } = setUp();
    coview.setDetached("t1", true);
    coview.received(view("alice", THERE));
    expect(viewer.restored).toEqual([]);
    coview.gesture("t1");
    expect(coview.localState("t1", HERE)).toBe(false);
    expect(sent).toEqual([]);
    expect(coview.layoutState("t1", HERE)).toEqual(THERE);
    coview.setDetached("t1", false);
    expect(viewer.restored).toEqual([THERE]);
  });

  it("follows one person from their latest view until this user moves", () => {
    const { notices, coview, viewer } = setUp();
    coview.received(view("alice", HERE));
    coview.received(view("bob", THERE));
    coview.follow("alice");
    expect(viewer.state).toEqual(HERE);
    coview.received(view("bob", THERE));
    expect(viewer.state).toEqual(HERE);
    coview.localState("t1", viewer.state);
    coview.gesture("t1");
    coview.localState("t1", { ...HERE, center: [11, 21] });
    expect(coview.following).toBeNull();
    expect(notices.at(-1)).toContain("no longer following alice");
    coview.received(view("bob", THERE));
    expect(viewer.state).toEqual(THERE);
  });

  it("stops following someone who left", () => {
    const { coview } = setUp();
    coview.follow("alice");
    coview.present(new Set(["bob"]));
    expect(coview.following).toBeNull();
  });
});
