// Generated from frontend/schema/openapi.json by frontend/scripts/gen-types.mjs: do not edit.
// Regenerate with `make types` (the server writes the schema, then `npm run gen:types`).
export interface paths {
  "/api/analysis/grid": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Grid
     * @description RA/Dec (or galactic) grid lines over a box of the image, each with its label and where it goes.
     */
    get: operations["apps_analysis_api_grid_grid"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/analysis/regions/export": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Export
     * @description Write regions as a ds9 or CRTF text, in image pixels or ICRS; saved as a new file when a folder is given.
     */
    post: operations["apps_analysis_api_regions_export"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/analysis/regions/parse": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Parse
     * @description Read a ds9 or CRTF region text (or a region file the user may read) into the viewer's regions.
     */
    post: operations["apps_analysis_api_regions_parse"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/files/delete": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Move a file or folder to the trash */
    post: operations["apps_files_api_delete"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/files/folder": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create a folder */
    post: operations["apps_files_api_make_folder"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/files/list": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Listing
     * @description List a folder the user may list.
     */
    get: operations["apps_files_api_listing"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/files/rename": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Rename a file or folder
     * @description Rename within the same folder; `exists` (409) if the new name is taken.
     */
    post: operations["apps_files_api_rename"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/files/shared": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Shared
     * @description Your home folder and the folders shared with you.
     */
    get: operations["apps_files_api_shared"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/files/shortcuts": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Shortcuts
     * @description Your shortcuts, by label.
     */
    get: operations["apps_files_api_shortcuts"];
    put?: never;
    /**
     * Pin
     * @description Pin a folder you may list (201); one pinned already answers 200, renamed when a label is given.
     */
    post: operations["apps_files_api_pin"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/files/shortcuts/{shortcut_id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Unpin
     * @description Remove one of your shortcuts.
     */
    delete: operations["apps_files_api_unpin"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/files/trash": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The deletions you may restore */
    get: operations["apps_files_api_trash_list"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/files/trash/{entry_id}/restore": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Restore from the trash
     * @description Put it back where it was; `exists` (409) if something has that name now: give `name` then.
     */
    post: operations["apps_files_api_restore"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/files/upload": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Upload a file into a folder
     * @description Write the body as a new file; `exists` (409) if the name is taken and `replace` is not set.
     */
    post: operations["apps_files_api_upload"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/headers/search": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Search
     * @description Search the header index of a folder and below (files the user may read only).
     */
    get: operations["apps_headers_api_search"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/imaging/colormap": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Colormap
     * @description The 255 colours of a colormap (for colorbars and client-side rendering).
     */
    get: operations["apps_imaging_api_colormap"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/imaging/colormaps": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Colormaps
     * @description The names of the colormaps (any of them reversed with ``inv``).
     */
    get: operations["apps_imaging_api_colormaps"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/imaging/describe": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Describe
     * @description Describe an image file: its HDUs, the chosen HDU's header and default cuts, its identity.
     */
    get: operations["apps_imaging_api_describe"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/imaging/overlay": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Overlay
     * @description A catalogue's rows placed on an image: by its RA/Dec through the image's WCS (each CCD's on a
     *     mosaic), or by its pixel columns; the columns found by name when none are given.
     */
    post: operations["apps_imaging_api_overlay"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/imaging/pixel": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Pixel
     * @description The value and sky position of the pixel under a point (level-0 pixel units).
     */
    get: operations["apps_imaging_api_pixel"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/imaging/sky-transform": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Sky Transform
     * @description The image's WCS as grids of ICRS positions at viewer points, one per CCD on a mosaic (none
     *     without a WCS): the browser interpolates them to within 0.05 px instead of asking per point.
     */
    get: operations["apps_imaging_api_sky_transform"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/imaging/thumbnail": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Thumbnail
     * @description A small PNG of the whole image (the focal-plane mosaic of an exposure), for lists and tables.
     */
    get: operations["apps_imaging_api_thumbnail"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/imaging/tile-url": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Tile Url
     * @description The URL template of one rendering's pyramid tiles, or of the raw tiles (``fmt=raw``): signed for this
     *     session (nginx checks it and sends tiles on disk itself) when the server has signed tiles on, else
     *     the /tiles/ one.
     *     Ask again before ``lifetime`` runs out: each answer checks the read right anew.
     */
    get: operations["apps_imaging_api_tile_url"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/imaging/world-to-pixel": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * World To Pixel
     * @description Where a sky position lies on the image (level-0 pixel units): a table row's place, centred on.
     */
    get: operations["apps_imaging_api_world_to_pixel"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/jobs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The job functions you may run */
    get: operations["apps_jobs_api_list_functions"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/jobs/runs/{job_id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A job's status, progress and outcome */
    get: operations["apps_jobs_api_run"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/jobs/{fn}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Start a job */
    post: operations["apps_jobs_api_start"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sources/column": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Column
     * @description One column (or an expression on the columns) as a typed array: what a plot draws.
     */
    get: operations["apps_sources_api_column"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sources/density": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Density
     * @description A 2-D histogram of y against x, binned on the server: for plots with more points than pixels.
     */
    get: operations["apps_sources_api_density"];
    put?: never;
    /**
     * Density Selected
     * @description The density of the selected rows (or of all rows without a selection).
     */
    post: operations["apps_sources_api_density_selected"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sources/describe": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Describe
     * @description A source's tables, the chosen table's columns (units, UCDs), row count, sky and pixel columns.
     */
    get: operations["apps_sources_api_describe"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sources/export": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Export
     * @description Write the selected rows (all without a selection) as a new CSV, FITS or VOTable file in a folder the
     *     user may write; never over an existing file (``exists``).
     */
    post: operations["apps_sources_api_export"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sources/locate": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Locate
     * @description Where the first selected row sits in a view order: the table view scrolls there.
     */
    post: operations["apps_sources_api_locate"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sources/mask": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Mask
     * @description The rows a selection state selects, as a bit mask.
     */
    post: operations["apps_sources_api_mask"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sources/rows": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Rows
     * @description A page of the table view: sorted and filtered on the server, at most 500 rows.
     */
    get: operations["apps_sources_api_rows"];
    put?: never;
    /**
     * Rows Selected
     * @description The rows page as a POST, taking a selection: the table view's "only selected" pages.
     */
    post: operations["apps_sources_api_rows_selected"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/workspaces": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Your workspaces and those shared with you */
    get: operations["apps_workspaces_api_list_workspaces"];
    put?: never;
    /** Create a workspace */
    post: operations["apps_workspaces_api_create"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/workspaces/lookup": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Users and groups whose name starts so */
    get: operations["apps_workspaces_api_lookup"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/workspaces/{workspace_id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A workspace */
    get: operations["apps_workspaces_api_detail"];
    put?: never;
    post?: never;
    /** Delete a workspace */
    delete: operations["apps_workspaces_api_delete"];
    options?: never;
    head?: never;
    /** Rename a workspace */
    patch: operations["apps_workspaces_api_rename"];
    trace?: never;
  };
  "/api/workspaces/{workspace_id}/duplicate": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Copy a workspace into a new one of your own */
    post: operations["apps_workspaces_api_duplicate"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/workspaces/{workspace_id}/shares": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Who a workspace is shared with */
    get: operations["apps_workspaces_api_shares"];
    /** Give a user or group a right on a workspace, change or withdraw it */
    put: operations["apps_workspaces_api_set_share"];
    post?: never;
    /** Withdraw a user's or group's right on a workspace */
    delete: operations["apps_workspaces_api_unshare"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tiles/{level}/{x}/{y}.{fmt}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Tile
     * @description A pyramid tile: level 0 is full resolution, each next level binned 2×2; y counts from the bottom.
     */
    get: operations["apps_imaging_api_tile"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    /**
     * BoxSelection
     * @description The rows inside a rectangle of a plot: x0..x1 on `x`, y0..y1 on `y`, in the axes' space
     *     (with a log scale the bounds are log10 of the data).
     */
    BoxSelection: {
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      kind: "box";
      /** X */
      x: string;
      /** X0 */
      x0: number;
      /** X1 */
      x1: number;
      /**
       * Xscale
       * @default linear
       * @enum {string}
       */
      xscale: "linear" | "log";
      /** Y */
      y: string;
      /** Y0 */
      y0: number;
      /** Y1 */
      y1: number;
      /**
       * Yscale
       * @default linear
       * @enum {string}
       */
      yscale: "linear" | "log";
    };
    /**
     * CcdRef
     * @description Which CCD a mosaic pixel falls on, and which pixel of it (0-based HDU column and row).
     */
    CcdRef: {
      /** Col */
      col: number;
      /** Hdu */
      hdu: number;
      /** Name */
      name: string;
      /** Row */
      row: number;
    };
    /** ColormapNamesOut */
    ColormapNamesOut: {
      /** Names */
      names: string[];
    };
    /**
     * ColormapOut
     * @description The 255 RGB colours (0-255) of a colormap, for colorbars and client-side rendering.
     */
    ColormapOut: {
      /** Colors */
      colors: number[][];
      /** Name */
      name: string;
    };
    /** ColormapQuery */
    ColormapQuery: {
      /**
       * Inv
       * @description Reverse the colormap.
       * @default false
       */
      inv: boolean;
      /**
       * Name
       * @default gray
       */
      name: string;
    };
    /**
     * ColumnOut
     * @description A column as served: its kind, numpy dtype, unit, UCD, description and per-row shape.
     */
    ColumnOut: {
      /** Description */
      description: string | null;
      /** Dtype */
      dtype: string;
      /**
       * Kind
       * @enum {string}
       */
      kind: "float" | "int" | "bool" | "string" | "time" | "other";
      /** Name */
      name: string;
      /**
       * Shape
       * @description [] for one value per row; vector columns cannot be plotted.
       */
      shape: number[];
      /** Ucd */
      ucd: string | null;
      /** Unit */
      unit: string | null;
    };
    /** ColumnQuery */
    ColumnQuery: {
      /**
       * Column
       * @description A column name.
       */
      column?: string | null;
      /**
       * Dtype
       * @description float32, or the column's own type (native).
       * @default float32
       * @enum {string}
       */
      dtype: "float32" | "native";
      /**
       * Expr
       * @description An expression on the columns, instead of a column.
       */
      expr?: string | null;
      /**
       * Kind
       * @description headers: `path` is a folder, the source its header index.
       * @default file
       * @enum {string}
       */
      kind: "file" | "headers";
      /**
       * Path
       * Format: path
       * @default
       */
      path: string;
      /**
       * Table
       * @description The table's index in the file, 0-based.
       * @default 0
       */
      table: number;
      /**
       * V
       * @description The source's identity: a URL naming the current one is cached.
       * @default
       */
      v: string;
    };
    /**
     * CombinedSelection
     * @description The rows in all (``and``) or any (``or``) of the states in `of`.
     */
    CombinedSelection: {
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      kind: "and" | "or";
      /** Of */
      of: components["schemas"]["SelectionState"][];
    };
    /** DeleteIn */
    DeleteIn: {
      /**
       * Path
       * Format: path
       * @description The file or folder to move into the trash.
       */
      path: string;
    };
    /**
     * DensityIn
     * @description The density query as a body, with a selection: the counts are of the selected rows.
     */
    DensityIn: {
      /**
       * Kind
       * @default file
       * @enum {string}
       */
      kind: "file" | "headers";
      /**
       * Nx
       * @default 256
       */
      nx: number;
      /**
       * Ny
       * @default 256
       */
      ny: number;
      /**
       * Path
       * Format: path
       */
      path: string;
      selection?: components["schemas"]["SelectionState"] | null;
      /**
       * Table
       * @description The table's index in the file, 0-based.
       * @default 0
       */
      table: number;
      /** X */
      x: string;
      /** Xhi */
      xhi?: number | null;
      /** Xlo */
      xlo?: number | null;
      /**
       * Xscale
       * @default linear
       * @enum {string}
       */
      xscale: "linear" | "log";
      /** Y */
      y: string;
      /** Yhi */
      yhi?: number | null;
      /** Ylo */
      ylo?: number | null;
      /**
       * Yscale
       * @default linear
       * @enum {string}
       */
      yscale: "linear" | "log";
    };
    /** DensityQuery */
    DensityQuery: {
      /**
       * Kind
       * @description headers: `path` is a folder, the source its header index.
       * @default file
       * @enum {string}
       */
      kind: "file" | "headers";
      /**
       * Nx
       * @default 256
       */
      nx: number;
      /**
       * Ny
       * @default 256
       */
      ny: number;
      /**
       * Path
       * Format: path
       * @default
       */
      path: string;
      /**
       * Table
       * @description The table's index in the file, 0-based.
       * @default 0
       */
      table: number;
      /**
       * V
       * @description The source's identity: a URL naming the current one is cached.
       * @default
       */
      v: string;
      /**
       * X
       * @description The column or expression along x.
       */
      x: string;
      /** Xhi */
      xhi?: number | null;
      /**
       * Xlo
       * @description In the axis' space (log10 on a log axis).
       */
      xlo?: number | null;
      /**
       * Xscale
       * @default linear
       * @enum {string}
       */
      xscale: "linear" | "log";
      /**
       * Y
       * @description The column or expression along y.
       */
      y: string;
      /** Yhi */
      yhi?: number | null;
      /** Ylo */
      ylo?: number | null;
      /**
       * Yscale
       * @default linear
       * @enum {string}
       */
      yscale: "linear" | "log";
    };
    /** DescribeQuery */
    DescribeQuery: {
      /**
       * Hdu
       * @description The HDU to describe (-1: the mosaic); by default the first image.
       */
      hdu?: number | null;
      /**
       * Path
       * Format: path
       * @default
       */
      path: string;
      /**
       * Plane
       * @description The plane of a cube, 0-based.
       * @default 0
       */
      plane: number;
    };
    /**
     * DescriptionOut
     * @description What the client needs to show a file; ``cuts`` and ``header`` are those of ``hdu``/``plane``.
     */
    DescriptionOut: {
      /**
       * Cuts
       * @description (lo, hi) by method: minmax, zscale, zmax, p99.5, p99, p95.
       */
      cuts: {
        [key: string]: [number, number];
      };
      /**
       * Format
       * @enum {string}
       */
      format: "fits" | "raster";
      /** Hdu */
      hdu: number;
      /** Hdus */
      hdus: components["schemas"]["HduInfo"][];
      /**
       * Header
       * @description The header cards of hdu, 80 characters each.
       */
      header: string[];
      /**
       * Identity
       * @description Changes whenever the file changes; tile URLs carry it as v.
       */
      identity: string;
      /** Name */
      name: string;
      /** Path */
      path: string;
      /** Plane */
      plane: number;
      /**
       * Preview
       * @description A mosaic whose coarse tiles can be previews until it is pre-rendered.
       */
      preview: boolean;
      /**
       * Signed Tiles
       * @description Rendered tiles are asked through signed URLs (GET /api/imaging/tile-url), not /tiles/.
       */
      signed_tiles: boolean;
    };
    /**
     * EntryOut
     * @description One file or folder of a listing; ``mtime`` in seconds since the epoch, ``size`` 0 for folders.
     */
    EntryOut: {
      /**
       * Kind
       * @enum {string}
       */
      kind: "dir" | "file";
      /** Mtime */
      mtime: number;
      /** Name */
      name: string;
      /**
       * Openable
       * @description The image viewer opens it.
       */
      openable: boolean;
      /** Path */
      path: string;
      /** Size */
      size: number;
      /**
       * Table
       * @description A table file (CSV, FITS, VOTable, Parquet...): it opens as a data source.
       */
      table: boolean;
    };
    /** EntryRenameIn */
    EntryRenameIn: {
      /**
       * Name
       * @description Its new name, in the same folder.
       */
      name: string;
      /**
       * Path
       * Format: path
       * @description The file or folder to rename.
       */
      path: string;
    };
    /**
     * ErrorBody
     * @description What went wrong: a code for programs and a sentence for people.
     */
    ErrorBody: {
      /** Code */
      code: string;
      /** Message */
      message: string;
    };
    /**
     * ErrorOut
     * @description The body of every JSON error of the site.
     */
    ErrorOut: {
      error: components["schemas"]["ErrorBody"];
    };
    /** ExportIn */
    ExportIn: {
      /**
       * Columns
       * @description The columns to write, in order; all when null.
       */
      columns?: string[] | null;
      /**
       * Folder
       * Format: path
       */
      folder: string;
      /**
       * Format
       * @enum {string}
       */
      format: "csv" | "fits" | "votable";
      /**
       * Kind
       * @default file
       * @enum {string}
       */
      kind: "file" | "headers";
      /**
       * Name
       * @description The new file's name (the format's ending is added).
       */
      name: string;
      /**
       * Path
       * Format: path
       */
      path: string;
      /** @description The rows to write; every row when null. */
      selection?: components["schemas"]["SelectionState"] | null;
      /**
       * Table
       * @description The table's index in the file, 0-based.
       * @default 0
       */
      table: number;
    };
    /** ExportOut */
    ExportOut: {
      /**
       * Path
       * @description The new file.
       */
      path: string;
      /**
       * Rows
       * @description How many rows it holds.
       */
      rows: number;
    };
    /**
     * ExprSelection
     * @description The rows for which a boolean expression holds (``g - r > 1``).
     */
    ExprSelection: {
      /** Expr */
      expr: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      kind: "expr";
    };
    /** FolderIn */
    FolderIn: {
      /**
       * Name
       * @description The new folder's name.
       */
      name: string;
      /**
       * Path
       * Format: path
       * @description The folder to create it in.
       */
      path: string;
    };
    /**
     * FoundOut
     * @description One matching file: its path and the typed fields; ``keywords`` holds the keywords the query names.
     */
    FoundOut: {
      /**
       * Date Obs
       * @description DATE-OBS as an ISO date-time in UTC.
       */
      date_obs: string | null;
      /** Exptime */
      exptime: number | null;
      /** Filter */
      filter: string;
      /** Keywords */
      keywords: {
        [key: string]: string | number | boolean;
      };
      /** Mjd */
      mjd: number | null;
      /** Name */
      name: string;
      /** Object */
      object: string;
      /** Path */
      path: string;
      /** Problem */
      problem: string;
    };
    /**
     * GridLabelOut
     * @description Where a line's label goes: a viewer point, the box edge it meets (or ``inside``), the line's direction there.
     */
    GridLabelOut: {
      /**
       * Angle
       * @description Degrees counter-clockwise from +x, pointing into the box.
       */
      angle: number;
      /** Edge */
      edge: string;
      /** X */
      x: number;
      /** Y */
      y: number;
    };
    /**
     * GridLineOut
     * @description A meridian (``lon``) or parallel (``lat``): its pieces as flat viewer coordinates [x0, y0, x1, y1, ...].
     */
    GridLineOut: {
      /**
       * Axis
       * @enum {string}
       */
      axis: "lon" | "lat";
      /** Label */
      label: string;
      label_at: components["schemas"]["GridLabelOut"] | null;
      /** Paths */
      paths: number[][];
      /**
       * Value
       * @description Degrees.
       */
      value: number;
    };
    /**
     * GridOut
     * @description The grid over a view box: its system, format, steps (degrees) and lines.
     */
    GridOut: {
      /**
       * Format
       * @enum {string}
       */
      format: "sexagesimal" | "degrees";
      /** Identity */
      identity: string;
      /** Lat Step */
      lat_step: number;
      /** Lines */
      lines: components["schemas"]["GridLineOut"][];
      /** Lon Step */
      lon_step: number;
      /**
       * System
       * @enum {string}
       */
      system: "icrs" | "galactic";
    };
    /** GridQuery */
    GridQuery: {
      /**
       * Format
       * @description How labels and steps read.
       * @default sexagesimal
       * @enum {string}
       */
      format: "sexagesimal" | "degrees";
      /**
       * Hdu
       * @description The HDU, 0-based; -1 the focal-plane mosaic.
       * @default 0
       */
      hdu: number;
      /**
       * Path
       * Format: path
       * @description The image file.
       */
      path: string;
      /**
       * Plane
       * @description The plane of a cube.
       * @default 0
       */
      plane: number;
      /**
       * System
       * @description RA/Dec (ICRS) or galactic l/b.
       * @default icrs
       * @enum {string}
       */
      system: "icrs" | "galactic";
      /**
       * X0
       * @description The view box's left edge, viewer coordinates.
       */
      x0: number;
      /**
       * X1
       * @description Its right edge.
       */
      x1: number;
      /**
       * Y0
       * @description Its bottom edge.
       */
      y0: number;
      /**
       * Y1
       * @description Its top edge.
       */
      y1: number;
    };
    /**
     * HduInfo
     * @description One HDU as the client sees it (``HduInfo`` in ``docs/architecture.md``).
     *
     *     ``shape`` is in numpy order (slowest axis first, as astropy's ``hdu.shape``); ``width`` is
     *     the length of FITS axis 1, ``height`` of axis 2, ``planes`` the product of the others. The
     *     focal-plane mosaic is listed with ``index`` -1, ``kind`` ``"mosaic"`` and ``ccds``.
     */
    HduInfo: {
      /** Bands */
      bands: number;
      /** Ccds */
      ccds?: number;
      /** Compressed */
      compressed: boolean;
      /** Dtype */
      dtype: string | null;
      /** Has Wcs */
      has_wcs: boolean;
      /** Height */
      height: number;
      /** Index */
      index: number;
      /** Is Image */
      is_image: boolean;
      /**
       * Kind
       * @enum {string}
       */
      kind: "image" | "table" | "empty" | "other" | "mosaic";
      /** Levels */
      levels: number;
      /** Name */
      name: string;
      /** Planes */
      planes: number;
      /** Problem */
      problem: string | null;
      /** Shape */
      shape: number[];
      /** Width */
      width: number;
    };
    /** JobErrorOut */
    JobErrorOut: {
      /** Code */
      code: string;
      /** Message */
      message: string;
    };
    /**
     * JobFunctionOut
     * @description A job function the user may run.
     */
    JobFunctionOut: {
      /** Description */
      description: string;
      /** Heavy */
      heavy: boolean;
      /** Module */
      module: string;
      /** Name */
      name: string;
      /** Params */
      params: {
        [key: string]: unknown;
      };
    };
    /**
     * JobRunOut
     * @description A job's status, progress, and its result or error once it has finished.
     */
    JobRunOut: {
      /**
       * Created
       * Format: date-time
       */
      created: string;
      /** Done */
      done: number;
      error: components["schemas"]["JobErrorOut"] | null;
      /** Finished */
      finished: string | null;
      /** Fn */
      fn: string;
      /**
       * Id
       * Format: uuid
       */
      id: string;
      /** Message */
      message: string;
      /** Result */
      result: {
        [key: string]: unknown;
      } | null;
      /** Started */
      started: string | null;
      /** Status */
      status: string;
      /** Total */
      total: number;
    };
    /**
     * JobStartedOut
     * @description A job that was accepted: poll `/api/jobs/runs/{id}` for its outcome.
     */
    JobStartedOut: {
      /** Fn */
      fn: string;
      /**
       * Id
       * Format: uuid
       */
      id: string;
      /** Status */
      status: string;
    };
    /**
     * LassoSelection
     * @description The rows inside a polygon drawn on a plot of `y` against `x`, its vertices in the axes' space.
     */
    LassoSelection: {
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      kind: "lasso";
      /** Points */
      points: [number, number][];
      /** X */
      x: string;
      /**
       * Xscale
       * @default linear
       * @enum {string}
       */
      xscale: "linear" | "log";
      /** Y */
      y: string;
      /**
       * Yscale
       * @default linear
       * @enum {string}
       */
      yscale: "linear" | "log";
    };
    /** ListQuery */
    ListQuery: {
      /**
       * Path
       * Format: path
       * @default
       */
      path: string;
    };
    /**
     * ListingOut
     * @description A folder: folders first, then files, by name; ``parent`` is None at the data root.
     *
     *     ``writable``: whether the user may upload, create, rename and delete here; ``max_upload_bytes``:
     *     the largest file an upload may bring.
     */
    ListingOut: {
      /** Entries */
      entries: components["schemas"]["EntryOut"][];
      /** Max Upload Bytes */
      max_upload_bytes: number;
      /** Parent */
      parent: string | null;
      /** Path */
      path: string;
      /** Truncated */
      truncated: boolean;
      /** Writable */
      writable: boolean;
    };
    /** LocateIn */
    LocateIn: {
      /**
       * Desc
       * @default false
       */
      desc: boolean;
      /** Filter */
      filter?: string | null;
      /**
       * Kind
       * @default file
       * @enum {string}
       */
      kind: "file" | "headers";
      /**
       * Path
       * Format: path
       */
      path: string;
      selection: components["schemas"]["SelectionState"];
      /** Sort */
      sort?: string | null;
      /**
       * Table
       * @description The table's index in the file, 0-based.
       * @default 0
       */
      table: number;
    };
    /** LocateOut */
    LocateOut: {
      /**
       * Position
       * @description Where the first selected row sits in the view order; null if none.
       */
      position: number | null;
    };
    /** LookupQuery */
    LookupQuery: {
      /**
       * Q
       * @default
       */
      q: string;
    };
    /** MaskIn */
    MaskIn: {
      /**
       * Kind
       * @default file
       * @enum {string}
       */
      kind: "file" | "headers";
      /**
       * Path
       * Format: path
       */
      path: string;
      selection: components["schemas"]["SelectionState"];
      /**
       * Table
       * @description The table's index in the file, 0-based.
       * @default 0
       */
      table: number;
    };
    /** NameIn */
    NameIn: {
      /** Name */
      name?: string | null;
    };
    /**
     * NotSelection
     * @description The rows not in the one state of `of`.
     */
    NotSelection: {
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      kind: "not";
      /** Of */
      of: components["schemas"]["SelectionState"][];
    };
    /**
     * OverlayIn
     * @description A catalogue to place on an image: its table, which columns hold the positions, and the image.
     */
    OverlayIn: {
      /**
       * Dec
       * @description The column of declinations, degrees (ICRS).
       */
      dec?: string | null;
      /**
       * Hdu
       * @description The image's HDU (-1: the focal-plane mosaic).
       * @default 0
       */
      hdu: number;
      /**
       * Image
       * Format: path
       * @description The image file the catalogue is drawn on.
       */
      image: string;
      /**
       * Path
       * Format: path
       * @description The table file.
       */
      path: string;
      /**
       * Pixel Origin
       * @description The centre of the first pixel in x/y: 1 (FITS, SExtractor X_IMAGE), 0 (numpy, photutils xcentroid), "viewer" (0.5: viewer coordinates already, as a Toyz detection table's x, y); by default what the column's description declares ("pixel origin 0.5"), else 1 for SExtractor's *_IMAGE columns and 0.
       */
      pixel_origin?: (0 | 1 | "viewer") | null;
      /**
       * Plane
       * @description The plane of a cube, 0-based.
       * @default 0
       */
      plane: number;
      /**
       * Ra
       * @description The column of right ascensions, degrees (ICRS).
       */
      ra?: string | null;
      /**
       * Table
       * @description The table's index in the file (0: the first).
       * @default 0
       */
      table: number;
      /**
       * X
       * @description The column of pixel x (columns), used without ra/dec.
       */
      x?: string | null;
      /**
       * Y
       * @description The column of pixel y (rows), used without ra/dec.
       */
      y?: string | null;
    };
    /** ParseIn */
    ParseIn: {
      /**
       * Format
       * @default auto
       * @enum {string}
       */
      format: "ds9" | "crtf" | "auto";
      /** @description Report the regions that fall off this image. */
      image?: components["schemas"]["RegionImage"] | null;
      /**
       * Path
       * @description Or a region file in the data roots the user may read.
       */
      path?: string | null;
      /**
       * Text
       * @description The region file's text (pasted, or uploaded from the browser).
       */
      text?: string | null;
    };
    /** ParseOut */
    ParseOut: {
      /**
       * Notes
       * @description A sentence per line or region skipped, or lying off the image.
       */
      notes: string[];
      /** Regions */
      regions: components["schemas"]["Region"][];
    };
    /**
     * Pixel
     * @description One pixel under the cursor (``Pixel`` in ``docs/architecture.md``).
     *
     *     ``ccd`` is there for the mosaic only: the HDU and its pixel under the cursor, None in gaps.
     */
    Pixel: {
      ccd?: components["schemas"]["CcdRef"] | null;
      /** Col */
      col: number;
      /** Dec */
      dec: number | null;
      /** Inside */
      inside: boolean;
      /** Ra */
      ra: number | null;
      /** Row */
      row: number;
      /** Value */
      value: number | number[] | null;
      /** World */
      world: string | null;
      /** X */
      x: number;
      /** Y */
      y: number;
    };
    /** PixelColumns */
    PixelColumns: {
      /** X */
      x: string;
      /** Y */
      y: string;
    };
    /** PixelQuery */
    PixelQuery: {
      /**
       * Hdu
       * @default 0
       */
      hdu: number;
      /**
       * Path
       * Format: path
       * @default
       */
      path: string;
      /**
       * Plane
       * @default 0
       */
      plane: number;
      /**
       * X
       * @description Level-0 pixel units, 0 at the left edge.
       */
      x: number;
      /**
       * Y
       * @description Level-0 pixel units, 0 at the bottom edge.
       */
      y: number;
    };
    /**
     * PrincipalOut
     * @description A user (``detail``: their full name) or group (its size) to share with.
     */
    PrincipalOut: {
      /** Detail */
      detail: string;
      /**
       * Kind
       * @enum {string}
       */
      kind: "user" | "group";
      /** Name */
      name: string;
    };
    /**
     * RangeSelection
     * @description The rows whose `column` lies in [lo, hi]; a missing bound is open.
     */
    RangeSelection: {
      /** Column */
      column: string;
      /** Hi */
      hi?: number | null;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      kind: "range";
      /** Lo */
      lo?: number | null;
    };
    /**
     * Region
     * @description One region drawn on a viewer (or read from a region file).
     */
    Region: {
      /**
       * Angle
       * @description Degrees counter-clockwise (ellipse, box).
       * @default 0
       */
      angle: number;
      /**
       * Color
       * @description A CSS colour; empty: the default.
       * @default
       */
      color: string;
      /**
       * Frame
       * @description image: viewer coordinates (pixels); sky: ICRS right ascension and declination in degrees.
       * @enum {string}
       */
      frame: "image" | "sky";
      /**
       * Id
       * @description Unique within its viewer.
       */
      id: string;
      /**
       * Points
       * @description The centre (circle, ellipse, box, point, text), the vertices (polygon) or the two ends (line).
       */
      points: [number, number][];
      /**
       * Shape
       * @enum {string}
       */
      shape: "circle" | "ellipse" | "box" | "polygon" | "line" | "point" | "text";
      /**
       * Size
       * @description circle: (radius, radius); ellipse: the semi-axes; box: the full width and height. Pixels in the image frame, arcseconds in the sky frame.
       */
      size?: [number, number] | null;
      /**
       * Text
       * @description A label, or a text region's text.
       * @default
       */
      text: string;
    };
    /**
     * RegionImage
     * @description The image regions are read against or written for (``ImageRef``'s shape; the view resolves the path).
     */
    RegionImage: {
      /**
       * Hdu
       * @default 0
       */
      hdu: number;
      /**
       * Path
       * Format: path
       */
      path: string;
      /**
       * Plane
       * @default 0
       */
      plane: number;
    };
    /** RegionsExportIn */
    RegionsExportIn: {
      /**
       * Folder
       * @description Also save the file in this folder.
       */
      folder?: string | null;
      /**
       * Format
       * @default ds9
       * @enum {string}
       */
      format: "ds9" | "crtf";
      /**
       * Frame
       * @default sky
       * @enum {string}
       */
      frame: "image" | "sky";
      /** @description Needed when a region must change frame. */
      image?: components["schemas"]["RegionImage"] | null;
      /**
       * Name
       * @description The new file's name.
       */
      name?: string | null;
      /**
       * Regions
       * @example [
       *       {
       *         "frame": "image",
       *         "id": "r1",
       *         "points": [
       *           [
       *             10.5,
       *             10.5
       *           ]
       *         ],
       *         "shape": "point"
       *       }
       *     ]
       */
      regions: components["schemas"]["Region"][];
    };
    /** RegionsExportOut */
    RegionsExportOut: {
      /** Notes */
      notes: string[];
      /**
       * Path
       * @description Where the file was saved, when a folder was given.
       */
      path?: string | null;
      /** Text */
      text: string;
    };
    /** RenameIn */
    RenameIn: {
      /** Name */
      name: string;
    };
    /** RestoreIn */
    RestoreIn: {
      /**
       * Name
       * @description A new name; its own name when null.
       */
      name?: string | null;
    };
    /**
     * RowsIn
     * @description The rows query as a body, with a selection: a page of the selected rows only ("only selected").
     */
    RowsIn: {
      /**
       * Columns
       * @description The column names to send, in order; all when null.
       */
      columns?: string[] | null;
      /**
       * Count
       * @default 100
       */
      count: number;
      /**
       * Desc
       * @default false
       */
      desc: boolean;
      /**
       * Filter
       * @description Keep the rows for which this expression holds.
       */
      filter?: string | null;
      /**
       * Kind
       * @default file
       * @enum {string}
       */
      kind: "file" | "headers";
      /**
       * Path
       * Format: path
       */
      path: string;
      /** @description Only the rows it selects; every row when null. */
      selection?: components["schemas"]["SelectionState"] | null;
      /**
       * Sort
       * @description A column or expression to sort by (NaN last).
       */
      sort?: string | null;
      /**
       * Start
       * @description The first row of the page, in view order.
       * @default 0
       */
      start: number;
      /**
       * Table
       * @description The table's index in the file, 0-based.
       * @default 0
       */
      table: number;
    };
    /**
     * RowsPage
     * @description A page of rows in view order: the row numbers (file order) and their cells by column.
     */
    RowsPage: {
      /**
       * Cells
       * @description One list per row; NaN, infinities and masked values are null.
       */
      cells: unknown[][];
      /** Columns */
      columns: string[];
      /**
       * Index
       * @description The row numbers (0-based, file order) of the page's rows.
       */
      index: number[];
      /** Start */
      start: number;
      /**
       * Total
       * @description The rows after the filter.
       */
      total: number;
    };
    /** RowsQuery */
    RowsQuery: {
      /**
       * Columns
       * @description Comma-separated column names; all by default.
       */
      columns?: string | null;
      /**
       * Count
       * @default 100
       */
      count: number;
      /**
       * Desc
       * @default false
       */
      desc: boolean;
      /**
       * Filter
       * @description Keep the rows for which this expression holds.
       */
      filter?: string | null;
      /**
       * Kind
       * @description headers: `path` is a folder, the source its header index.
       * @default file
       * @enum {string}
       */
      kind: "file" | "headers";
      /**
       * Path
       * Format: path
       * @default
       */
      path: string;
      /**
       * Sort
       * @description A column or expression to sort by (NaN last).
       */
      sort?: string | null;
      /**
       * Start
       * @description The first row of the page, in view order.
       * @default 0
       */
      start: number;
      /**
       * Table
       * @description The table's index in the file, 0-based.
       * @default 0
       */
      table: number;
    };
    /**
     * RowsSelection
     * @description An explicit set of rows: 0-based row numbers in file order.
     */
    RowsSelection: {
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      kind: "rows";
      /** Rows */
      rows: number[];
    };
    /**
     * SearchOut
     * @description The matches the user may read, in path order; ``total`` counts them all (``results`` at most ``limit``).
     */
    SearchOut: {
      /** Path */
      path: string;
      /** Query */
      query: string;
      /** Results */
      results: components["schemas"]["FoundOut"][];
      /** Total */
      total: number;
    };
    /** SearchQuery */
    SearchQuery: {
      /**
       * Limit
       * @description The most results listed (total counts them all).
       * @default 100
       */
      limit: number;
      /**
       * Path
       * Format: path
       * @description The folder searched, with its subfolders.
       * @default
       */
      path: string;
      /**
       * Q
       * @description The search, e.g. FILTER=r* EXPTIME>60 OBJECT~"NGC 1".
       * @default
       */
      q: string;
    };
    /**
     * SelectionState
     * @description Which rows of a source are selected: a box, lasso, range, row set or expression, or and / or / not
     *     of such states.
     * @example {
     *       "kind": "rows",
     *       "rows": [
     *         0
     *       ]
     *     }
     */
    SelectionState:
      | components["schemas"]["BoxSelection"]
      | components["schemas"]["LassoSelection"]
      | components["schemas"]["RangeSelection"]
      | components["schemas"]["RowsSelection"]
      | components["schemas"]["ExprSelection"]
      | components["schemas"]["CombinedSelection"]
      | components["schemas"]["NotSelection"];
    /**
     * ShareIn
     * @description Give a user or group exactly this right; ``none`` withdraws what they had.
     */
    ShareIn: {
      /**
       * Kind
       * @enum {string}
       */
      kind: "user" | "group";
      /** Name */
      name: string;
      /**
       * Right
       * @enum {string}
       */
      right: "view" | "change" | "share" | "none";
    };
    /**
     * ShareOut
     * @description One user's or group's right; ``editable``: whether you may change or withdraw it.
     */
    ShareOut: {
      /** Editable */
      editable: boolean;
      /**
       * Kind
       * @enum {string}
       */
      kind: "user" | "group";
      /** Name */
      name: string;
      /**
       * Right
       * @enum {string}
       */
      right: "view" | "change" | "share";
    };
    /**
     * SharedFolderOut
     * @description A folder (or file) granted to the user or one of their groups; ``via`` names whose grants give it.
     */
    SharedFolderOut: {
      /**
       * Exists
       * @description False when it was deleted or renamed: the grant stays on this path.
       */
      exists: boolean;
      /** Is Dir */
      is_dir: boolean;
      /** Name */
      name: string;
      /** Path */
      path: string;
      /** Rights */
      rights: ("list" | "read" | "write")[];
      /** Via */
      via: string[];
    };
    /**
     * SharedOut
     * @description The user's home folder (None for none) and what was shared with them, outermost grants only, by path.
     */
    SharedOut: {
      /** Folders */
      folders: components["schemas"]["SharedFolderOut"][];
      /** Home */
      home: string | null;
    };
    /**
     * SharesOut
     * @description Who holds what on a workspace besides its owner; ``may_give``: the most you may give.
     */
    SharesOut: {
      /**
       * May Give
       * @enum {string}
       */
      may_give: "view" | "change" | "share";
      /** Owner */
      owner: string;
      /** Shares */
      shares: components["schemas"]["ShareOut"][];
      /** Workspace */
      workspace: number;
    };
    /** ShortcutIn */
    ShortcutIn: {
      /**
       * Label
       * @description Shown instead of the path; its name by default.
       * @default
       */
      label: string;
      /**
       * Path
       * Format: path
       */
      path: string;
    };
    /**
     * ShortcutOut
     * @description A folder the user pinned; ``available`` is False (and ``problem`` says why) once they may not list it.
     */
    ShortcutOut: {
      /** Available */
      available: boolean;
      /** Id */
      id: number;
      /** Label */
      label: string;
      /** Path */
      path: string;
      /** Problem */
      problem: string;
    };
    /** SkyColumns */
    SkyColumns: {
      /** Dec */
      dec: string;
      /** Ra */
      ra: string;
    };
    /**
     * SkyGridOut
     * @description ICRS positions of an nx × ny grid of viewer points over [x0, x1] × [y0, y1] (sample (i, j) at index j·nx + i).
     */
    SkyGridOut: {
      /**
       * Ccd
       * @description The CCD's HDU index on the mosaic (left out for a plain HDU).
       */
      ccd?: number | null;
      /**
       * Dec
       * @description Declination, degrees ICRS (null: no position).
       */
      dec: (number | null)[];
      /** Nx */
      nx: number;
      /** Ny */
      ny: number;
      /**
       * Ra
       * @description Right ascension, degrees ICRS (null: no position).
       */
      ra: (number | null)[];
      /** X0 */
      x0: number;
      /** X1 */
      x1: number;
      /** Y0 */
      y0: number;
      /** Y1 */
      y1: number;
    };
    /**
     * SkyPixel
     * @description Where a sky position lies on an image (the inverse of ``Pixel``'s ``ra``/``dec``).
     *
     *     ``x``/``y`` are viewer coordinates (level-0 pixels, ``y`` up), None when the image has no
     *     celestial WCS or the position has no pixel; ``inside`` whether that point is on the image
     *     (on the mosaic: on one of its CCDs, whose ``ccd`` is given).
     */
    SkyPixel: {
      ccd?: components["schemas"]["CcdRef"] | null;
      /** Inside */
      inside: boolean;
      /** X */
      x: number | null;
      /** Y */
      y: number | null;
    };
    /** SkyPixelQuery */
    SkyPixelQuery: {
      /**
       * Dec
       * @description ICRS declination in degrees.
       */
      dec: number;
      /**
       * Hdu
       * @default 0
       */
      hdu: number;
      /**
       * Path
       * Format: path
       * @default
       */
      path: string;
      /**
       * Plane
       * @default 0
       */
      plane: number;
      /**
       * Ra
       * @description ICRS right ascension in degrees.
       */
      ra: number;
    };
    /**
     * SkyTransformOut
     * @description The image's WCS as grids to interpolate (bilinearly, as unit vectors): none without a WCS.
     */
    SkyTransformOut: {
      /** Grids */
      grids: components["schemas"]["SkyGridOut"][];
      /**
       * System
       * @default icrs
       * @constant
       */
      system: "icrs";
    };
    /** SkyTransformQuery */
    SkyTransformQuery: {
      /**
       * Hdu
       * @description The image's HDU (-1: the focal-plane mosaic).
       * @default 0
       */
      hdu: number;
      /**
       * Path
       * Format: path
       * @default
       */
      path: string;
      /**
       * Plane
       * @description The plane of a cube, 0-based.
       * @default 0
       */
      plane: number;
    };
    /**
     * SourceDescription
     * @description What a page needs to show a source: its tables, the chosen table's columns and row count.
     */
    SourceDescription: {
      /**
       * Columns
       * @description The columns, first the row number "index" (0-based, file order).
       */
      columns: components["schemas"]["ColumnOut"][];
      /** Format */
      format: string;
      /**
       * Identity
       * @description Changes whenever the file changes; column URLs carry it as v.
       */
      identity: string;
      /**
       * Kind
       * @enum {string}
       */
      kind: "file" | "headers";
      /** Name */
      name: string;
      /**
       * Notes
       * @description What reading changed: renamed duplicate columns, cut strings...
       */
      notes: string[];
      /** Path */
      path: string;
      /** @description The x/y pixel columns found (by name). */
      pixel: components["schemas"]["PixelColumns"] | null;
      /** Rows */
      rows: number;
      /** @description The RA/Dec columns found (by UCD, then by name), in degrees. */
      sky: components["schemas"]["SkyColumns"] | null;
      /** Table */
      table: number;
      /** Tables */
      tables: components["schemas"]["TableOut"][];
    };
    /**
     * SourceQuery
     * @description Which source: a table of a file, or (``kind=headers``) the header index of a folder.
     */
    SourceQuery: {
      /**
       * Kind
       * @description headers: `path` is a folder, the source its header index.
       * @default file
       * @enum {string}
       */
      kind: "file" | "headers";
      /**
       * Path
       * Format: path
       * @default
       */
      path: string;
      /**
       * Table
       * @description The table's index in the file, 0-based.
       * @default 0
       */
      table: number;
    };
    /**
     * TableOut
     * @description One table of a file.
     */
    TableOut: {
      /** Columns */
      columns: number;
      /** Index */
      index: number;
      /** Name */
      name: string;
      /** Rows */
      rows: number;
    };
    /** ThumbnailQuery */
    ThumbnailQuery: {
      /**
       * Path
       * Format: path
       * @default
       */
      path: string;
      /**
       * Size
       * @description The longest side, in pixels.
       * @default 128
       */
      size: number;
      /**
       * V
       * @description Any version tag (the table's is the file's mtime): cached for a day.
       */
      v?: string | null;
    };
    /**
     * TileQuery
     * @description Which image a pyramid tile is of, and how to render it (ignored for ``raw`` tiles).
     */
    TileQuery: {
      /**
       * Cmap
       * @description A matplotlib colormap name.
       * @default gray
       */
      cmap: string;
      /**
       * Hdu
       * @default 0
       */
      hdu: number;
      /**
       * Hi
       * @description Pixel value at the top of the colormap; zscale by default.
       */
      hi?: number | null;
      /**
       * Inv
       * @description Reverse the colormap.
       * @default false
       */
      inv: boolean;
      /**
       * Lo
       * @description Pixel value at the bottom of the colormap; zscale by default.
       */
      lo?: number | null;
      /**
       * Path
       * Format: path
       * @default
       */
      path: string;
      /**
       * Plane
       * @default 0
       */
      plane: number;
      /**
       * Preview
       * @description Accept a preview of a mosaic level not built yet.
       * @default false
       */
      preview: boolean;
      /**
       * Stretch
       * @default linear
       * @enum {string}
       */
      stretch: "linear" | "log" | "sqrt" | "squared" | "asinh" | "power" | "sinh" | "histeq";
      /**
       * V
       * @description The file's identity: a URL naming the current one is cached for good.
       * @default
       */
      v: string;
    };
    /**
     * TileUrlOut
     * @description Where this rendering's pyramid tiles are: a URL template, signed (checked by nginx) or /tiles/.
     */
    TileUrlOut: {
      /**
       * Expires
       * @description When a signed template stops working, Unix seconds (null: never).
       */
      expires: number | null;
      /**
       * Identity
       * @description The file's identity the template names (the description's).
       */
      identity: string;
      /**
       * Lifetime
       * @description Seconds the template holds from now (null: for good); renew it before they run out.
       */
      lifetime: number | null;
      /**
       * Signed
       * @description The template is signed: it works until expires, then ask again.
       */
      signed: boolean;
      /**
       * Template
       * @description The tile URL with {level}, {tx} and {ty} to fill in (tile column and row, row 0 at the bottom).
       */
      template: string;
    };
    /**
     * TileUrlQuery
     * @description One rendering of an image's pyramid tiles, or its raw tiles, as a tile URL names it (no ``preview``:
     *     those use /tiles/).
     */
    TileUrlQuery: {
      /**
       * Cmap
       * @description A matplotlib colormap name.
       * @default gray
       */
      cmap: string;
      /**
       * Fmt
       * @description The tiles' format; raw: the raw tiles (float values), whatever the rendering fields say.
       * @default png
       * @enum {string}
       */
      fmt: "png" | "jpg" | "webp" | "raw";
      /**
       * Hdu
       * @description The image's HDU (-1: the focal-plane mosaic).
       * @default 0
       */
      hdu: number;
      /**
       * Hi
       * @description Pixel value at the top of the colormap; zscale by default.
       */
      hi?: number | null;
      /**
       * Inv
       * @description Reverse the colormap.
       * @default false
       */
      inv: boolean;
      /**
       * Lo
       * @description Pixel value at the bottom of the colormap; zscale by default.
       */
      lo?: number | null;
      /**
       * Path
       * Format: path
       * @default
       */
      path: string;
      /**
       * Plane
       * @description The plane of a cube, 0-based.
       * @default 0
       */
      plane: number;
      /**
       * Stretch
       * @default linear
       * @enum {string}
       */
      stretch: "linear" | "log" | "sqrt" | "squared" | "asinh" | "power" | "sinh" | "histeq";
    };
    /**
     * TrashEntryOut
     * @description A deletion waiting in the trash: where it was, who deleted it, when (seconds since the epoch).
     */
    TrashEntryOut: {
      /** Deleted At */
      deleted_at: number;
      /** Deleted By */
      deleted_by: string;
      /** Id */
      id: string;
      /**
       * Kind
       * @enum {string}
       */
      kind: "dir" | "file";
      /** Name */
      name: string;
      /** Path */
      path: string;
      /** Size */
      size: number;
    };
    /**
     * TrashOut
     * @description The deletions the user may restore, newest first.
     */
    TrashOut: {
      /** Entries */
      entries: components["schemas"]["TrashEntryOut"][];
    };
    /** UnshareQuery */
    UnshareQuery: {
      /**
       * Kind
       * @enum {string}
       */
      kind: "user" | "group";
      /** Name */
      name: string;
    };
    /** UploadQuery */
    UploadQuery: {
      /**
       * Name
       * @description The new file's name.
       */
      name: string;
      /**
       * Path
       * Format: path
       * @description The folder to upload into.
       */
      path: string;
      /**
       * Replace
       * @description Replace a file of that name (after asking the user).
       * @default false
       */
      replace: boolean;
    };
    /**
     * WorkspaceOut
     * @description A workspace as the user may use it: ``right`` is the most they hold (an owner's counts as share).
     */
    WorkspaceOut: {
      /** Id */
      id: number;
      /** Is Owner */
      is_owner: boolean;
      /** May Delete */
      may_delete: boolean;
      /** Name */
      name: string;
      /** Owner */
      owner: string;
      /**
       * Right
       * @enum {string}
       */
      right: "view" | "change" | "share";
      /**
       * Updated
       * Format: date-time
       */
      updated: string;
      /** Url */
      url: string;
    };
    /**
     * WorkspacesOut
     * @description The user's own workspaces and those shared with them (or a group of theirs), latest first.
     */
    WorkspacesOut: {
      /** Mine */
      mine: components["schemas"]["WorkspaceOut"][];
      /** Shared */
      shared: components["schemas"]["WorkspaceOut"][];
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  apps_analysis_api_grid_grid: {
    parameters: {
      query: {
        /** @description The image file. */
        path: string;
        /** @description The HDU, 0-based; -1 the focal-plane mosaic. */
        hdu?: number;
        /** @description The plane of a cube. */
        plane?: number;
        /** @description The view box's left edge, viewer coordinates. */
        x0: number;
        /** @description Its bottom edge. */
        y0: number;
        /** @description Its right edge. */
        x1: number;
        /** @description Its top edge. */
        y1: number;
        /** @description RA/Dec (ICRS) or galactic l/b. */
        system?: "icrs" | "galactic";
        /** @description How labels and steps read. */
        format?: "sexagesimal" | "degrees";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["GridOut"];
        };
      };
      /** @description Not Modified */
      304: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_analysis_api_regions_export: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["RegionsExportIn"];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RegionsExportOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_analysis_api_regions_parse: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ParseIn"];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ParseOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_files_api_delete: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["DeleteIn"];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["TrashEntryOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_files_api_make_folder: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["FolderIn"];
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["EntryOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_files_api_listing: {
    parameters: {
      query?: {
        path?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ListingOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_files_api_rename: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["EntryRenameIn"];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["EntryOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_files_api_shared: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SharedOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_files_api_shortcuts: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ShortcutOut"][];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_files_api_pin: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ShortcutIn"];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ShortcutOut"];
        };
      };
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ShortcutOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_files_api_unpin: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        shortcut_id: number;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description No Content */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_files_api_trash_list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["TrashOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_files_api_restore: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        entry_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["RestoreIn"];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["EntryOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_files_api_upload: {
    parameters: {
      query: {
        /** @description The folder to upload into. */
        path: string;
        /** @description The new file's name. */
        name: string;
        /** @description Replace a file of that name (after asking the user). */
        replace?: boolean;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description The file's bytes, as they are (not a form). */
    requestBody: {
      content: {
        "application/octet-stream": string;
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["EntryOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_headers_api_search: {
    parameters: {
      query?: {
        /** @description The folder searched, with its subfolders. */
        path?: string;
        /** @description The search, e.g. FILTER=r* EXPTIME>60 OBJECT~"NGC 1". */
        q?: string;
        /** @description The most results listed (total counts them all). */
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SearchOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_imaging_api_colormap: {
    parameters: {
      query?: {
        name?: string;
        /** @description Reverse the colormap. */
        inv?: boolean;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ColormapOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_imaging_api_colormaps: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ColormapNamesOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_imaging_api_describe: {
    parameters: {
      query?: {
        path?: string;
        /** @description The HDU to describe (-1: the mosaic); by default the first image. */
        hdu?: number | null;
        /** @description The plane of a cube, 0-based. */
        plane?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["DescriptionOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_imaging_api_overlay: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["OverlayIn"];
      };
    };
    responses: {
      /** @description Little-endian float32 pairs x0, y0, x1, y1, ... (one per row, in file order): level-0 viewer coordinates (x the column, y from the bottom, pixel (i, j) covering [i, i+1)), NaN where a row falls off the image, in a gap between CCDs, or has no position. Gzip-encoded when accepted. */
      200: {
        headers: {
          /** @description Rows that land on the image. */
          "X-Toyz-Inside"?: number;
          /** @description Rows of the table. */
          "X-Toyz-Rows"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_imaging_api_pixel: {
    parameters: {
      query: {
        path?: string;
        hdu?: number;
        plane?: number;
        /** @description Level-0 pixel units, 0 at the left edge. */
        x: number;
        /** @description Level-0 pixel units, 0 at the bottom edge. */
        y: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Pixel"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_imaging_api_sky_transform: {
    parameters: {
      query?: {
        path?: string;
        /** @description The image's HDU (-1: the focal-plane mosaic). */
        hdu?: number;
        /** @description The plane of a cube, 0-based. */
        plane?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SkyTransformOut"];
        };
      };
      /** @description Not modified: the ETag sent in If-None-Match still holds. */
      304: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_imaging_api_thumbnail: {
    parameters: {
      query?: {
        path?: string;
        /** @description The longest side, in pixels. */
        size?: number;
        /** @description Any version tag (the table's is the file's mtime): cached for a day. */
        v?: string | null;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A PNG of the whole image. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "image/png": string;
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_imaging_api_tile_url: {
    parameters: {
      query?: {
        stretch?: "linear" | "log" | "sqrt" | "squared" | "asinh" | "power" | "sinh" | "histeq";
        /** @description Pixel value at the bottom of the colormap; zscale by default. */
        lo?: number | null;
        /** @description Pixel value at the top of the colormap; zscale by default. */
        hi?: number | null;
        /** @description A matplotlib colormap name. */
        cmap?: string;
        /** @description Reverse the colormap. */
        inv?: boolean;
        path?: string;
        /** @description The image's HDU (-1: the focal-plane mosaic). */
        hdu?: number;
        /** @description The plane of a cube, 0-based. */
        plane?: number;
        /** @description The tiles' format; raw: the raw tiles (float values), whatever the rendering fields say. */
        fmt?: "png" | "jpg" | "webp" | "raw";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["TileUrlOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_imaging_api_world_to_pixel: {
    parameters: {
      query: {
        path?: string;
        hdu?: number;
        plane?: number;
        /** @description ICRS right ascension in degrees. */
        ra: number;
        /** @description ICRS declination in degrees. */
        dec: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SkyPixel"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_jobs_api_list_functions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["JobFunctionOut"][];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_jobs_api_run: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        job_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["JobRunOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_jobs_api_start: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        fn: string;
      };
      cookie?: never;
    };
    /** @description The job function's parameters, as its schema in GET /api/jobs says. */
    requestBody?: {
      content: {
        "application/json": Record<string, never>;
      };
    };
    responses: {
      /** @description Accepted */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["JobStartedOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_sources_api_column: {
    parameters: {
      query?: {
        path?: string;
        /** @description The table's index in the file, 0-based. */
        table?: number;
        /** @description headers: `path` is a folder, the source its header index. */
        kind?: "file" | "headers";
        /** @description A column name. */
        column?: string | null;
        /** @description An expression on the columns, instead of a column. */
        expr?: string | null;
        /** @description float32, or the column's own type (native). */
        dtype?: "float32" | "native";
        /** @description The source's identity: a URL naming the current one is cached. */
        v?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The values, little-endian, one per row. */
      200: {
        headers: {
          /** @description Follows the file's identity and what was asked. */
          ETag?: string;
          /** @description The values' type: float32, float64, int32, uint8... */
          "X-Toyz-Dtype"?: string;
          /** @description How many values (one per row). */
          "X-Toyz-Rows"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      /** @description Not modified: the ETag sent in If-None-Match still holds. */
      304: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_sources_api_density: {
    parameters: {
      query: {
        path?: string;
        /** @description The table's index in the file, 0-based. */
        table?: number;
        /** @description headers: `path` is a folder, the source its header index. */
        kind?: "file" | "headers";
        /** @description The column or expression along x. */
        x: string;
        /** @description The column or expression along y. */
        y: string;
        nx?: number;
        ny?: number;
        /** @description In the axis' space (log10 on a log axis). */
        xlo?: number | null;
        xhi?: number | null;
        ylo?: number | null;
        yhi?: number | null;
        xscale?: "linear" | "log";
        yscale?: "linear" | "log";
        /** @description The source's identity: a URL naming the current one is cached. */
        v?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description float32 counts per bin, ny rows of nx. */
      200: {
        headers: {
          /** @description nx,ny: the counts are ny rows of nx float32 values, row 0 the lowest y. */
          "X-Toyz-Bins"?: string;
          /** @description xlo,xhi,ylo,yhi: the ranges the bins cover, in the axes' space (log10 on a log axis). */
          "X-Toyz-Range"?: string;
          /** @description How many rows the source has. */
          "X-Toyz-Rows"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_sources_api_density_selected: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["DensityIn"];
      };
    };
    responses: {
      /** @description float32 counts per bin of the selected rows, ny rows of nx. */
      200: {
        headers: {
          /** @description nx,ny: the counts are ny rows of nx float32 values, row 0 the lowest y. */
          "X-Toyz-Bins"?: string;
          /** @description xlo,xhi,ylo,yhi: the ranges the bins cover, in the axes' space (log10 on a log axis). */
          "X-Toyz-Range"?: string;
          /** @description How many rows the source has. */
          "X-Toyz-Rows"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_sources_api_describe: {
    parameters: {
      query?: {
        path?: string;
        /** @description The table's index in the file, 0-based. */
        table?: number;
        /** @description headers: `path` is a folder, the source its header index. */
        kind?: "file" | "headers";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SourceDescription"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_sources_api_export: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ExportIn"];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ExportOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_sources_api_locate: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["LocateIn"];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["LocateOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_sources_api_mask: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["MaskIn"];
      };
    };
    responses: {
      /** @description One bit per row, np.packbits(mask, bitorder='little'): row i is bit i % 8 of byte i // 8. */
      200: {
        headers: {
          /** @description How many rows are selected. */
          "X-Toyz-Count"?: string;
          /** @description How many rows. */
          "X-Toyz-Rows"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_sources_api_rows: {
    parameters: {
      query?: {
        path?: string;
        /** @description The table's index in the file, 0-based. */
        table?: number;
        /** @description headers: `path` is a folder, the source its header index. */
        kind?: "file" | "headers";
        /** @description The first row of the page, in view order. */
        start?: number;
        count?: number;
        /** @description A column or expression to sort by (NaN last). */
        sort?: string | null;
        desc?: boolean;
        /** @description Keep the rows for which this expression holds. */
        filter?: string | null;
        /** @description Comma-separated column names; all by default. */
        columns?: string | null;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RowsPage"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_sources_api_rows_selected: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["RowsIn"];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RowsPage"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_workspaces_api_list_workspaces: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["WorkspacesOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_workspaces_api_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["NameIn"];
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["WorkspaceOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_workspaces_api_lookup: {
    parameters: {
      query?: {
        q?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["PrincipalOut"][];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_workspaces_api_detail: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        workspace_id: number;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["WorkspaceOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_workspaces_api_delete: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        workspace_id: number;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description No Content */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_workspaces_api_rename: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        workspace_id: number;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["RenameIn"];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["WorkspaceOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_workspaces_api_duplicate: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        workspace_id: number;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["NameIn"];
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["WorkspaceOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_workspaces_api_shares: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        workspace_id: number;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SharesOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_workspaces_api_set_share: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        workspace_id: number;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ShareIn"];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SharesOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_workspaces_api_unshare: {
    parameters: {
      query: {
        kind: "user" | "group";
        name: string;
      };
      header?: never;
      path: {
        workspace_id: number;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SharesOut"];
        };
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
  apps_imaging_api_tile: {
    parameters: {
      query?: {
        stretch?: "linear" | "log" | "sqrt" | "squared" | "asinh" | "power" | "sinh" | "histeq";
        /** @description Pixel value at the bottom of the colormap; zscale by default. */
        lo?: number | null;
        /** @description Pixel value at the top of the colormap; zscale by default. */
        hi?: number | null;
        /** @description A matplotlib colormap name. */
        cmap?: string;
        /** @description Reverse the colormap. */
        inv?: boolean;
        path?: string;
        hdu?: number;
        plane?: number;
        /** @description Accept a preview of a mosaic level not built yet. */
        preview?: boolean;
        /** @description The file's identity: a URL naming the current one is cached for good. */
        v?: string;
      };
      header?: never;
      path: {
        level: number;
        x: number;
        y: number;
        fmt: "png" | "jpg" | "webp" | "raw";
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The tile: an image, or (raw) 256×256 little-endian float32 values, first row the highest y. */
      200: {
        headers: {
          "Cache-Control"?: string;
          ETag?: string;
          /** @description hit: served from a tile file already on disk; miss: rendered for this request. */
          "X-Toyz-Cache"?: "hit" | "miss";
          /** @description 1 on a preview (never stored). */
          "X-Toyz-Preview"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/octet-stream": string;
          "image/jpeg": string;
          "image/png": string;
          "image/webp": string;
        };
      };
      /** @description Not modified: the ETag sent in If-None-Match still holds. */
      304: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Bad Request */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unauthorized */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Forbidden */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Not Found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Length Required */
      411: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Request Entity Too Large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Unprocessable Entity */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Too Many Requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Internal Server Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Gateway Timeout */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
      /** @description Insufficient Storage */
      507: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ErrorOut"];
        };
      };
    };
  };
}
