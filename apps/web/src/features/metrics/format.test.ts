import { describe, expect, it } from 'vitest';
import { formatBytesPerSec, formatCount, formatLatencyMs, formatMeshed, formatOverheadMs, formatPercent, formatRps } from './format';

describe('formatPercent', () => {
  it.each([
    [1, '100.00%'],
    [0.9876, '98.76%'],
    [0.9, '90.00%'],
    [0, '0.00%'],
    [null, '-'],
    [Number.NaN, '-'],
  ])('%s → %s', (rate, expected) => {
    expect(formatPercent(rate)).toBe(expected);
  });
});

describe('formatRps', () => {
  it.each([
    [0, '0'],
    [0.0123, '0.012'],
    [0.5, '0.5'],
    [4.5, '4.5'],
    [12.345, '12.35'],
    [10, '10'],
    [123.456, '123.5'],
    [1500, '1500'],
    [null, '-'],
    [Number.POSITIVE_INFINITY, '-'],
  ])('%s → %s', (rps, expected) => {
    expect(formatRps(rps)).toBe(expected);
  });
});

describe('formatLatencyMs', () => {
  it.each([
    [0.5, '0.5 ms'],
    [3, '3 ms'],
    [3.456, '3.46 ms'],
    [12.5, '12.5 ms'],
    [12.04, '12 ms'],
    [250.4, '250 ms'],
    [1000, '1 s'],
    [1250, '1.25 s'],
    [null, '-'],
    [Number.NaN, '-'],
  ])('%s → %s', (ms, expected) => {
    expect(formatLatencyMs(ms)).toBe(expected);
  });
});

describe('formatMeshed', () => {
  it('prints meshed/total', () => {
    expect(formatMeshed(2, 2)).toBe('2/2');
    expect(formatMeshed(0, 1)).toBe('0/1');
  });
});

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [3, '3'],
    [2.25, '2.3'],
    [null, '-'],
  ])('%s → %s', (value, expected) => {
    expect(formatCount(value)).toBe(expected);
  });
});

describe('formatBytesPerSec', () => {
  it.each([
    [0, '0 B/s'],
    [12.4, '12 B/s'],
    [999, '999 B/s'],
    [1234, '1.2 kB/s'],
    [1000, '1 kB/s'],
    [123_456, '123 kB/s'],
    [2_500_000, '2.5 MB/s'],
    [7e12, '7000 GB/s'],
    [null, '-'],
    [Number.NaN, '-'],
  ])('%s → %s', (value, expected) => {
    expect(formatBytesPerSec(value)).toBe(expected);
  });
});

describe('formatOverheadMs', () => {
  it.each([
    [undefined, '-'],
    [{ p50: null, p99: null }, '-'],
    [{ p50: 0.123, p99: 0.9 }, '0.12 / 0.9 ms'],
    [{ p50: 0.004, p99: 12.34 }, '<0.01 / 12.3 ms'],
    [{ p50: 0, p99: null }, '0 / - ms'],
  ])('%j → %s', (overhead, text) => expect(formatOverheadMs(overhead)).toBe(text));
});
