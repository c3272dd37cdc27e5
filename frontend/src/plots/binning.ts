// Histogram bins (computed in the browser from a column the page holds) and the density image.

export interface Histogram {
  /** bins + 1 edges in axis space. */
  edges: Float64Array;
  counts: Float64Array;
}

/**
 * Counts of `values` (axis space: already log10 on a log axis) in `bins` equal bins over [lo, hi].
 *
 * NaN and values outside [lo, hi] are left out; `hi` itself counts in the last bin. With `mask`,
 * only the rows whose mask byte is 1 count.
 */
export function histogram(
  values: ArrayLike<number>,
  bins: number,
  lo: number,
  hi: number,
  mask: Uint8Array | null = null,
): Histogram {
  const n = Math.max(1, Math.floor(bins));
  const edges = new Float64Array(n + 1);
  const span = hi - lo;
  for (let i = 0; i <= n; i++) edges[i] = lo + (span * i) / n;
  const counts = new Float64Array(n);
  if (!(span > 0)) {
    // One value (or none): everything at lo lands in the single first bin.
    for (let i = 0; i < values.length; i++)
      if (values[i] === lo && (!mask || mask[i])) counts[0] = (counts[0] ?? 0) + 1;
    return { edges, counts };
  }
  for (let i = 0; i < values.length; i++) {
    if (mask && !mask[i]) continue;
    const v = values[i] ?? NaN;
    if (!(v >= lo && v <= hi)) continue;
    const k = Math.min(n - 1, Math.floor(((v - lo) / span) * n));
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return { edges, counts };
}

/** The bin centres of a histogram's edges. */
export function binCentres(edges: Float64Array): Float64Array {
  const out = new Float64Array(Math.max(0, edges.length - 1));
  for (let i = 0; i < out.length; i++) out[i] = ((edges[i] ?? 0) + (edges[i + 1] ?? 0)) / 2;
  return out;
}

/**
 * The density image: counts (ny × nx, row 0 = lowest y) as packed RGBA pixels with the first row
 * the *highest* y, on a log scale (log(1 + c) / log(1 + max)); empty bins transparent.
 *
 * @param palette packed colours (`packPalette`), the lowest count first.
 */
export function densityPixels(
  counts: Float32Array,
  nx: number,
  ny: number,
  palette: Uint32Array,
): { pixels: Uint32Array; max: number } {
  let max = 0;
  for (let i = 0; i < counts.length; i++) if ((counts[i] ?? 0) > max) max = counts[i] ?? 0;
  const pixels = new Uint32Array(nx * ny);
  const top = Math.log1p(max);
  const last = palette.length - 1;
  for (let j = 0; j < ny; j++) {
    const row = (ny - 1 - j) * nx;
    for (let i = 0; i < nx; i++) {
      const c = counts[j * nx + i] ?? 0;
      if (!(c > 0)) continue;
      const t = top > 0 ? Math.log1p(c) / top : 1;
      pixels[row + i] = palette[Math.round(t * last)] ?? 0;
    }
  }
  return { pixels, max };
}
