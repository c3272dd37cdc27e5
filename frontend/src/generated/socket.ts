// Generated from frontend/schema/socket.json by frontend/scripts/gen-types.mjs: do not edit.
// Regenerate with `make types` (the server writes the schema, then `npm run gen:types`).
export type ClientMessage =
  | JobRequest
  | CancelRequest
  | ViewMessage
  | SelectionMessage
  | LayoutMessage
  | SourcesMessage
  | PresenceMessage;
/**
 * Which rows of a source are selected: a box, lasso, range, row set or expression, or and / or / not
 * of such states.
 */
export type SelectionState =
  | BoxSelection
  | LassoSelection
  | RangeSelection
  | RowsSelection
  | ExprSelection
  | CombinedSelection
  | NotSelection;
export type ServerMessage =
  | Progress
  | OkResult
  | ErrorResult
  | ErrorMessage
  | FolderChanged
  | PrerenderReady
  | WorkspaceOpened
  | PresenceEvent
  | LayoutSaved
  | ViewEvent
  | SelectionEvent
  | SourcesSaved
  | SourcesEvent
  | LayoutEvent
  | AccessChanged
  | WorkspaceRenamed;

/**
 * Every type of the socket schema, by name.
 */
export interface SocketSchema {
  ClientMessage: ClientMessage;
  ServerMessage: ServerMessage;
  AccessChanged: AccessChanged;
  AddSource: AddSource;
  BoxSelection: BoxSelection;
  CancelRequest: CancelRequest;
  CatalogEditParams: CatalogEditParams;
  CatalogEditResult: CatalogEditResult;
  CatalogRef: CatalogRef;
  CcdRef: CcdRef;
  CcdStats: CcdStats;
  CcdSummary: CcdSummary;
  Centroid: Centroid;
  ColumnOut: ColumnOut;
  CombinedSelection: CombinedSelection;
  ContourPathOut: ContourPathOut;
  ContoursParams: ContoursParams;
  ContoursResult: ContoursResult;
  CrossmatchParams: CrossmatchParams;
  CrossmatchResult: CrossmatchResult;
  DerivedColumn: DerivedColumn;
  DescriptionOut: DescriptionOut;
  DetectParams: DetectParams;
  DetectResult: DetectResult;
  EntryOut: EntryOut;
  ErrorBody: ErrorBody;
  ErrorMessage: ErrorMessage;
  ErrorResult: ErrorResult;
  ExportOut: ExportOut;
  ExportParams: ExportParams;
  ExprSelection: ExprSelection;
  FolderChanged: FolderChanged;
  FolderParams: FolderParams;
  GaussianOut: GaussianOut;
  HduInfo: HduInfo;
  HistogramParams: HistogramParams;
  HistogramResult: HistogramResult;
  ImageParams: ImageParams;
  ImageRef: ImageRef1;
  IndexParams: IndexParams;
  IndexProblem: IndexProblem;
  IndexResult: IndexResult;
  JobFunctions: JobFunctions;
  JobRequest: JobRequest;
  LassoSelection: LassoSelection;
  LayoutEvent: LayoutEvent;
  LayoutMessage: LayoutMessage;
  LayoutSaved: LayoutSaved;
  LineParams: LineParams;
  LineResult: LineResult;
  ListParams: ListParams;
  ListingOut: ListingOut;
  MoffatOut: MoffatOut;
  NamedSelection: NamedSelection;
  NotSelection: NotSelection;
  OkResult: OkResult;
  Person: Person;
  PhotometryParams: PhotometryParams;
  PhotometryResult: PhotometryResult;
  Pixel: Pixel;
  PixelColumns: PixelColumns;
  PixelParams: PixelParams;
  PixelResult: PixelResult;
  PointParams: PointParams;
  PrerenderFailure: PrerenderFailure;
  PrerenderFolderResult: PrerenderFolderResult;
  PrerenderReady: PrerenderReady;
  PrerenderResult: PrerenderResult;
  PresenceEvent: PresenceEvent;
  PresenceMessage: PresenceMessage;
  ProfileParams: ProfileParams;
  ProfileResult: ProfileResult;
  Progress: Progress;
  RangeSelection: RangeSelection;
  Region: Region;
  RegionParams: RegionParams;
  Relabel: Relabel;
  RowsSelection: RowsSelection;
  SelectionEvent: SelectionEvent;
  SelectionMessage: SelectionMessage;
  SelectionState: SelectionState;
  SkyColumns: SkyColumns;
  SourceDescription: SourceDescription;
  SourceParams: SourceParams;
  SourceSpec: SourceSpec;
  SourcesEvent: SourcesEvent;
  SourcesMessage: SourcesMessage;
  SourcesSaved: SourcesSaved;
  SpectralAxis: SpectralAxis;
  SpectrumResult: SpectrumResult;
  Stamp: Stamp;
  StatsResult: StatsResult;
  SurfaceParams: SurfaceParams;
  SurfaceResult: SurfaceResult;
  TableOut: TableOut;
  Tile: Tile;
  ViewEvent: ViewEvent;
  ViewMessage: ViewMessage;
  WorkspaceOpened: WorkspaceOpened;
  WorkspaceRenamed: WorkspaceRenamed;
}
/**
 * Run the job function `fn` with `params`; `id` names the job in its progress and result.
 */
export interface JobRequest {
  fn?: string;
  id: number;
  params?: {};
  type: "job";
}
/**
 * Cancel the job `id` of this socket.
 */
