// Small helpers shared by the components.

/** "1.2 MB": decimal units, as file managers show them. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = "B";
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** A date and time for a file listing, from seconds since the epoch. */
export function formatMtime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "";
  const date = new Date(seconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** A pixel value for the readout: integers as they are, the rest with 6 significant digits. */
export function formatValue(value: number | number[] | null): string {
  if (value === null) return "NaN";
  if (Array.isArray(value)) return value.map((v) => formatValue(v)).join(", ");
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(5);
  return String(Number(value.toPrecision(6)));
}

export function basename(path: string): string {
  const parts = path.split("/").filter((p) => p !== "");
  return parts[parts.length - 1] ?? "";
}

/** A unique enough id for a workspace tile (crypto.randomUUID needs a secure context). */
export function newTileId(): string {
  const random = Math.random().toString(36).slice(2, 10);
  return `t${Date.now().toString(36)}${random}`;
}

/** Calls `fn` once `ms` after the last call; `flush()` runs a pending call now. */
export function debounce<A extends unknown[]>(
  fn: (...args: A) => void,
  ms: number,
): ((...args: A) => void) & { cancel(): void; flush(): void; pending(): boolean } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastArgs: A | null = null;
  const run = (): void => {
    timer = null;
    const args = lastArgs;
    lastArgs = null;
    if (args) fn(...args);
  };
  const debounced = (...args: A): void => {
    lastArgs = args;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  return Object.assign(debounced, {
    cancel(): void {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      lastArgs = null;
    },
    flush(): void {
      if (timer !== null) clearTimeout(timer);
      run();
    },
    /** Whether a call waits for its delay to pass. */
    pending(): boolean {
      return timer !== null;
    },
  });
}

/** Rounds for storage in the layout so that equal views compare equal. */
export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function significant(value: number, digits: number): number {
  return Number(value.toPrecision(digits));
}
