// The workspace socket: one WebSocket per open workspace carrying jobs, their progress and
// results, and the events shared by every client of the workspace (docs/architecture.md).
import type {
  ClientEvent,
  ClientMessage,
  ErrorBody,
  JobFunctions,
  JobRequest,
  JobName,
  ProgressMessage,
  ServerEvent,
  ServerEventName,
  ServerEventOf,
  ServerMessage,
} from "./protocol";

/** A job that ended with an error result (or could not be run). */
export class JobError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "JobError";
    this.code = code;
  }

  static from(body: ErrorBody): JobError {
    return new JobError(String(body.code), String(body.message));
  }
}

/** A message for the user from whatever a job or a fetch threw. */
export function errorText(error: unknown): string {
  if (error instanceof JobError) return error.message || error.code;
  if (error instanceof Error) return error.message;
  return String(error);
}

export type ConnectionState = "connecting" | "open" | "closed";

export interface ConnectionStatus {
  state: ConnectionState;
  /** When closed: the time (ms since the epoch) of the next attempt, or null if none is planned. */
  retryAt: number | null;
  /** The close code of the last connection, e.g. 4403 when the server refused us. */
  closeCode: number | null;
}

export type ProgressHandler = (progress: ProgressMessage) => void;

/** A job's promise, with the id to cancel it by. */
export type JobPromise<T> = Promise<T> & { readonly id: number };

export interface JobOptions {
  /** Aborting cancels the job on the server and rejects with code "cancelled". */
  signal?: AbortSignal;
}

interface PendingJob {
  message: JobRequest;
  resolve: (value: unknown) => void;
  reject: (error: JobError) => void;
  onProgress: ProgressHandler | undefined;
}

type EventHandler = (event: ServerEvent) => void;

const MIN_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