export interface CancelRequest {
  id: number;
  type: "cancel";
}
/**
 * A viewer's view changed (centre, resolution...): relayed to the workspace's other clients.
 */
export interface ViewMessage {
  type: "view";
  [k: string]: unknown;
}
/**
 * The live selection of a source changed: relayed to the workspace's other clients.
 *
 * `state` null clears it; `origin` names the tile where it was made (that tile draws it already).
 */
export interface SelectionMessage {
  /**
   * The tile where the selection was made.
   */
  origin?: string;
  /**
   * The id of the source (a SourceSpec of the workspace).
   */
  source: string;
  /**
   * The selection, or null for none.
   */
  state: SelectionState | null;
  type: "selection";
}
/**
 * The rows inside a rectangle of a plot: x0..x1 on `x`, y0..y1 on `y`, in the axes' space
 * (with a log scale the bounds are log10 of the data).
 */
export interface BoxSelection {
  kind: "box";
  x: string;
  x0: number;
  x1: number;
  xscale?: "linear" | "log";
  y: string;
  y0: number;
  y1: number;
  yscale?: "linear" | "log";
}
/**
 * The rows inside a polygon drawn on a plot of `y` against `x`, its vertices in the axes' space.
 */
export interface LassoSelection {
  kind: "lasso";
  /**
   * @minItems 3
   * @maxItems 2000
   */
  points: [[number, number], [number, number], [number, number], ...[number, number][]];
  x: string;
  xscale?: "linear" | "log";
  y: string;
  yscale?: "linear" | "log";
}
/**
 * The rows whose `column` lies in [lo, hi]; a missing bound is open.
 */
export interface RangeSelection {
  column: string;
  hi?: number | null;
  kind: "range";
  lo?: number | null;
}
/**
 * An explicit set of rows: 0-based row numbers in file order.
 */
export interface RowsSelection {
  kind: "rows";
  /**
   * @maxItems 100000
   */
  rows: number[];
}
/**
 * The rows for which a boolean expression holds (``g - r > 1``).
 */
export interface ExprSelection {
  expr: string;
  kind: "expr";
}
/**
 * The rows in all (``and``) or any (``or``) of the states in `of`.
 */
export interface CombinedSelection {
  kind: "and" | "or";
  /**
   * @minItems 1
   * @maxItems 200
   */
  of: [SelectionState, ...SelectionState[]];
}
/**
 * The rows not in the one state of `of`.
 */
export interface NotSelection {
  kind: "not";
  /**
   * @minItems 1
   * @maxItems 1
   */
  of: [SelectionState];
}
/**
 * The new layout: saved (with the change right), the workspace's version bumped, and relayed.
 *
 * ``version`` is the version the change was based on (the last one this client saw). If another
 * client saved since, the server merges: the tiles named in ``changed`` (and the removal of those in
 * ``removed``) go onto the layout as it is now, and the rest of it stays; without ``changed`` the whole
 * layout replaces the current one. Either way everyone is told (`LayoutEvent`, `LayoutSaved`).
 */
export interface LayoutMessage {
  /**
   * The tiles this client added or changed.
   */
  changed?: string[] | null;
  /**
   * The tiles this client removed.
   */
  removed?: string[] | null;
  /**
   * @maxItems 200
   */
  tiles?: Tile[];
  type: "layout";
  /**
   * The layout version this change was based on.
   */
  version?: number | null;
}
/**
 * A panel of the workspace: its id, kind, place on the grid and a small state of its own.
 */
export interface Tile {
  h: number;
  id: string;
  kind: string;
  /**
   * Under 64 KB of JSON.
   */
  state?: {
    [k: string]: unknown;
  };
  w: number;
  x: number;
  y: number;
}
/**
 * The workspace's data sources, all of them: saved (with the change right) and relayed.
 */
export interface SourcesMessage {
  /**
   * @maxItems 50
   */
  sources?: SourceSpec[];
  type: "sources";
}
/**
 * A data source of the workspace: one table of a file (`path`, `table`), or a folder's header index
 * (`kind` ``headers``). The path is checked whenever the source is read, not when it is saved.
 */
export interface SourceSpec {
  /**
   * The live selection, or null.
   */
  current?: SelectionState | null;
  /**
   * @maxItems 100
   */
  derived?: DerivedColumn[];
  id: string;
  kind?: "file" | "headers";
  name?: string;
  path: string;
  /**
   * @maxItems 100
   */
  selections?: NamedSelection[];
  table?: number;
}
/**
 * A column computed from an expression on the source's columns (``g - r``).
 */
export interface DerivedColumn {
  expr: string;
  name: string;
}
/**
 * A selection saved under a name, to be counted, combined, inverted or exported later.
 */
export interface NamedSelection {
  name: string;
  state: SelectionState;
}
/**
 * Ask for `PresenceEvent`s: who has this workspace open, now and at every change.
 */
export interface PresenceMessage {
  type: "presence";
}
/**
 * How far a job is: `done` of `total` steps (0 of 0 while it waits for a worker).
 */
export interface Progress {
  done: number;
  id: number;
  message: string;
  total: number;
  type: "progress";
}
/**
 * A job's one result when it succeeded.
 */
export interface OkResult {
  id: number;
  result: {
    [k: string]: unknown;
  };
  status: "ok";
  type: "result";
}
/**
 * A job's one result when it failed, was refused or was cancelled.
 */
