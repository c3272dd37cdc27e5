// The "Pre-render" button: runs (or cancels) the imaging.prerender job of the HDU shown and
// reports its progress as a PrerenderState.
import { JobError, errorText, type WorkspaceSocket } from "../socket";
import type { PrerenderState } from "./templates";

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
  set({ running: true, jobId: job.id, done: 0, total: 0, message: "Starting…", outcome: null });
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
