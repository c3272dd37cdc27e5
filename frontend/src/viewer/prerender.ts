// The "Pre-render" button: runs (or cancels) the imaging.prerender job of the HDU shown and
// reports its progress as a PrerenderState.
import { nothing, type ReactiveControllerHost, type TemplateResult } from "lit";

import { JobError, errorText, type WorkspaceSocket } from "../socket";
import { prerenderTemplate, type PrerenderState } from "./templates";

/**
 * Starts pre-rendering `path`/`hdu`, or cancels the job that `get()` says is running.
 * `set` receives every new state; states of an older job are never sent.
 */
export async function togglePrerender(
  socket: WorkspaceSocket,
  path: string,
  hdu: number,
  plane: number,
  get: () => PrerenderState | null,
  set: (state: PrerenderState) => void,
  start: { message: string; onDone?: () => void } = { message: "Starting…" },
): Promise<void> {
  const now = get();
  if (now?.running && now.jobId !== null) {
    socket.cancel(now.jobId);
    return;
  }
  const job = socket.job("imaging.prerender", { path, hdu, plane }, (progress) => {
    const state = get();
    if (!state || state.jobId !== job.id) return;
    set({ ...state, done: progress.done, total: progress.total, message: progress.message ?? "" });
  });
  set({ running: true, jobId: job.id, done: 0, total: 0, message: start.message, outcome: null });
  try {
    await job;
    const state = get();
    if (state?.jobId !== job.id) return;
    set({
      ...state,
      running: false,
      done: state.total || 1,
      total: state.total || 1,
      message: "Pre-rendered: tiles are ready.",
      outcome: "ok",
    });
    start.onDone?.();
  } catch (error) {
    const state = get();
    if (state?.jobId !== job.id) return;
    const cancelled = error instanceof JobError && error.code === "cancelled";
    set({
      ...state,
      running: false,
      message: cancelled ? "Pre-rendering cancelled." : `Pre-rendering failed: ${errorText(error)}`,
      outcome: "error",
    });
  }
}

/** The pre-render of the picture a viewer shows: its job and its progress panel. */
export class PrerenderPanel {
  private state: PrerenderState | null = null;

  constructor(private readonly host: ReactiveControllerHost) {}

  get running(): boolean {
    return this.state?.running ?? false;
  }

  /** Pre-renders plane `plane` of `path`/`hdu`, or cancels the pre-render running. */
  toggle(socket: WorkspaceSocket, path: string, hdu: number, plane: number): void {
    void togglePrerender(
      socket,
      path,
      hdu,
      plane,
      () => this.state,
      (state) => this.set(state),
    );
  }

  /**
   * Builds a mosaic shown from previews (Description.preview), unless a pre-render is already
   * running; `onDone` runs when it has been built.
   */
  buildPreviewed(socket: WorkspaceSocket, path: string, hdu: number, onDone: () => void): void {
    if (this.running) return;
    const message = "Showing a quick preview; building the full-resolution mosaic…";
    void togglePrerender(
      socket,
      path,
      hdu,
      0,
      () => this.state,
      (state) => this.set(state),
      { message, onDone },
    );
  }

  /** No panel (another file, or the user closed it). */
  clear(): void {
    this.set(null);
  }

  template(): TemplateResult | typeof nothing {
    return this.state ? prerenderTemplate(this.state, () => this.clear()) : nothing;
  }

  private set(state: PrerenderState | null): void {
    if (state === this.state) return;
    this.state = state;
    this.host.requestUpdate();
  }
}