export interface ErrorResult {
  error: ErrorBody;
  id: number;
  status: "error";
  type: "result";
}
/**
 * What went wrong: a code for programs and a sentence for people.
 */
export interface ErrorBody {
  code: string;
  message: string;
}
/**
 * An error about a message that cannot be tied to a job (or a job id already in use).
 */
export interface ErrorMessage {
  error: ErrorBody;
  type: "error";
}
/**
 * Something was added, renamed, deleted or restored in a folder: file browsers showing it list it again.
 */
export interface FolderChanged {
  event: "folder.changed";
  path: string;
  type: "event";
}
/**
 * A file's pyramid (or one HDU's) is complete: clients showing it reload its tiles.
 */
export interface PrerenderReady {
  event: "prerender.ready";
  hdu: number | null;
  path: string;
  type: "event";
}
/**
 * The first message of a socket: the workspace's name, layout and whether this user may change it.
 */
export interface WorkspaceOpened {
  event: "workspace";
  may_change: boolean;
  name: string;
  /**
   * @maxItems 50
   */
  sources: SourceSpec[];
  /**
   * @maxItems 200
   */
  tiles: Tile[];
  type: "event";
  /**
   * The layout's version: a layout message names the one it was based on.
   */
  version: number;
}
/**
 * Who has this workspace open now, this user included; sent after a `presence` message and at every change.
 */
export interface PresenceEvent {
  event: "presence";
  people: Person[];
  type: "event";
}
/**
 * Someone who has the workspace open (once however many of their pages are).
 */
export interface Person {
  may_change: boolean;
  /**
   * The full name, or the username.
   */
  name: string;
  /**
   * How many pages of the workspace they have open.
   */
  pages: number;
  /**
   * The username.
   */
  user: string;
}
/**
 * To the client that sent a layout: it was saved as `version`.
 *
 * With ``merged``, others had saved since ``base``: ``tiles`` is the merged layout, now shown to all.
 */
export interface LayoutSaved {
  base: number;
  event: "layout.saved";
  merged: boolean;
  tiles: Tile[] | null;
  type: "event";
  version: number;
}
/**
 * Another client's view changed; the rest is that client's own content.
 */
export interface ViewEvent {
  event: "view";
  /**
   * The username of the client that sent it.
   */
  from: string;
  type: "event";
  [k: string]: unknown;
}
/**
 * Another client changed the live selection of a source (`state` null: cleared).
 */
export interface SelectionEvent {
  event: "selection";
  /**
   * The username of the client that sent it.
   */
  from: string;
  /**
   * The tile where it was made.
   */
  origin: string;
  /**
   * The id of the source.
   */
  source: string;
  state: SelectionState | null;
  type: "event";
}
/**
 * To the client that sent the sources: they were saved.
 */
export interface SourcesSaved {
  event: "sources.saved";
  type: "event";
}
/**
 * Another client saved the workspace's sources.
 */
export interface SourcesEvent {
  event: "sources";
  /**
   * The username of the client that sent it.
   */
  from: string;
  /**
   * @maxItems 50
   */
  sources: SourceSpec[];
  type: "event";
}
/**
 * Another client saved the layout.
 */
export interface LayoutEvent {
  /**
   * The version the change was based on: older than version - 1 when others saved meanwhile.
   */
  base: number;
  /**
   * The tiles the change added or changed (every tile when it replaced the layout).
   */
  changed: string[];
  event: "layout";
  /**
   * The username of the client that sent it.
   */
  from: string;
  /**
   * Whether the change was merged onto later ones (else it replaced the layout).
   */
  merged: boolean;
  /**
   * The tiles the change removed.
   */
  removed: string[];
  /**
   * @maxItems 200
   */
  tiles: Tile[];
  type: "event";
  /**
   * The version saved.
   */
  version: number;
  [k: string]: unknown;
}
/**
 * This user's right on the workspace changed while the socket is open (a share given or lowered):
 * `may_change` false turns the page read-only at once. A withdrawn view closes the socket instead.
 */
export interface AccessChanged {
  event: "access";
  may_change: boolean;
  type: "event";
}
/**
 * Someone renamed the workspace: its pages show the new name.
 */
export interface WorkspaceRenamed {
  event: "workspace.renamed";
  name: string;
  type: "event";
}
/**
 * A source to add: at a viewer position (x, y) or a sky position (ra, dec, degrees).
 */
export interface AddSource {
  dec?: number | null;
  label?: string;
  ra?: number | null;
  x?: number | null;
  y?: number | null;
}
export interface CatalogEditParams {
  /**
   * @maxItems 1000
   */
  add?: AddSource[];
  /**
   * @maxItems 100000
   */
  delete?: number[];
  /**
   * The detection table (a FITS file), rewritten in place: the write right.
   */
  path: string;
  /**
   * @maxItems 10000
   */
  relabel?: Relabel[];
  /**
   * The table's index in the file.
   */
  table?: number;
}
export interface Relabel {
  label: string;
  row: number;
}
/**
 * The edited table (the same path, a new version) and its row count.
 */
export interface CatalogEditResult {
  path: string;
  rows: number;
}
/**
 * A table and, optionally, its RA/Dec columns (guessed when left out).
 */
export interface CatalogRef {
  dec?: string | null;
  path: string;
  ra?: string | null;
  table?: number;
}
/**
 * Which CCD a mosaic pixel falls on, and which pixel of it (0-based HDU column and row).
 */
