import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError, csrfToken, workspaces } from "../src/workspace-api";

afterEach(() => {
  vi.unstubAllGlobals();
});

function answer(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

describe("the workspaces API client", () => {
  it("reads Django's CSRF token from the cookies", () => {
    expect(csrfToken("sessionid=abc; csrftoken=t0k%3Den; other=1")).toBe("t0k=en");
    expect(csrfToken("sessionid=abc")).toBe("");
  });

  it("sends changes as JSON with the CSRF token", async () => {
    vi.stubGlobal("document", { cookie: "csrftoken=secret" });
    const fetch = vi.fn(() =>
      Promise.resolve(answer(200, { workspace: 3, owner: "alice", shares: [], may_give: "share" })),
    );
    vi.stubGlobal("fetch", fetch);
    const shares = await workspaces.share(3, { kind: "user", name: "bob", right: "view" });
    expect(shares.owner).toBe("alice");
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/workspaces/3/shares");
    expect(init.method).toBe("PUT");
    expect((init.headers as Record<string, string>)["X-CSRFToken"]).toBe("secret");
    expect(JSON.parse(init.body as string)).toEqual({ kind: "user", name: "bob", right: "view" });
  });

  it("turns the server's refusal into an error with its code and sentence", async () => {
    const refusal = {
      error: { code: "forbidden", message: "Only its owner (alice) can delete it." },
    };
    vi.stubGlobal("fetch", () => Promise.resolve(answer(403, refusal)));
    const error = await workspaces.remove(3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "forbidden", status: 403, message: refusal.error.message });
  });

  it("answers nothing for a deletion and says so when the server cannot be reached", async () => {
    vi.stubGlobal("fetch", () => Promise.resolve(answer(204, undefined)));
    await expect(workspaces.remove(3)).resolves.toBeUndefined();
    vi.stubGlobal("fetch", () => Promise.reject(new TypeError("Failed to fetch")));
    await expect(workspaces.get(3)).rejects.toMatchObject({ code: "offline" });
  });
});
