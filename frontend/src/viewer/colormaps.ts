// Colormap colours from the server (`/api/imaging/colormap`), fetched once per name.
import { isHttpErrorBody } from "../protocol";
import type { Colors } from "./stretch";

export const COLORMAP_URL = "/api/imaging/colormap";

const cache = new Map<string, Promise<Colors>>();

/** The 255 colours of `name` (not inverted: the client reverses them itself). */
export function fetchColormap(name: string): Promise<Colors> {
  let found = cache.get(name);
  if (!found) {
    const query = new URLSearchParams({ name, inv: "0" });
    found = fetch(`${COLORMAP_URL}?${query.toString()}`, { credentials: "same-origin" }).then(
      async (response) => {
        const body: unknown = await response.json().catch(() => null);
        if (!response.ok) {
          throw new Error(
            isHttpErrorBody(body)
              ? body.error.message
              : `Colormap ${name}: HTTP ${response.status}`,
          );
        }
        const colors = (body as { colors?: unknown } | null)?.colors;
        if (!Array.isArray(colors) || colors.length < 2)
          throw new Error(`Colormap ${name}: bad answer`);
        return colors as Colors;
      },
    );
    // A failure is not remembered: the next attempt asks again.
    found.catch(() => cache.delete(name));
    cache.set(name, found);
  }
  return found;
}
