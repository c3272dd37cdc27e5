// Messages of the workspace socket and the JSON shapes shared with the server.
// The server's side lives in apps/jobs/messages.py; docs/architecture.md is the contract.

// ---------------------------------------------------------------------------------------------
// Shared shapes

export type ErrorCode =
  | "bad_message"
  | "unknown_function"
  | "bad_params"
  | "forbidden"
  | "not_found"
  | "outside_root"
  | "duplicate_id"
  | "cancelled"
  | "job_failed"
  | "internal"
  | "bad_path"
  // Client-side only: the socket closed before the answer came and the job could not be resent.
  | "disconnected";

export interface ErrorBody {
  /** One of `ErrorCode`, or a code from a newer server that this client does not know. */
  code: string;
  message: string;
}

/** "mosaic": the whole focal plane of an MEF (index -1), its CCDs placed by DETSEC/DATASEC. */
export type HduKind = "image" | "table" | "empty" | "other" | "mosaic";

/** The HDU index of the focal-plane mosaic in describe, tile and job parameters. */
export const MOSAIC_HDU = -1;

export interface HduInfo {
  index: number;
  name: string;
  kind: HduKind;
  shape: number[];
  dtype: string | null;
  is_image: boolean;
  compressed: boolean;
  has_wcs: boolean;
  width: number;
  height: number;
  planes: number;
  bands: number;
  levels: number;
  /** Why this HDU cannot be shown; null when it can. */
  problem: string | null;
  /** The mosaic only: how many CCDs it is made of. */
  ccds?: number;
}

export interface Description {
  path: string;
  name: string;
  format: "fits" | "raster";
  /** Changes whenever the file changes; goes into tile URLs as `v`. */
  identity: string;
  hdus: HduInfo[];
  hdu: number;
  plane: number;
  /** Cut levels of `hdu`/`plane` by method: minmax, zscale, p99.5, p99, p95. */
  cuts: Record<string, [number, number]>;
  /** Header cards of `hdu`, one 80-character card per item. */
  header: string[];
  /**
   * A mosaic whose CCDs are not all built yet: its coarse tiles can be quick previews (asked
   * with preview=1) until it is pre-rendered.
   */
  preview?: boolean;
}

export interface Pixel {
  /** The asked viewer point, level-0 pixel units, y = 0 at the bottom. */
  x: number;
  y: number;
  /** 0-based column and row of the pixel under the point. */
  col: number;
  row: number;
  inside: boolean;
  value: number | number[] | null;
  ra: number | null;
  dec: number | null;
  /** "hh:mm:ss.s +dd:mm:ss" */
  world: string | null;
  /** Mosaics only: the CCD under the point and the 0-based pixel in it (null in a gap). */
  ccd?: PixelCcd | null;
}

export interface PixelCcd {
  hdu: number;
  name: string;
  col: number;
  row: number;
}

export interface ListEntry {
  name: string;
  path: string;
  kind: "dir" | "file";
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  openable: boolean;
}

export interface ListResult {
  path: string;
  parent: string | null;
  entries: ListEntry[];
}

export interface PrerenderResult {
  path: string;
  hdu?: number;
  tiles?: number;
  [key: string]: unknown;
}

export interface PrerenderFolderResult {
  path: string;
  files: number;
  built: number;
  skipped: number;
  failed: number;
  failures: { path: string; code: string; message: string }[];
}

/** The job functions the front end calls, their parameters and results. */
export interface JobFunctions {
  "files.list": { params: { path: string }; result: ListResult };
  "imaging.describe": {
    params: { path: string; hdu?: number; plane?: number };
    result: Description;
  };
  "imaging.pixel": {
    params: { path: string; hdu: number; plane?: number; x: number; y: number };
    result: Pixel;
  };
  "imaging.prerender": {
    params: { path: string; hdu?: number; plane?: number };
    result: PrerenderResult;
  };
  "imaging.prerender_folder": {
    params: { path: string; recursive?: boolean };
    result: PrerenderFolderResult;
  };
}

export type JobName = keyof JobFunctions;

