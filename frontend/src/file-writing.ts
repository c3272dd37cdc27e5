// What the write right allows, over the REST API (/api/files/...): uploads with progress, new
// folders, renames, deletion into the trash and restores. Every POST carries the CSRF token.
import { isHttpErrorBody, type Entry, type TrashEntry } from "./protocol";

/** A refusal from the server: its code for programs and its sentence for people. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
  }
}

function errorFrom(status: number, body: unknown): ApiError {
  if (isHttpErrorBody(body))
    return new ApiError(String(body.error.code), body.error.message, status);
  return new ApiError("http", `The server answered ${status}; try again.`, status);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function call<T>(
  method: "GET" | "POST",
  url: string,
  csrf: string,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers:
        method === "POST" ? { "Content-Type": "application/json", "X-CSRFToken": csrf } : undefined,
      body: method === "POST" ? JSON.stringify(body ?? {}) : undefined,
    });
  } catch {
    throw new ApiError("network", "The server cannot be reached; try again.", 0);
  }
  const data = parse(await response.text());
  if (!response.ok) throw errorFrom(response.status, data);
  return data as T;
}

export function makeFolder(csrf: string, folder: string, name: string): Promise<Entry> {
  return call("POST", "/api/files/folder", csrf, { path: folder, name });
}

export function renameEntry(csrf: string, path: string, name: string): Promise<Entry> {
  return call("POST", "/api/files/rename", csrf, { path, name });
}

export function deleteEntry(csrf: string, path: string): Promise<TrashEntry> {
  return call("POST", "/api/files/delete", csrf, { path });
}

export async function listTrash(): Promise<TrashEntry[]> {
  const trash = await call<{ entries: TrashEntry[] }>("GET", "/api/files/trash", "");
  return trash.entries;
}

export function restoreEntry(csrf: string, id: string, name: string | null = null): Promise<Entry> {
  return call("POST", `/api/files/trash/${encodeURIComponent(id)}/restore`, csrf, { name });
}

export interface UploadRequest {
  csrf: string;
  folder: string;
  name: string;
  file: Blob;
  replace: boolean;
  onProgress: (loaded: number, total: number) => void;
}

/** Sends one file's bytes (XMLHttpRequest, for its upload progress); `abort()` stops it. */
export function uploadFile(request: UploadRequest): { done: Promise<Entry>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const query = new URLSearchParams({
    path: request.folder,
    name: request.name,
    replace: request.replace ? "true" : "false",
  });
  const done = new Promise<Entry>((resolve, reject) => {
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) request.onProgress(event.loaded, event.total);
    });
    xhr.addEventListener("load", () => {
      const body = parse(xhr.responseText);
      if (xhr.status === 201) resolve(body as Entry);
      else reject(errorFrom(xhr.status, body));
    });
    xhr.addEventListener("error", () =>
      reject(
        new ApiError(
          "network",
          "The upload was cut off (the connection dropped, or the file is over the size limit).",
          0,
        ),
      ),
    );
    xhr.addEventListener("abort", () => reject(new ApiError("cancelled", "Cancelled.", 0)));
  });
  xhr.open("POST", `/api/files/upload?${query.toString()}`);
  xhr.setRequestHeader("Content-Type", "application/octet-stream");
  xhr.setRequestHeader("X-CSRFToken", request.csrf);
  xhr.send(request.file);
  return { done, abort: () => xhr.abort() };
}
