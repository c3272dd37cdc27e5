// The shapes shared with the server, taken from the types generated from its schemas
// (src/generated/, `npm run gen:types`): nothing here is written out by hand again. What stays
// here is what a schema cannot give: names for unions, the job table, constants, type guards.
import type { components } from "./generated/api";
import type {
  ClientMessage,
  ErrorBody,
  FilesListParams,
  ImagingDescribeParams,
  ImagingPixelParams,
  ImagingPrerenderFolderParams,
  ImagingPrerenderParams,
  PrerenderFolderResult,
  PrerenderResult,
  ServerMessage,
} from "./generated/socket";

// ---------------------------------------------------------------------------------------------
// REST shapes (frontend/schema/openapi.json)

type Schemas = components["schemas"];

export type HduInfo = Schemas["HduInfo"];
/** "mosaic": the whole focal plane of an MEF (index -1), its CCDs placed by DETSEC/DATASEC. */
export type HduKind = HduInfo["kind"];
export type Description = Schemas["Description"];
export type Pixel = Schemas["Pixel"];
export type Listing = Schemas["Listing"];
export type Entry = Schemas["Entry"];
/** Body of every 4xx answer of the REST and tile endpoints. */
export type HttpErrorBody = Schemas["ErrorResponse"];

/** The HDU index of the focal-plane mosaic in describe, pyramid tile and job parameters. */
export const MOSAIC_HDU = -1;

// ---------------------------------------------------------------------------------------------
// Socket messages (frontend/schema/socket.json)

export type {
  ClientMessage,
  ErrorBody,
  ImageTileState,
  JobRequest,
  LayoutEvent,
  LayoutTile,
  PrerenderFolderResult,
  PrerenderResult,
  ProgressMessage,
  ServerMessage,
  WorkspaceEvent,
} from "./generated/socket";

/** The workspace events a client sends (relayed to the workspace's other clients). */
export type ClientEvent = Exclude<ClientMessage, { type: "job" | "cancel" }>;
export type ResultMessage = Extract<ServerMessage, { type: "result" }>;
/** The events the server pushes to every client of the workspace. */
export type ServerEvent = Extract<ServerMessage, { type: "event" }>;
export type ServerEventName = ServerEvent["event"];
export type ServerEventOf<N extends ServerEventName> = Extract<ServerEvent, { event: N }>;

/** The job functions the front end calls, their parameters and results. */
export interface JobFunctions {
  "files.list": { params: FilesListParams; result: Listing };
  "imaging.describe": { params: ImagingDescribeParams; result: Description };
  "imaging.pixel": { params: ImagingPixelParams; result: Pixel };
  "imaging.prerender": { params: ImagingPrerenderParams; result: PrerenderResult };
  "imaging.prerender_folder": {
    params: ImagingPrerenderFolderParams;
    result: PrerenderFolderResult;
  };
}

export type JobName = keyof JobFunctions;

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