export interface CcdRef {
  col: number;
  hdu: number;
  name: string;
  row: number;
}
/**
 * One CCD's share of a region that spans a gap (count 0 and no values when all of it is blank).
 */
export interface CcdStats {
  ccd: number | null;
  count: number;
  max?: number | null;
  mean?: number | null;
  median?: number | null;
  min?: number | null;
  name: string;
  nan: number;
  std?: number | null;
  sum?: number | null;
}
/**
 * What detection found on one CCD (the whole image: ccd -1).
 */
export interface CcdSummary {
  ccd: number;
  name: string;
  rows: number;
  seconds: number;
  /**
   * The host and process that ran it.
   */
  worker?: string;
}
/**
 * Flux-weighted centre of the values above the region's median, viewer coordinates (and ICRS degrees).
 */
export interface Centroid {
  dec?: number | null;
  ra?: number | null;
  x: number;
  y: number;
}
/**
 * A column as served: its kind, numpy dtype, unit, UCD, description and per-row shape.
 */
export interface ColumnOut {
  description: string | null;
  dtype: string;
  kind: "float" | "int" | "bool" | "string" | "time" | "other";
  name: string;
  /**
   * [] for one value per row; vector columns cannot be plotted.
   */
  shape: number[];
  ucd: string | null;
  unit: string | null;
}
/**
 * One contour line: flat viewer coordinates [x0, y0, x1, y1, ...] of the image.
 */
export interface ContourPathOut {
  closed: boolean;
  level: number;
  xy: number[];
}
export interface ContoursParams {
  /**
   * Only within (xmin, ymin, xmax, ymax), viewer coordinates of `image`.
   */
  box?: [number, number, number, number] | null;
  /**
   * How many levels.
   */
  count?: number;
  /**
   * The most pixels contoured: the image (or box) is binned to fit. More is finer and slower.
   */
  detail?: number;
  image: ImageRef;
  /**
   * The levels in pixel units; by default `count` levels between `limits`.
   */
  levels?: [number, ...number[]] | null;
  /**
   * Lowest and highest level; by default the contoured image's zscale cut levels.
   */
  limits?: [number, number] | null;
  /**
   * Leave out paths shorter than this, in pixels (0: keep all).
   */
  min_length?: number;
  /**
   * Contour this other image instead, placed on `image` through both WCSs.
   */
  of?: ImageRef1 | null;
  /**
   * How the levels are spaced between the limits (as the display's stretch).
   */
  scale?: "linear" | "log" | "sqrt";
  /**
   * Gaussian smoothing sigma in pixels (0: none); removes noise contours.
   */
  smooth?: number;
}
/**
 * The image the contours are drawn on.
 */
export interface ImageRef {
  /**
   * The image HDU, 0-based; -1 the focal-plane mosaic.
   */
  hdu?: number;
  /**
   * The image file, inside the data roots.
   */
  path: string;
  /**
   * The plane of a cube, 0-based.
   */
  plane?: number;
}
/**
 * An image as the viewer shows it: a file, its HDU (-1: the focal-plane mosaic) and a cube's plane.
 */
export interface ImageRef1 {
  /**
   * The image HDU, 0-based; -1 the focal-plane mosaic.
   */
  hdu?: number;
  /**
   * The image file, inside the data roots.
   */
  path: string;
  /**
   * The plane of a cube, 0-based.
   */
  plane?: number;
}
/**
 * The levels and the paths, with what was done to keep the work bounded.
 */
export interface ContoursResult {
  /**
   * The binning factor the contours were computed at (1: full resolution).
   */
  binned: number;
  /**
   * Small paths left out to stay under the point limit.
   */
  dropped: number;
  levels: number[];
  /**
   * What was binned or left out, in a sentence; empty when nothing was.
   */
  note: string;
  paths: ContourPathOut[];
  /**
   * Vertices in all (at most 100000).
   */
  points: number;
  /**
   * Paths left out as shorter than `min_length`.
   */
  short?: number;
  smooth: number;
}
export interface CrossmatchParams {
  a: CatalogRef1;
  b: CatalogRef2;
  /**
   * Where the result goes; default: ~/detections.
   */
  folder?: string | null;
  /**
   * The largest separation of a match, arcseconds.
   */
  max_sep?: number;
}
/**
 * A table and, optionally, its RA/Dec columns (guessed when left out).
 */
export interface CatalogRef1 {
  dec?: string | null;
  path: string;
  ra?: string | null;
  table?: number;
}
/**
 * A table and, optionally, its RA/Dec columns (guessed when left out).
 */
export interface CatalogRef2 {
  dec?: string | null;
  path: string;
  ra?: string | null;
  table?: number;
}
/**
 * How many rows of A matched, the result table (rows of both and separations), the median separation (arcsec).
 */
export interface CrossmatchResult {
  matched: number;
  median_sep: number | null;
  path: string;
}
/**
 * What the client needs to show a file; ``cuts`` and ``header`` are those of ``hdu``/``plane``.
 */
