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
  onDone: () => void = () => undefined,
  message = "Starting…",
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
  set({ running: true, jobId: job.id, done: 0, total: 0, message, outcome: null });
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
    onDone();
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

/**
 * The pre-render of the picture a viewer shows: its job and its progress panel. `onBuilt`
 * hears of every pre-render that completes, whoever started it (the button or a preview).
 */
export class PrerenderPanel {
  private state: PrerenderState | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onBuilt: (path: string, hdu: number) => void,
  ) {}

  get running(): boolean {
    return this.state?.running ?? false;
  }

  /** Pre-renders plane `plane` of `path`/`hdu`, or cancels the pre-render running. */
  toggle(
    socket: WorkspaceSocket,
    path: string,
    hdu: number,
    plane: number,
    message?: string,
  ): void {
    void togglePrerender(
      socket,
      path,
      hdu,
      plane,
      () => this.state,
      (state) => this.set(state),
      () => this.onBuilt(path, hdu),
      message,
    );
  }

  /** Builds a mosaic shown from previews (Description.preview), unless a pre-render runs. */
  buildPreviewed(socket: WorkspaceSocket, path: string, hdu: number): void {
    if (this.running) return;
    this.toggle(
      socket,
      path,
      hdu,
      0,
      "Showing a quick preview; building the full-resolution mosaic…",
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