export function workspaceSocketUrl(workspaceId: string, loc: Location = window.location): string {
  const scheme = loc.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${loc.host}/ws/workspaces/${encodeURIComponent(workspaceId)}/`;
}

export class WorkspaceSocket {
  readonly url: string;

  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, PendingJob>();
  // Events sent while offline: only the latest of each type is worth sending later.
  private readonly outbox = new Map<ClientEvent["type"], ClientEvent>();
  private readonly eventHandlers = new Map<string, Set<EventHandler>>();
  private readonly statusHandlers = new Set<(status: ConnectionStatus) => void>();
  private readonly errorHandlers = new Set<(error: ErrorBody) => void>();
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private _status: ConnectionStatus = { state: "closed", retryAt: null, closeCode: null };

  constructor(workspaceId: string, url?: string) {
    this.url = url ?? workspaceSocketUrl(workspaceId);
  }

  get status(): ConnectionStatus {
    return this._status;
  }

  get state(): ConnectionState {
    return this._status.state;
  }

  /** Opens the socket and keeps it open (reconnecting with backoff) until `close()`. */
  connect(): void {
    this.stopped = false;
    window.addEventListener("online", this.retryNow);
    this.open();
  }

  close(): void {
    this.stopped = true;
    window.removeEventListener("online", this.retryNow);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.ws?.close(1000);
    this.ws = null;
    for (const [id, job] of this.pending) {
      job.reject(new JobError("disconnected", "The workspace connection was closed."));
      this.pending.delete(id);
    }
    this.setStatus({ state: "closed", retryAt: null, closeCode: 1000 });
  }

  /**
   * Runs a job on the server. Resolves with its result, rejects with a `JobError` carrying the
   * server's `code` and `message`. Jobs asked while offline wait for the connection, and jobs
   * in flight when it drops are sent again on the next one (they are all idempotent reads).
   */
  job<N extends JobName>(
    fn: N,
    params: JobFunctions[N]["params"],
    onProgress?: ProgressHandler,
    options?: JobOptions,
  ): JobPromise<JobFunctions[N]["result"]>;
  job<T = unknown>(
    fn: string,
    params: Record<string, unknown>,
    onProgress?: ProgressHandler,
    options?: JobOptions,
  ): JobPromise<T>;
  job(
    fn: string,
    params: object,
    onProgress?: ProgressHandler,
    options?: JobOptions,
  ): JobPromise<unknown> {
    const id = this.nextId++;
    const message: JobRequest = { type: "job", id, fn, params: { ...params } };
    const promise = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { message, resolve, reject, onProgress });
    });
    const signal = options?.signal;
    if (signal) {
      if (signal.aborted) queueMicrotask(() => this.cancel(id));
      else signal.addEventListener("abort", () => this.cancel(id), { once: true });
    }
    this.transmit(message);
    return Object.assign(promise, { id });
  }

  /** Cancels a job: the server stops it, and its promise rejects with code "cancelled" now. */
  cancel(id: number): void {
    const job = this.pending.get(id);
    if (!job) return;
    this.pending.delete(id);
    if (this.isOpen()) this.transmit({ type: "cancel", id });
    job.reject(new JobError("cancelled", "Cancelled."));
  }

  /** Sends a workspace event (view, selection, layout) to the server and so to the others. */
  send(event: ClientEvent): void {
    if (this.isOpen()) this.transmit(event);
    else this.outbox.set(event.type, event);
  }

  /** Calls `handler` for every pushed event named `name` ("*" for all); returns an unsubscriber. */
  on<N extends ServerEventName>(name: N, handler: (event: ServerEventOf<N>) => void): () => void;
  on(name: "*", handler: (event: ServerEvent) => void): () => void;
  on(name: string, handler: (event: never) => void): () => void {
    let set = this.eventHandlers.get(name);
    if (!set) {
      set = new Set();
      this.eventHandlers.set(name, set);
    }
    const h = handler as EventHandler;
    set.add(h);
    return () => set.delete(h);
  }

  /** Calls `handler` now and on every change of the connection status. */
  onStatus(handler: (status: ConnectionStatus) => void): () => void {
    this.statusHandlers.add(handler);
    handler(this._status);
    return () => this.statusHandlers.delete(handler);
  }

  /** Server `{"type": "error"}` messages that name no pending job. */
  onError(handler: (error: ErrorBody) => void): () => void {
    this.errorHandlers.add(handler);
    return () => this.errorHandlers.delete(handler);
  }

  // -------------------------------------------------------------------------------------------

  private isOpen(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  private transmit(message: ClientMessage): void {
    // Jobs not sent now stay in `pending` and go out on open.
    if (this.isOpen()) this.ws?.send(JSON.stringify(message));
  }

  private open(): void {
    if (this.stopped) return;
    this.retryTimer = null;
    this.setStatus({ state: "connecting", retryAt: null, closeCode: this._status.closeCode });
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch (error) {
      console.error("toyz: cannot open the workspace socket", error);
      this.scheduleRetry(null);
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      this.attempts = 0;
      this.setStatus({ state: "open", retryAt: null, closeCode: null });
      for (const job of this.pending.values()) ws.send(JSON.stringify(job.message));
      for (const event of this.outbox.values()) ws.send(JSON.stringify(event));
      this.outbox.clear();
    });
    ws.addEventListener("message", (event: MessageEvent) => {
      if (this.ws === ws) this.receive(event.data);
    });
    ws.addEventListener("close", (event: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.scheduleRetry(event.code);
    });
  }

  private scheduleRetry(closeCode: number | null): void {
    if (this.stopped) return;
    const base = Math.min(MAX_RETRY_MS, MIN_RETRY_MS * 2 ** this.attempts);
    // Jitter keeps a restarted server from being hit by every client at the same moment.
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.attempts += 1;
    this.retryTimer = setTimeout(() => this.open(), delay);
    this.setStatus({ state: "closed", retryAt: Date.now() + delay, closeCode });
  }

  private readonly retryNow = (): void => {
    if (this.stopped || this.ws !== null) return;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.attempts = 0;
    this.open();
  };

  private setStatus(status: ConnectionStatus): void {
    this._status = status;
    for (const handler of this.statusHandlers) handler(status);
  }

  private receive(data: unknown): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(String(data)) as ServerMessage;
    } catch {
      console.warn("toyz: ignoring a socket message that is not JSON", data);
      return;
    }
    if (typeof message !== "object" || message === null) return;
    switch (message.type) {
      case "progress": {
        const job = this.pending.get(message.id);
        job?.onProgress?.(message);
        break;
      }
      case "result": {
        const job = this.pending.get(message.id);
        if (!job) break; // cancelled, or answered twice
        this.pending.delete(message.id);
        if (message.status === "ok") job.resolve(message.result);
        else job.reject(JobError.from(message.error ?? { code: "internal", message: "Error" }));
        break;
      }
      case "error": {
        // Never about a job (a job's errors come as its result): the page shows it.
        console.warn("toyz: server error", message.error);
        for (const handler of this.errorHandlers) handler(message.error);
        break;
      }
      case "event": {
        for (const key of [message.event, "*"]) {
          for (const handler of this.eventHandlers.get(key) ?? []) {
            try {
              handler(message);
            } catch (error) {
              console.error(`toyz: handler of event ${message.event} failed`, error);
            }
          }
        }
        break;
      }
      default:
        console.warn("toyz: ignoring an unknown socket message", message);
    }
  }
}
