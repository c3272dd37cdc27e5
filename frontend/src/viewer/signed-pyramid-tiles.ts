// Signed pyramid tile URLs (docs/architecture.md, "Signed tile URLs"): when the server has them on
// (Description.signed_tiles), the viewer asks GET /api/imaging/tile-url once per rendering for a URL
// template that nginx checks itself, and asks again before it expires (each answer re-checks the
// read right, so a withdrawn grant stops showing tiles once the last template runs out). The raw
// (float) pyramid tiles of client-side rendering are signed the same way, per (file, HDU, plane).
import { apiRequest } from "../api";
import type { components } from "../generated/api";
import type { DataParams, RenderParams } from "./pyramid-tiles";

export type PyramidTileUrlAnswer = components["schemas"]["TileUrlOut"];

/** A template is renewed once less than this share of its life is left. */
export const RENEW_FRACTION = 0.2;

/** The tile-url query of a rendering: what names its pyramid tiles (no identity, no preview). */
export function pyramidTileUrlQuery(p: RenderParams): string {
  return new URLSearchParams({
    path: p.path,
    hdu: String(p.hdu),
    plane: String(p.plane),
    fmt: p.format,
    stretch: p.stretch,
    lo: String(p.lo),
    hi: String(p.hi),
    cmap: p.cmap,
    inv: p.invert ? "1" : "0",
  }).toString();
}

/** The tile-url query of a plane's raw pyramid tiles: the data, whatever the rendering. */
export function rawPyramidTileUrlQuery(p: DataParams): string {
  return new URLSearchParams({
    path: p.path,
    hdu: String(p.hdu),
    plane: String(p.plane),
    fmt: "raw",
  }).toString();
}

/** A template's URL of pyramid tile (level, tx, ty), ty counting from the bottom. */
export function fillTemplate(template: string, level: number, tx: number, ty: number): string {
  return template
    .replace("{level}", String(level))
    .replace("{tx}", String(tx))
    .replace("{ty}", String(ty));
}

export type PyramidTileUrlFetcher = (query: string) => Promise<PyramidTileUrlAnswer>;

const fetchPyramidTileUrl: PyramidTileUrlFetcher = (query) =>
  apiRequest<PyramidTileUrlAnswer>("GET", `/api/imaging/tile-url?${query}`);

/**
 * The signed URLs of one rendering's pyramid tiles (of a plane's raw tiles, given DataParams): one
 * template, renewed on demand before it expires.
 */
export class SignedPyramidTileUrls {
  private current: { template: string; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;
  private readonly query: string;

  constructor(
    params: RenderParams | DataParams,
    private readonly fetcher: PyramidTileUrlFetcher = fetchPyramidTileUrl,
    /** Milliseconds on a clock that only moves forward (the page's, not the wall clock). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.query = "format" in params ? pyramidTileUrlQuery(params) : rawPyramidTileUrlQuery(params);
  }

  /** The URL of pyramid tile (level, tx, ty); asks for a template first when there is none fresh. */
  async url(level: number, tx: number, ty: number): Promise<string> {
    return fillTemplate(await this.template(), level, tx, ty);
  }

  /** The template in use, renewed when it has less than RENEW_FRACTION of its life left. */
  template(): Promise<string> {
    const current = this.current;
    if (current && this.now() < current.renewAt) return Promise.resolve(current.template);
    // Every tile waiting for a template shares one request.
    this.pending ??= this.fetcher(this.query).then(
      (answer) => {
        this.pending = null;
        const life = answer.lifetime ?? Infinity;
        this.current = {
          template: answer.template,
          renewAt: this.now() + life * 1000 * (1 - RENEW_FRACTION),
        };
        return answer.template;
      },
      (error: unknown) => {
        this.pending = null;
        throw error;
      },
    );
    return this.pending;
  }

  /**
   * A tile of `url` was refused: drop its template (the session may have changed since) so that the
   * next tile asks for a new one. A URL of an older template changes nothing.
   */
  refused(url: string): void {
    const current = this.current;
    if (current && url.split("?")[0]?.startsWith(current.template.split("{")[0] ?? "\0")) {
      this.current = null;
    }
  }
}
