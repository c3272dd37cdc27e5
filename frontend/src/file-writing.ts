// What the write right allows, over the REST API (/api/files/...): uploads with progress, new
// folders, renames, deletion into the trash and restores. Every POST carries the CSRF token.
import { ApiError, apiRequest, errorFrom, parseJson as parse } from "./api";
import type { Entry, TrashEntry } from "./protocol";

export { ApiError };

function call<T>(method: "GET" | "POST", url: string, csrf: string, body?: unknown): Promise<T> {
  return apiRequest<T>(method, url, method === "POST" ? (body ?? {}) : undefined, csrf);
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
