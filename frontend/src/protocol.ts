// The shapes shared with the server, taken from the types generated from its schemas
// (src/generated/, `make types`): nothing the server defines is written out by hand. What stays
// here is what a schema cannot give: the client's names, unions, constants, type guards, and the
// image viewer's state, which the server stores without looking inside.
import type { Region } from "./analysis/types";
import type { components } from "./generated/api";
import type { OverlayState } from "./sources/types";
import type { LockSettings } from "./viewer/lock";
import type { GridState } from "./viewer/grid-layer";
import type { ContourState } from "./viewer/contour-layer";
import type { BlinkSettings, FrameState } from "./viewer/blink";
import type {
  ClientMessage,
  ErrorBody,
  JobFunctions,
  ServerMessage,
  Tile,
} from "./generated/socket";

// ---------------------------------------------------------------------------------------------
// REST shapes (frontend/schema/openapi.json; django-ninja's response models end in "Out")

type Schemas = components["schemas"];

export type HduInfo = Schemas["HduInfo"];
/** "mosaic": the whole focal plane of an MEF (index -1), its CCDs placed by DETSEC/DATASEC. */
export type HduKind = HduInfo["kind"];
export type Description = Schemas["DescriptionOut"];
export type Pixel = Schemas["Pixel"];
export type Listing = Schemas["ListingOut"];
export type Entry = Schemas["EntryOut"];
/** A deletion waiting in the trash (GET /api/files/trash). */
export type TrashEntry = Schemas["TrashEntryOut"];
/** The user's home folder and the folders shared with them (GET /api/files/shared). */
export type Shared = Schemas["SharedOut"];
export type SharedFolder = Schemas["SharedFolderOut"];
/** A folder the user pinned (GET/POST /api/files/shortcuts). */
export type Shortcut = Schemas["ShortcutOut"];
export type ShortcutRequest = Schemas["ShortcutIn"];
/** A workspace as the user may use it (`/api/workspaces`), its shares, and whom it can be shared with. */
export type WorkspaceInfo = Schemas["WorkspaceOut"];
export type WorkspaceRight = WorkspaceInfo["right"];
export type WorkspaceShares = Schemas["SharesOut"];
export type WorkspaceShare = Schemas["ShareOut"];
export type ShareRequest = Schemas["ShareIn"];
export type SharePrincipal = Schemas["PrincipalOut"];
/** Body of every 4xx answer of the REST and tile endpoints. */
export type HttpErrorBody = Schemas["ErrorOut"];

/** The HDU index of the focal-plane mosaic in describe, pyramid tile and job parameters. */
export const MOSAIC_HDU = -1;

// ---------------------------------------------------------------------------------------------
// Socket messages (frontend/schema/socket.json)

export type {
  ClientMessage,
  ErrorBody,
  JobFunctions,
  JobRequest,
  LayoutEvent,
  LayoutSaved,
  PresenceEvent,
  PrerenderFolderResult,
  PrerenderResult,
  ServerMessage,
} from "./generated/socket";
export type { Progress as ProgressMessage } from "./generated/socket";
export type { WorkspaceOpened as WorkspaceEvent } from "./generated/socket";

/** The workspace events a client sends (relayed to the workspace's other clients). */
export type ClientEvent = Exclude<ClientMessage, { type: "job" | "cancel" }>;
export type ResultMessage = Extract<ServerMessage, { type: "result" }>;
/** The events the server pushes to every client of the workspace. */
export type ServerEvent = Extract<ServerMessage, { type: "event" }>;
export type ServerEventName = ServerEvent["event"];
export type ServerEventOf<N extends ServerEventName> = Extract<ServerEvent, { event: N }>;

/** The job functions the server registers (its `JobFunctions` table), by name. */
export type JobName = keyof JobFunctions;

// ---------------------------------------------------------------------------------------------
// The image viewer's own state: the server stores a tile's state as an opaque object (under
// 64 KB), so its shape belongs to the client and is written here, not generated.

/** Persistent state of an image viewer tile: enough to reopen the same picture. */
// A type, not an interface: it must fit the server's `{ [k: string]: unknown }`.
export type ImageTileState = {
  path?: string;
  hdu?: number;
  plane?: number;
  stretch?: string;
  limits?: string;
  lo?: number;
  hi?: number;
  cmap?: string;
  invert?: boolean;
  contrast?: number;
  bias?: number;
  clientRender?: boolean;
  center?: [number, number];
  resolution?: number;
  /** Catalogues drawn on the image (frontend/src/viewer/overlays.ts). */
  overlays?: OverlayState[];
  /** Regions drawn on the image (frontend/src/viewer/regions.ts). */
  regions?: Region[];
  /** Frame lock among the page's viewers (frontend/src/viewer/lock.ts). */
  lock?: LockSettings;
  /** The coordinate grid (frontend/src/viewer/grid-layer.ts). */
  grid?: GridState;
  /** Contours drawn on the image (frontend/src/viewer/contour-layer.ts). */
  contours?: ContourState;
  /** Blink frames and the blink's settings (frontend/src/viewer/blink.ts). */
  frames?: FrameState[];
  blink?: BlinkSettings;
};

/**
 * A tile of the layout (the server's `Tile`): `kind` "image" (its state an `ImageTileState`),
 * "plot" or "table" (src/sources/types.ts), or one a newer page knows (kept as it is).
 */
export type LayoutTile = Omit<Tile, "kind" | "state"> & {
  kind: string;
  state: Record<string, unknown>;
};

// ---------------------------------------------------------------------------------------------
// Type guards

export function isHttpErrorBody(value: unknown): value is HttpErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = value.error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as Partial<ErrorBody>).message === "string"
  );
}
