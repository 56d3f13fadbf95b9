import { describe, expect, it } from 'vitest';
import { absoluteRangeQuery, isoSeconds, parseInstant, parseTimeRange, rangeInput } from './time-range';

describe('parseTimeRange', () => {
  it('is the window when no range is given', () => {
    expect(parseTimeRange({ window: '10m' })).toEqual({ kind: 'relative', window: '10m' });
    expect(parseTimeRange({})).toEqual({ kind: 'relative', window: '1m' });
  });

  it('reads an absolute range in ISO or Unix seconds', () => {
    expect(parseTimeRange({ window: '1h', from: '2026-11-25T21:00:00Z', to: '2026-11-25T21:30:00Z' })).toEqual({
      kind: 'absolute',
      window: '1h',
      start: 1795640400,
      end: 1795642200,
    });
    expect(parseTimeRange({ from: '1795640400', to: '1795642200' })).toMatchObject({ kind: 'absolute', start: 1795640400, end: 1795642200 });
  });

  it.each([
    [{ from: '2026-11-25T21:00:00Z' }],
    [{ from: '2026-11-25T21:30:00Z', to: '2026-11-25T21:00:00Z' }],
    [{ from: 'yesterday', to: 'today' }],
    [{ from: '1000000000', to: '1001000000' }],
  ])('falls back to the window for %j', (params) => {
    expect(parseTimeRange({ window: '10s', ...params })).toEqual({ kind: 'relative', window: '10s' });
  });
});

describe('range helpers', () => {
  it('builds the timeseries input and the URL query', () => {
    expect(rangeInput({ kind: 'relative', window: '1m' })).toEqual({ window: '1m' });
    expect(rangeInput({ kind: 'absolute', window: '1m', start: 1, end: 2 })).toEqual({ window: '1m', start: 1, end: 2 });
    expect(absoluteRangeQuery('10m', 1795640400, 1795642200)).toBe('window=10m&from=2026-11-25T21%3A00%3A00Z&to=2026-11-25T21%3A30%3A00Z');
  });

  it('formats and parses instants', () => {
    expect(isoSeconds(1795640400.4)).toBe('2026-11-25T21:00:00Z');
    expect(parseInstant('2026-11-25T21:00:00.500Z')).toBe(1795640400.5);
    expect(parseInstant('')).toBeNull();
    expect(parseInstant(undefined)).toBeNull();
  });
});
