import { describe, expect, it } from 'vitest';
import { DEFAULT_HANDLING_SECONDS, estimateWait, typicalHandlingSeconds } from './wait-estimate.ts';

describe('typicalHandlingSeconds', () => {
  it.each([
    ['no history', [], DEFAULT_HANDLING_SECONDS, 'default'],
    ['too little history', [300, 900], DEFAULT_HANDLING_SECONDS, 'default'],
    ['odd count: the middle one', [900, 300, 600], 600, 'recent_handling'],
    ['even count: mean of the middle two', [300, 600, 900, 1200], 750, 'recent_handling'],
    ['an outlier does not drag the median', [300, 360, 420, 7200], 390, 'recent_handling'],
    ['invalid samples are ignored', [Number.NaN, -5, 300, 600, 900], 600, 'recent_handling'],
  ] as const)('%s', (_case, samples, seconds, basis) => {
    expect(typicalHandlingSeconds(samples)).toEqual({ seconds, basis });
  });

  it('uses only the 20 most recent samples (newest first)', () => {
    const recentFast = Array.from({ length: 20 }, () => 120);
    const oldSlow = Array.from({ length: 30 }, () => 3600);
    expect(typicalHandlingSeconds([...recentFast, ...oldSlow]).seconds).toBe(120);
  });

  it('takes a configured default', () => {
    expect(typicalHandlingSeconds([], 900)).toEqual({ seconds: 900, basis: 'default' });
  });
});

describe('estimateWait = max(0, position − freeSeats) × typical / totalSeats', () => {
  const history = [600, 600, 600]; // typical 10 minutes

  it.each([
    // position, totalSeats, freeSeats, expected seconds
    [1, 3, 1, 0], // a free seat: only waiting for a pick
    [1, 3, 0, 200], // 600 / 3 → rounded up to a whole minute = 240
    [3, 3, 0, 600],
    [6, 6, 0, 600],
    [4, 3, 2, 400], // 2 × 600 / 3
    [10, 2, 0, 3000],
  ])('position %i, %i seats, %i free → about %i s', (position, totalSeats, freeSeats, raw) => {
    const estimate = estimateWait({ position, totalSeats, freeSeats, recentHandlingSeconds: history });
    expect(estimate).toEqual({
      kind: 'estimate',
      seconds: Math.ceil(raw / 60) * 60,
      basis: 'recent_handling',
    });
  });

  it('is unknown when nobody is on duty', () => {
    expect(
      estimateWait({ position: 1, totalSeats: 0, freeSeats: 0, recentHandlingSeconds: history }),
    ).toEqual({
      kind: 'unknown',
      reason: 'no_workers_on_duty',
    });
  });

  it('says when it falls back to the default handling time', () => {
    expect(estimateWait({ position: 2, totalSeats: 1, freeSeats: 0, recentHandlingSeconds: [] })).toEqual({
      kind: 'estimate',
      seconds: 2 * DEFAULT_HANDLING_SECONDS,
      basis: 'default',
    });
  });

  it('grows with the position and shrinks with more seats', () => {
    const wait = (position: number, seats: number) => {
      const estimate = estimateWait({
        position,
        totalSeats: seats,
        freeSeats: 0,
        recentHandlingSeconds: history,
      });
      return estimate.kind === 'estimate' ? estimate.seconds : Number.NaN;
    };
    for (let position = 1; position < 30; position++) {
      expect(wait(position + 1, 3)).toBeGreaterThanOrEqual(wait(position, 3));
      expect(wait(position, 6)).toBeLessThanOrEqual(wait(position, 3));
    }
  });
});