export interface DescriptionOut {
  /**
   * (lo, hi) by method: minmax, zscale, zmax, p99.5, p99, p95.
   */
  cuts: {
    /**
     * @minItems 2
     * @maxItems 2
     */
    [k: string]: [number, number];
  };
  format: "fits" | "raster";
  hdu: number;
  hdus: HduInfo[];
  /**
   * The header cards of hdu, 80 characters each.
   */
  header: string[];
  /**
   * Changes whenever the file changes; tile URLs carry it as v.
   */
  identity: string;
  name: string;
  path: string;
  plane: number;
  /**
   * A mosaic whose coarse tiles can be previews until it is pre-rendered.
   */
  preview: boolean;
  /**
   * Rendered tiles are asked through signed URLs (GET /api/imaging/tile-url), not /tiles/.
   */
  signed_tiles: boolean;
}
/**
 * One HDU as the client sees it (``HduInfo`` in ``docs/architecture.md``).
 *
 * ``shape`` is in numpy order (slowest axis first, as astropy's ``hdu.shape``); ``width`` is
 * the length of FITS axis 1, ``height`` of axis 2, ``planes`` the product of the others. The
 * focal-plane mosaic is listed with ``index`` -1, ``kind`` ``"mosaic"`` and ``ccds``.
 */
export interface HduInfo {
  bands: number;
  ccds?: number;
  compressed: boolean;
  dtype: string | null;
  has_wcs: boolean;
  height: number;
  index: number;
  is_image: boolean;
  kind: "image" | "table" | "empty" | "other" | "mosaic";
  levels: number;
  name: string;
  planes: number;
  problem: string | null;
  shape: number[];
  width: number;
}
export interface DetectParams {
  /**
   * Side of the background mesh's boxes, pixels.
   */
  box_size?: number;
  /**
   * On a mosaic: only this CCD (its HDU number).
   */
  ccd?: number | null;
  /**
   * Split blended sources.
   */
  deblend?: boolean;
  /**
   * Where the table goes; default: ~/detections.
   */
  folder?: string | null;
  image: ImageRef2;
  /**
   * The detector.
   */
  method?: "sep" | "photutils";
  /**
   * Minimum number of connected pixels of a source.
   */
  min_area?: number;
  /**
   * The table's file name; default: the image's name and time.
   */
  name?: string | null;
  /**
   * Only inside this region (circle, ellipse, box, polygon).
   */
  region?: Region | null;
  /**
   * Detection threshold, in sigma of the background noise (> 0).
   */
  threshold?: number;
}
/**
 * An image as the viewer shows it: a file, its HDU (-1: the focal-plane mosaic) and a cube's plane.
 */
export interface ImageRef2 {
  /**
   * The image HDU, 0-based; -1 the focal-plane mosaic.
   */
  hdu?: number;
  /**
   * The image file, inside the data roots.
   */
  path: string;
  /**
   * The plane of a cube, 0-based.
   */
  plane?: number;
}
/**
 * One region drawn on a viewer (or read from a region file).
 */
export interface Region {
  /**
   * Degrees counter-clockwise (ellipse, box).
   */
  angle?: number;
  /**
   * A CSS colour; empty: the default.
   */
  color?: string;
  /**
   * image: viewer coordinates (pixels); sky: ICRS right ascension and declination in degrees.
   */
  frame: "image" | "sky";
  /**
   * Unique within its viewer.
   */
  id: string;
  /**
   * The centre (circle, ellipse, box, point, text), the vertices (polygon) or the two ends (line).
   *
   * @minItems 1
   * @maxItems 1000
   */
  points: [[number, number], ...[number, number][]];
  shape: "circle" | "ellipse" | "box" | "polygon" | "line" | "point" | "text";
  /**
   * circle: (radius, radius); ellipse: the semi-axes; box: the full width and height. Pixels in the image frame, arcseconds in the sky frame.
   */
  size?: [number, number] | null;
  /**
   * A label, or a text region's text.
   */
  text?: string;
}
/**
 * A detection: the new table (path, table index 0), its row count, per CCD counts, and the wall time.
 */
export interface DetectResult {
  path: string;
  per_ccd: CcdSummary[];
  rows: number;
  seconds: number;
  table: number;
}
/**
 * One file or folder of a listing; ``mtime`` in seconds since the epoch, ``size`` 0 for folders.
 */
export interface EntryOut {
  kind: "dir" | "file";
  mtime: number;
  name: string;
  /**
   * The image viewer opens it.
   */
  openable: boolean;
  path: string;
  size: number;
  /**
   * A table file (CSV, FITS, VOTable, Parquet...): it opens as a data source.
   */
  table: boolean;
}
export interface ExportOut {
  /**
   * The new file.
   */
  path: string;
  /**
   * How many rows it holds.
   */
  rows: number;
}
export interface ExportParams {
  /**
   * The columns to write, in order; all when null.
   */
  columns?: string[] | null;
  /**
   * The folder the new file goes to.
   */
  folder: string;
  format: "csv" | "fits" | "votable";
  /**
   * headers: the folder's header index.
   */
  kind?: "file" | "headers";
  /**
   * The new file's name (the format's ending is added when missing).
   */
  name: string;
  /**
   * The table file (a folder for kind headers).
   */
  path: string;
  /**
   * The rows to write; every row when null.
   */
  selection?: SelectionState | null;
  /**
   * The table's index in the file, 0-based.
   */
  table?: number;
}
export interface FolderParams {
  /**
   * The folder.
   */
  path: string;
  /**
   * Include the images in subfolders.
   */
  recursive?: boolean;
}
/**
 * Elliptical Gaussian fit: FWHM in pixels (arcsec with a WCS), theta degrees CCW from +x.
 */
