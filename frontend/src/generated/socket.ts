// Generated from frontend/schema/socket.json by frontend/scripts/gen-types.mjs: do not edit.
// Regenerate with `make types` (the server writes the schema, then `npm run gen:types`).
/**
 * Provisional, written by hand to build the front end's type pipeline: the workspace socket's messages; the server's generated schema replaces it.
 */
export type SocketMessage = ClientMessage | ServerMessage;
export type ClientMessage =
  JobRequest | CancelRequest | ViewMessage | SelectionMessage | LayoutMessage;
export type ServerMessage =
  | ProgressMessage
  | ResultOkMessage
  | ResultErrorMessage
  | ErrorMessage
  | WorkspaceEvent
  | LayoutEvent
  | ViewEvent
  | SelectionEvent
  | PrerenderReadyEvent;

/**
 * Every type of the socket schema, by name.
 */
export interface SocketSchema {
  SocketMessage: SocketMessage;
  ErrorBody: ErrorBody;
  ImageTileState: ImageTileState;
  LayoutTile: LayoutTile;
  JobRequest: JobRequest;
  CancelRequest: CancelRequest;
  ViewMessage: ViewMessage;
  SelectionMessage: SelectionMessage;
  LayoutMessage: LayoutMessage;
  ProgressMessage: ProgressMessage;
  ResultOkMessage: ResultOkMessage;
  ResultErrorMessage: ResultErrorMessage;
  ErrorMessage: ErrorMessage;
  WorkspaceEvent: WorkspaceEvent;
  LayoutEvent: LayoutEvent;
  ViewEvent: ViewEvent;
  SelectionEvent: SelectionEvent;
  PrerenderReadyEvent: PrerenderReadyEvent;
  FilesListParams: FilesListParams;
  ImagingDescribeParams: ImagingDescribeParams;
  ImagingPixelParams: ImagingPixelParams;
  ImagingPrerenderParams: ImagingPrerenderParams;
  ImagingPrerenderFolderParams: ImagingPrerenderFolderParams;
  PrerenderResult: PrerenderResult;
  PrerenderFailure: PrerenderFailure;
  PrerenderFolderResult: PrerenderFolderResult;
  ClientMessage: ClientMessage;
  ServerMessage: ServerMessage;
}
export interface JobRequest {
  type: "job";
  id: number;
  fn: string;
  params: {
    [k: string]: unknown;
  };
}
export interface CancelRequest {
  type: "cancel";
  id: number;
}
export interface ViewMessage {
  type: "view";
  tile: string;
  path: string | null;
  /**
   * @minItems 2
   * @maxItems 2
   */
  center: [number, number];
  resolution: number;
}
export interface SelectionMessage {
  type: "selection";
  source: string;
  selection: unknown;
}
export interface LayoutMessage {
  type: "layout";
  tiles: LayoutTile[];
}
/**
 * One tile (panel) of the workspace grid, in gridstack units.
 */
export interface LayoutTile {
  id: string;
  kind: "image";
  x: number;
  y: number;
  w: number;
  h: number;
  state: ImageTileState;
}
/**
 * Persistent state of an image viewer tile: enough to reopen the same picture.
 */
export interface ImageTileState {
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
  /**
   * @minItems 2
   * @maxItems 2
   */
  center?: [number, number];
  resolution?: number;
}
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
export interface ErrorBody {
  code: string;
  message: string;
}
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
  may_change?: boolean;
}
export interface LayoutEvent {
  type: "event";
  event: "layout";
  from?: string;
  tiles: LayoutTile[];
}
export interface ViewEvent {
  type: "event";
  event: "view";
  from?: string;
  tile: string;
  path: string | null;
  /**
   * @minItems 2
   * @maxItems 2
   */
  center: [number, number];
  resolution: number;
}
export interface SelectionEvent {
  type: "event";
  event: "selection";
  from?: string;
  source: string;
  selection: unknown;
}
export interface PrerenderReadyEvent {
  type: "event";
  event: "prerender.ready";
  path: string;
  hdu: number | null;
}
export interface FilesListParams {
  path?: string;
}
export interface ImagingDescribeParams {
  path: string;
  hdu?: number | null;
  plane?: number;
}
export interface ImagingPixelParams {
  path: string;
  hdu?: number;
  plane?: number;
  x: number;
  y: number;
}
export interface ImagingPrerenderParams {
  path: string;
  hdu?: number | null;
  plane?: number;
}
export interface ImagingPrerenderFolderParams {
  path: string;
  recursive?: boolean;
}
export interface PrerenderResult {
  path: string;
  hdus?: number[];
  levels?: number;
  tiles?: number;
  skipped?: boolean;
}
export interface PrerenderFailure {
  path: string;
  code: string;
  message: string;
}
export interface PrerenderFolderResult {
  path: string;
  files: number;
  built: number;
  skipped: number;
  failed: number;
  failures: PrerenderFailure[];
}
