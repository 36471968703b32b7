/**
 * A latency histogram with fixed buckets, so client processes can send theirs to the
 * orchestrator cheaply and histograms merge by addition: 10 µs wide below 10 ms, 100 µs
 * below 100 ms, 1 ms below 10 s, and one bucket for anything slower. Percentiles report
 * a bucket's upper edge (at most 10 µs, 100 µs or 1 ms too high).
 */
const FINE = 1_000; // 0–10 ms
const MEDIUM = 900; // 10–100 ms
const COARSE = 9_900; // 100 ms–10 s
const BUCKETS = FINE + MEDIUM + COARSE + 1;

export type Histogram = number[];

export const newHistogram = (): Histogram => new Array<number>(BUCKETS).fill(0);

function bucketOf(ms: number): number {
  if (ms < 10) return Math.max(0, Math.floor(ms * 100));
  if (ms < 100) return FINE + Math.floor((ms - 10) * 10);
  if (ms < 10_000) return FINE + MEDIUM + Math.floor(ms - 100);
  return BUCKETS - 1;
}

function upperEdge(bucket: number): number {
  if (bucket < FINE) return (bucket + 1) / 100;
  if (bucket < FINE + MEDIUM) return 10 + (bucket - FINE + 1) / 10;
  if (bucket < BUCKETS - 1) return 100 + (bucket - FINE - MEDIUM + 1);
  return Infinity;
}

export function record(histogram: Histogram, ms: number): void {
  histogram[bucketOf(ms)]!++;
}

export function merge(into: Histogram, from: Histogram): void {
  for (let i = 0; i < BUCKETS; i++) into[i]! += from[i] ?? 0;
}

export const total = (histogram: Histogram): number => histogram.reduce((sum, n) => sum + n, 0);

/** The latency below which a fraction `p` of the samples lie (NaN without samples). */
export function percentile(histogram: Histogram, p: number): number {
  const count = total(histogram);
  if (count === 0) return NaN;
  const rank = Math.ceil(count * p);
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += histogram[i]!;
    if (seen >= rank) return upperEdge(i);
  }
  return Infinity;
}