export interface GaussianOut {
  amplitude: number | null;
  background: number | null;
  ellipticity: number | null;
  flux: number | null;
  fwhm: number | null;
  fwhm_arcsec: number | null;
  fwhm_major: number | null;
  fwhm_minor: number | null;
  ok: boolean;
  residual_rms: number | null;
  theta: number | null;
  x: number | null;
  y: number | null;
}
export interface HistogramParams {
  /**
   * Equal bins from the minimum to the maximum.
   */
  bins?: number;
  image: ImageRef1;
  region: Region1;
}
/**
 * One region drawn on a viewer (or read from a region file).
 */
export interface Region1 {
  /**
   * Degrees counter-clockwise (ellipse, box).
   */
  angle?: number;
  /**
   * A CSS colour; empty: the default.
   */
  color?: string;
  /**
   * image: viewer coordinates (pixels); sky: ICRS right ascension and declination in degrees.
   */
  frame: "image" | "sky";
  /**
   * Unique within its viewer.
   */
  id: string;
  /**
   * The centre (circle, ellipse, box, point, text), the vertices (polygon) or the two ends (line).
   *
   * @minItems 1
   * @maxItems 1000
   */
  points: [[number, number], ...[number, number][]];
  shape: "circle" | "ellipse" | "box" | "polygon" | "line" | "point" | "text";
  /**
   * circle: (radius, radius); ellipse: the semi-axes; box: the full width and height. Pixels in the image frame, arcseconds in the sky frame.
   */
  size?: [number, number] | null;
  /**
   * A label, or a text region's text.
   */
  text?: string;
}
export interface HistogramResult {
  counts: number[];
  edges: number[];
  /**
   * log10(1 + count).
   */
  log_counts: number[];
  nan: number;
  note: string;
}
export interface ImageParams {
  /**
   * The HDU, -1 for the mosaic; the file's default if null.
   */
  hdu?: number | null;
  /**
   * The image file.
   */
  path: string;
  /**
   * The plane of a cube.
   */
  plane?: number;
}
export interface IndexParams {
  /**
   * The folder; the data root by default.
   */
  path?: string;
  /**
   * Include the files in subfolders.
   */
  recursive?: boolean;
}
/**
 * A file whose header could not be read, and why.
 */
export interface IndexProblem {
  path: string;
  problem: string;
}
/**
 * What an index run did, counting the files the user may read: found, read again, unchanged, dropped.
 */
export interface IndexResult {
  /**
   * At most 100 files whose header could not be read.
   */
  failures: IndexProblem[];
  files: number;
  path: string;
  problems: number;
  read: number;
  removed: number;
  unchanged: number;
}
/**
 * Every job function by name: the parameters it takes and the result it returns.
 */
export interface JobFunctions {
  /**
   * Edit a detection table: add a source measured where it was clicked, delete rows, relabel rows.
   */
  "analysis.catalog_edit": {
    params: CatalogEditParams;
    result: CatalogEditResult;
  };
  /**
   * Contour lines of an image (or of another image aligned to it by WCS), in the image's viewer coordinates.
   */
  "analysis.contours": {
    params: ContoursParams;
    result: ContoursResult;
  };
  /**
   * Cross-match two catalogues on the sky and write the matched pairs as a new table.
   */
  "analysis.crossmatch": {
    params: CrossmatchParams;
    result: CrossmatchResult;
  };
  /**
   * Detect sources in an image (a CCD, the focal plane or a region) and write them as a new FITS table.
   */
  "analysis.detect": {
    params: DetectParams;
    result: DetectResult;
  };
  /**
   * Histogram of the values in a region.
   */
  "analysis.histogram": {
    params: HistogramParams;
    result: HistogramResult;
  };
  /**
   * Values along a segment (a row or column cut, or a line region).
   */
  "analysis.line": {
    params: LineParams;
    result: LineResult;
  };
  /**
   * Aperture photometry at (x, y) or in a region, with a background annulus.
   */
  "analysis.photometry": {
    params: PhotometryParams;
    result: PhotometryResult;
  };
  /**
   * Radial profile, curve of growth and Gaussian/Moffat fits of the star at (x, y).
   */
  "analysis.profile": {
    params: ProfileParams;
    result: ProfileResult;
  };
  /**
   * The values of the pixel at (x, y) through every plane of a cube, with the spectral axis from the WCS.
   */
  "analysis.spectrum": {
    params: PointParams;
    result: SpectrumResult;
  };
  /**
   * Statistics of a region: count, sum, mean, median, std, min, max, blank pixels, centroid; per CCD on a mosaic.
   */
  "analysis.stats": {
    params: RegionParams;
    result: StatsResult;
  };
  /**
   * The pixels of a square around (x, y), for a surface plot.
   */
  "analysis.surface": {
    params: SurfaceParams;
    result: SurfaceResult;
  };
  /**
   * List a folder.
   */
  "files.list": {
    params: ListParams;
    result: ListingOut;
  };
  /**
   * Bring the header index of a folder up to date: read new and changed files, drop vanished ones.
   */
  "headers.index": {
    params: IndexParams;
    result: IndexResult;
  };
  /**
   * Describe an image file: its HDUs, default cut levels and header.
   */
  "imaging.describe": {
    params: ImageParams;
    result: DescriptionOut;
  };
  /**
   * The value and world coordinates of the pixel under (x, y).
   */
  "imaging.pixel": {
    params: PixelParams;
    result: PixelResult;
  };
  /**
   * Build and cache an image's whole tile pyramid.
   */
  "imaging.prerender": {
    params: ImageParams;
    result: PrerenderResult;
  };
  /**
   * Build and cache the pyramids of every image in a folder, one file after the other.
   */
  "imaging.prerender_folder": {
    params: FolderParams;
    result: PrerenderFolderResult;
  };
  /**
   * Describe a data source: its tables, columns (units, UCDs), row count, sky and pixel columns.
   */
  "sources.describe": {
    params: SourceParams;
    result: SourceDescription;
  };
  /**
   * Write the selected rows of a source as a new CSV, FITS or VOTable file in a folder.
   */
  "sources.export": {
    params: ExportParams;
    result: ExportOut;
  };
}
export interface LineParams {
  /**
   * Viewer (x, y) of the second end.
   *
   * @minItems 2
   * @maxItems 2
   */
  end: [number, number];
  image: ImageRef1;
  /**
   * nearest: the value of the pixel under each sample; bilinear: interpolated.
   */
  method?: "nearest" | "bilinear";
  /**
   * Samples, ends included; by default one per pixel of length.
   */
  samples?: number | null;
  /**
   * Viewer (x, y) of the first end.
   *
   * @minItems 2
   * @maxItems 2
   */
  start: [number, number];
}
export interface LineResult {
  distance: number[];
  method: "nearest" | "bilinear";
  values: (number | null)[];
  x: number[];
  y: number[];
}
export interface PhotometryParams {
  /**
   * Background annulus radii, pixels (added to the region's radius for a region aperture).
   *
   * @minItems 2
   * @maxItems 2
   */
  annulus?: [number, number];
  image: ImageRef1;
  /**
   * Aperture radius, pixels.
   */
  radius?: number;
  /**
   * Move to the star's centroid first (circular aperture).
   */
  recentre?: boolean;
  /**
   * A circle, ellipse, box or polygon as the aperture.
   */
  region?: Region | null;
  /**
   * Aperture centre, viewer x (or give a region).
   */
  x?: number | null;
  /**
   * Aperture centre, viewer y.
   */
  y?: number | null;
}
/**
 * Aperture photometry: flux above the sigma-clipped median background, its error from the background scatter.
 */
