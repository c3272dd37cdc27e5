// `/api/workspaces` from the pages: rename, duplicate, delete, and a workspace's shares. The session
// cookie authenticates; Django wants its CSRF token (from the csrftoken cookie) on every change.
import { apiRequest as request } from "./api";
import {
  type ShareRequest,
  type SharePrincipal,
  type WorkspaceInfo,
  type WorkspaceShares,
} from "./protocol";

const base = (id: number | string): string => `/api/workspaces/${encodeURIComponent(String(id))}`;

export const workspaces = {
  get: (id: number | string) => request<WorkspaceInfo>("GET", base(id)),
  rename: (id: number | string, name: string) =>
    request<WorkspaceInfo>("PATCH", base(id), { name }),
  /** A copy owned by the caller (anyone who may view may copy). */
  duplicate: (id: number | string, name?: string) =>
    request<WorkspaceInfo>("POST", `${base(id)}/duplicate`, name ? { name } : {}),
  remove: (id: number | string) => request<undefined>("DELETE", base(id)),
  shares: (id: number | string) => request<WorkspaceShares>("GET", `${base(id)}/shares`),
  /** Gives `share.name` exactly `share.right` ("none" withdraws it); answers the shares after. */
  share: (id: number | string, share: ShareRequest) =>
    request<WorkspaceShares>("PUT", `${base(id)}/shares`, share),
  lookup: (prefix: string) =>
    request<SharePrincipal[]>(
      "GET",
      `/api/workspaces/lookup?${new URLSearchParams({ q: prefix }).toString()}`,
    ),
};

/** A message for the user from whatever an API call threw. */
export function apiErrorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export { ApiError, csrfToken } from "./api";
