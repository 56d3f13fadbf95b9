import { describe, expect, it } from 'vitest';
import { httpDate, isoTimestamp } from './utc-time.js';

describe('utc-time', () => {
  const instants = [0, 951_782_400_000, 1_709_164_799_999, 1_795_660_325_123, 253_402_300_799_999, Date.now()];

  it.each(instants)('isoTimestamp(%d) is toISOString', (ms) => {
    expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
  });

  it.each(instants)('httpDate(%d) is toUTCString', (ms) => {
    expect(httpDate(ms)).toBe(new Date(ms).toUTCString());
  });
});