export interface PhotometryResult {
  annulus_area: number;
  /**
   * Pixels in the aperture.
   */
  area: number;
  /**
   * Per pixel.
   */
  background: number;
  background_std: number;
  dec: number | null;
  flux: number;
  flux_err: number;
  /**
   * -2.5 log10(flux); null for flux <= 0.
   */
  mag_inst: number | null;
  note: string;
  ra: number | null;
  snr: number | null;
  x: number;
  y: number;
}
export interface ProfileParams {
  image: ImageRef1;
  /**
   * Profile radius, pixels.
   */
  radius?: number;
  /**
   * Move to the star's centroid first.
   */
  recentre?: boolean;
  /**
   * Viewer x (level-0 pixels, 0 at the left edge).
   */
  x: number;
  /**
   * Viewer y (level-0 pixels, 0 at the bottom edge).
   */
  y: number;
}
/**
 * Radial profile (one point per pixel), curve of growth and PSF fits of the star at (x, y).
 */
export interface ProfileResult {
  background: number | null;
  dec: number | null;
  gaussian: GaussianOut;
  growth_flux: (number | null)[];
  growth_radii: number[];
  moffat: MoffatOut;
  /**
   * Arcseconds per pixel; null without WCS.
   */
  pixel_scale: number | null;
  ra: number | null;
  radii: number[];
  stamp: Stamp;
  values: number[];
  x: number;
  y: number;
}
/**
 * Circular Moffat fit: alpha the core width (pixels), beta the power index.
 */
export interface MoffatOut {
  alpha: number | null;
  amplitude: number | null;
  background: number | null;
  beta: number | null;
  ellipticity: number | null;
  flux: number | null;
  fwhm: number | null;
  fwhm_arcsec: number | null;
  ok: boolean;
  residual_rms: number | null;
  theta: number | null;
  x: number | null;
  y: number | null;
}
/**
 * The fitted square, row-major from the bottom row; null for blank pixels.
 */
export interface Stamp {
  data: (number | null)[];
  fit: "gaussian" | "moffat";
  height: number;
  model: (number | null)[];
  residual: (number | null)[];
  width: number;
  x0: number;
  y0: number;
}
export interface PointParams {
  image: ImageRef1;
  /**
   * Viewer x (level-0 pixels, 0 at the left edge).
   */
  x: number;
  /**
   * Viewer y (level-0 pixels, 0 at the bottom edge).
   */
  y: number;
}
export interface SpectrumResult {
  axis: SpectralAxis | null;
  dec: number | null;
  planes: number[];
  ra: number | null;
  values: (number | null)[];
  x: number;
  y: number;
}
export interface SpectralAxis {
  name: string;
  unit: string;
  values: number[];
}
export interface RegionParams {
  image: ImageRef1;
  region: Region2;
}
/**
 * One region drawn on a viewer (or read from a region file).
 */
