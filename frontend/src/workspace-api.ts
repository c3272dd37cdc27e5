// `/api/workspaces` from the pages: rename, duplicate, delete, and a workspace's shares. The session
// cookie authenticates; Django wants its CSRF token (from the csrftoken cookie) on every change.
import {
  isHttpErrorBody,
  type ShareRequest,
  type SharePrincipal,
  type WorkspaceInfo,
  type WorkspaceShares,
} from "./protocol";

/** A refusal of the API: its code for programs and its sentence for people. */
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

/** Django's CSRF token: the page's cookie (read by scripts by design), or "" before it is set. */
export function csrfToken(
  cookies: string = typeof document === "undefined" ? "" : document.cookie,
): string {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === "csrftoken") return decodeURIComponent(rest.join("="));
  }
  return "";
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  };
  if (method !== "GET") {
    init.headers = {
      ...init.headers,
      "X-CSRFToken": csrfToken(),
      "Content-Type": "application/json",
    };
    if (body !== undefined) init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(
      "offline",
      "The server cannot be reached; check the connection and try again.",
      0,
    );
  }
  if (response.status === 204) return undefined as T;
  const answer: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if (isHttpErrorBody(answer)) {
      throw new ApiError(String(answer.error.code), answer.error.message, response.status);
    }
    throw new ApiError(
      "internal",
      `The server answered ${response.status}; try again.`,
      response.status,
    );
  }
  return answer as T;
}

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