// ---------------------------------------------------------------------------------------------
// Workspace layout

/** Persistent state of an image viewer tile: enough to reopen the same picture. */
export interface ImageTileState {
  path?: string;
  hdu?: number;
  plane?: number;
  stretch?: string;
  /** A cuts method (minmax, zscale, p99.5, p99, p95) or "user". */
  limits?: string;
  /** The numbers used when `limits` is "user". */
  lo?: number;
  hi?: number;
  cmap?: string;
  invert?: boolean;
  /** DS9's contrast (1 = none) and bias (0.5 = none), applied after the stretch. */
  contrast?: number;
  bias?: number;
  /** Render float tiles in the browser (single-band images); false: server-rendered tiles. */
  clientRender?: boolean;
  /** View centre in level-0 pixel coordinates and resolution in image pixels per screen pixel. */
  center?: [number, number];
  resolution?: number;
}

/** One panel of the workspace grid (gridstack units: 12 columns, rows of fixed height). */
export interface LayoutTile {
  id: string;
  kind: "image";
  x: number;
  y: number;
  w: number;
  h: number;
  state: ImageTileState;
}

// ---------------------------------------------------------------------------------------------
// Client → server

export interface JobMessage {
  type: "job";
  id: number;
  fn: string;
  params: Record<string, unknown>;
}

export interface CancelMessage {
  type: "cancel";
  id: number;
}

/** A viewer's view, for collaborators who follow it. */
export interface ViewMessage {
  type: "view";
  tile: string;
  path: string | null;
  center: [number, number];
  resolution: number;
}

/** A selection on a data source (reserved: no sources in the front end yet). */
export interface SelectionMessage {
  type: "selection";
  source: string;
  selection: unknown;
}

export interface LayoutMessage {
  type: "layout";
  tiles: LayoutTile[];
}

export type ClientEvent = ViewMessage | SelectionMessage | LayoutMessage;
export type ClientMessage = JobMessage | CancelMessage | ClientEvent;

// ---------------------------------------------------------------------------------------------
// Server → client

export interface ProgressMessage {
  type: "progress";
  id: number;
  done: number;
  total: number;
  message?: string;
}

export interface ResultOkMessage {
  type: "result";
  id: number;
  status: "ok";
  result: unknown;
}

export interface ResultErrorMessage {
  type: "result";
  id: number;
  status: "error";
  error: ErrorBody;
}

export type ResultMessage = ResultOkMessage | ResultErrorMessage;

/** A message the server could not act on; `id` is set when it names a job. */
export interface ErrorMessage {
  type: "error";
  id?: number | null;
  error: ErrorBody;
}

export interface WorkspaceEvent {
  type: "event";
  event: "workspace";
  id?: number;
  name: string;
  tiles: LayoutTile[];
  /** False when the user may view the workspace but not change it (layouts are refused). */
  may_change?: boolean;
}

export interface LayoutEvent {
  type: "event";
  event: "layout";
  from?: string;
  tiles: LayoutTile[];
}

export interface ViewEvent extends Omit<ViewMessage, "type"> {
  type: "event";
  event: "view";
  from?: string;
}

export interface SelectionEvent extends Omit<SelectionMessage, "type"> {
  type: "event";
  event: "selection";
  from?: string;
}

export interface PrerenderReadyEvent {
  type: "event";
  event: "prerender.ready";
  path: string;
  hdu: number | null;
}

export type ServerEvent =
  WorkspaceEvent | LayoutEvent | ViewEvent | SelectionEvent | PrerenderReadyEvent;

export type ServerEventName = ServerEvent["event"];
export type ServerEventOf<N extends ServerEventName> = Extract<ServerEvent, { event: N }>;

export type ServerMessage = ProgressMessage | ResultMessage | ErrorMessage | ServerEvent;

// ---------------------------------------------------------------------------------------------
// HTTP

/** Body of every 4xx answer of the REST and tile endpoints. */
export interface HttpErrorBody {
  error: ErrorBody;
}

export function isHttpErrorBody(value: unknown): value is HttpErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = value.error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { message?: unknown }).message === "string"
  );
}