export interface Region2 {
  /**
   * Degrees counter-clockwise (ellipse, box).
   */
  angle?: number;
  /**
   * A CSS colour; empty: the default.
   */
  color?: string;
  /**
   * image: viewer coordinates (pixels); sky: ICRS right ascension and declination in degrees.
   */
  frame: "image" | "sky";
  /**
   * Unique within its viewer.
   */
  id: string;
  /**
   * The centre (circle, ellipse, box, point, text), the vertices (polygon) or the two ends (line).
   *
   * @minItems 1
   * @maxItems 1000
   */
  points: [[number, number], ...[number, number][]];
  shape: "circle" | "ellipse" | "box" | "polygon" | "line" | "point" | "text";
  /**
   * circle: (radius, radius); ellipse: the semi-axes; box: the full width and height. Pixels in the image frame, arcseconds in the sky frame.
   */
  size?: [number, number] | null;
  /**
   * A label, or a text region's text.
   */
  text?: string;
}
/**
 * Statistics of the finite pixels whose centres the region holds (std: population).
 */
export interface StatsResult {
  centroid: Centroid;
  count: number;
  max: number;
  mean: number;
  median: number;
  min: number;
  /**
   * Blank (NaN/BLANK) pixels inside, left out.
   */
  nan: number;
  note: string;
  /**
   * On a mosaic, when the region spans CCDs; else empty.
   */
  per_ccd: CcdStats[];
  std: number;
  sum: number;
}
export interface SurfaceParams {
  /**
   * Half-size of the square, pixels.
   */
  half?: number;
  image: ImageRef1;
  /**
   * Viewer x (level-0 pixels, 0 at the left edge).
   */
  x: number;
  /**
   * Viewer y (level-0 pixels, 0 at the bottom edge).
   */
  y: number;
}
export interface SurfaceResult {
  height: number;
  /**
   * Row-major from the bottom row; null for blank or off the image.
   */
  values: (number | null)[];
  width: number;
  x0: number;
  y0: number;
}
export interface ListParams {
  /**
   * The folder; the data root by default.
   */
  path?: string;
}
/**
 * A folder: folders first, then files, by name; ``parent`` is None at the data root.
 *
 * ``writable``: whether the user may upload, create, rename and delete here; ``max_upload_bytes``:
 * the largest file an upload may bring.
 */
export interface ListingOut {
  entries: EntryOut[];
  max_upload_bytes: number;
  parent: string | null;
  path: string;
  truncated: boolean;
  writable: boolean;
}
export interface PixelParams {
  /**
   * The HDU, -1 for the mosaic.
   */
  hdu?: number;
  /**
   * The image file.
   */
  path: string;
  /**
   * The plane of a cube.
   */
  plane?: number;
  /**
   * Level-0 x (column), 0 at the left edge of the first pixel.
   */
  x: number;
  /**
   * Level-0 y (row), 0 at the bottom edge of the first pixel.
   */
  y: number;
}
/**
 * What imaging.pixel returns: the core's Pixel, as the socket's schema names it.
 */
export interface PixelResult {
  ccd?: CcdRef | null;
  col: number;
  dec: number | null;
  inside: boolean;
  ra: number | null;
  row: number;
  value: number | number[] | null;
  world: string | null;
  x: number;
  y: number;
}
/**
 * What pre-rendering one file did: its HDUs (-1 for the mosaic), their largest level count, the tile count.
 */
export interface PrerenderResult {
  hdus: number[];
  levels: number;
  path: string;
  /**
   * The pyramid was complete already: nothing was built.
   */
  skipped: boolean;
  tiles: number;
}
/**
 * What pre-rendering a folder did, file by file; at most 100 failures are listed.
 */
export interface PrerenderFolderResult {
  built: number;
  failed: number;
  failures: PrerenderFailure[];
  files: number;
  path: string;
  skipped: number;
}
/**
 * A file of a folder that could not be pre-rendered, and why.
 */
export interface PrerenderFailure {
  code: string;
  message: string;
  path: string;
}
export interface SourceParams {
  /**
   * headers: the folder's header index.
   */
  kind?: "file" | "headers";
  /**
   * The table file (a folder for kind headers).
   */
  path: string;
  /**
   * The table's index in the file, 0-based.
   */
  table?: number;
}
/**
 * What a page needs to show a source: its tables, the chosen table's columns and row count.
 */
export interface SourceDescription {
  /**
   * The columns, first the row number "index" (0-based, file order).
   */
  columns: ColumnOut[];
  format: string;
  /**
   * Changes whenever the file changes; column URLs carry it as v.
   */
  identity: string;
  kind: "file" | "headers";
  name: string;
  /**
   * What reading changed: renamed duplicate columns, cut strings...
   */
  notes: string[];
  path: string;
  /**
   * The x/y pixel columns found (by name).
   */
  pixel: PixelColumns | null;
  rows: number;
  /**
   * The RA/Dec columns found (by UCD, then by name), in degrees.
   */
  sky: SkyColumns | null;
  table: number;
  tables: TableOut[];
}
export interface PixelColumns {
  x: string;
  y: string;
}
export interface SkyColumns {
  dec: string;
  ra: string;
}
/**
 * One table of a file.
 */
export interface TableOut {
  columns: number;
  index: number;
  name: string;
  rows: number;
}
/**
 * One pixel under the cursor (``Pixel`` in ``docs/architecture.md``).
 *
 * ``ccd`` is there for the mosaic only: the HDU and its pixel under the cursor, None in gaps.
 */
export interface Pixel {
  ccd?: CcdRef | null;
  col: number;
  dec: number | null;
  inside: boolean;
  ra: number | null;
  row: number;
  value: number | number[] | null;
  world: string | null;
  x: number;
  y: number;
}
