// The one client of the REST API (/api/...) for the pages: JSON in and out, the session cookie, the
// CSRF token on every change, and a refusal turned into an ApiError with the server's code and sentence.
import { isHttpErrorBody } from "./protocol";

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

/** The error an answer of status `status` and JSON body `body` stands for. */
export function errorFrom(status: number, body: unknown): ApiError {
  if (isHttpErrorBody(body))
    return new ApiError(String(body.error.code), body.error.message, status);
  return new ApiError("internal", `The server answered ${status}; try again.`, status);
}

/** JSON text as a value, or null when it is not JSON (an empty answer, a proxy's error page). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** One JSON request; a change carries the CSRF token (`csrf`, else the cookie's). */
export async function apiRequest<T>(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  body?: unknown,
  csrf?: string,
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") {
    headers["X-CSRFToken"] = csrf || csrfToken();
    headers["Content-Type"] = "application/json";
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers,
      body: method !== "GET" && body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(
      "offline",
      "The server cannot be reached; check the connection and try again.",
      0,
    );
  }
  if (response.status === 204) return undefined as T;
  const answer = parseJson(await response.text());
  if (!response.ok) throw errorFrom(response.status, answer);
  return answer as T;
}
