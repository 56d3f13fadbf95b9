// Range planning and the matrix → points reduction of `timeseries`, on canned query_range answers.
import type { Matrix } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { planRange, timeseriesPoints } from './timeseries-points.js';

describe('planRange', () => {
  const now = 1_800_000_007.4;
  it.each([
    [{ window: '10s' }, { start: 1_799_999_997, end: 1_800_000_007, step: 1, rateInterval: '5s' }],
    [{ window: '1m' }, { start: 1_799_999_947, end: 1_800_000_007, step: 1, rateInterval: '5s' }],
    [{ window: '10m' }, { start: 1_799_999_405, end: 1_800_000_005, step: 5, rateInterval: '10s' }],
    [{ window: '1h' }, { start: 1_799_996_400, end: 1_800_000_000, step: 30, rateInterval: '60s' }],
    [{ window: '1m', step: 10 }, { start: 1_799_999_940, end: 1_800_000_000, step: 10, rateInterval: '20s' }],
  ])('%j ends now, aligned to the step', (request, expected) => {
    expect(planRange(request, now)).toEqual(expected);
  });

  it('uses an absolute range as given, aligned inwards', () => {
    expect(planRange({ window: '1m', start: 1_000_003, end: 1_003_603 }, now)).toEqual({
      start: 1_000_020,
      end: 1_003_590,
      step: 30,
      rateInterval: '60s',
    });
  });

  it('never asks for more than 1000 points', () => {
    const plan = planRange({ window: '1m', start: 0, end: 7 * 24 * 3600, step: 1 }, now);
    expect(plan.step).toBe(605);
    expect((plan.end - plan.start) / plan.step).toBeLessThanOrEqual(1000);
  });
});

describe('timeseriesPoints', () => {
  const series = (metric: Record<string, string>, values: [number, string][]): Matrix[number] => ({ metric, values });

  it('joins outcomes and quantiles per step, with gaps where nothing was recorded', () => {
    const points = timeseriesPoints(
      { start: 100, end: 103, step: 1 },
      {
        responses: [
          series({ classification: 'success' }, [[100, '9'], [101, '4.5'], [103, '0']]),
          series({ classification: 'failure' }, [[100, '1'], [101, '0']]),
        ],
        latencyP50: [series({}, [[100, '3'], [101, 'NaN']])],
        latencyP95: [series({}, [[100, '8']])],
        latencyP99: [series({}, [[100.0, '40'], [103, '+Inf']])],
      },
    );
    expect(points).toEqual([
      { t: 100, rps: 10, successRate: 0.9, latencyMs: { p50: 3, p95: 8, p99: 40 } },
      { t: 101, rps: 4.5, successRate: 1, latencyMs: { p50: null, p95: null, p99: null } },
      { t: 102, rps: null, successRate: null, latencyMs: { p50: null, p95: null, p99: null } },
      { t: 103, rps: 0, successRate: null, latencyMs: { p50: null, p95: null, p99: null } },
    ]);
  });
});
