import type { WaitEstimate } from '@spreekuur/protocol/scheduling';

/** Handling time assumed when there is too little recent history: ten minutes. */
export const DEFAULT_HANDLING_SECONDS = 600;
/** The median of fewer samples than this says little; use the default instead. */
const MIN_HANDLING_SAMPLES = 3;
/** Only the most recent samples count, so the estimate follows today's pace. */
export const MAX_HANDLING_SAMPLES = 20;

export interface TypicalHandling {
  readonly seconds: number;
  readonly basis: Extract<WaitEstimate, { kind: 'estimate' }>['basis'];
}

/**
 * Median of the most recent handling durations (assigned → closed), newest first in the input.
 * The median rather than the mean: one conversation of two hours should not scare the next resident.
 */
export function typicalHandlingSeconds(
  recentHandlingSeconds: readonly number[],
  defaultSeconds = DEFAULT_HANDLING_SECONDS,
): TypicalHandling {
  const samples = recentHandlingSeconds
    .filter((seconds) => Number.isFinite(seconds) && seconds >= 0)
    .slice(0, MAX_HANDLING_SAMPLES)
    .sort((a, b) => a - b);
  if (samples.length < MIN_HANDLING_SAMPLES) return { seconds: defaultSeconds, basis: 'default' };
  const middle = Math.floor(samples.length / 2);
  const median = samples.length % 2 === 1 ? samples[middle]! : (samples[middle - 1]! + samples[middle]!) / 2;
  return { seconds: median, basis: 'recent_handling' };
}

export interface WaitEstimateInput {
  /** 1 = next in line. */
  readonly position: number;
  /** Sum of the capacities of the workers taking conversations now. */
  readonly totalSeats: number;
  /** Seats free right now (capacity minus active conversations, summed over those workers). */
  readonly freeSeats: number;
  readonly recentHandlingSeconds: readonly number[];
  readonly defaultHandlingSeconds?: number;
}

/**
 * estimated wait = max(0, position − freeSeats) × typicalHandling / totalSeats, rounded up to a minute.
 *
 * Every seat frees up once per typical handling time, so seats free at a rate of
 * totalSeats / typicalHandling; the first `freeSeats` residents only wait for a pick.
 */
export function estimateWait(input: WaitEstimateInput): WaitEstimate {
  if (input.totalSeats <= 0) return { kind: 'unknown', reason: 'no_workers_on_duty' };
  const typical = typicalHandlingSeconds(input.recentHandlingSeconds, input.defaultHandlingSeconds);
  const residentsToWaitFor = Math.max(0, input.position - Math.max(0, input.freeSeats));
  const seconds = (residentsToWaitFor * typical.seconds) / input.totalSeats;
  return { kind: 'estimate', seconds: Math.ceil(seconds / 60) * 60, basis: typical.basis };
}
