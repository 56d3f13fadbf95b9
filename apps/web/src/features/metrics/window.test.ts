import { windowSchema } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { metricsWindows, parseWindowParam } from './window';

describe('parseWindowParam', () => {
  it.each([
    ['10s', '10s'],
    ['1m', '1m'],
    ['10m', '10m'],
    ['1h', '1h'],
    [undefined, '1m'],
    ['', '1m'],
    ['5m', '1m'],
    ['1h; drop', '1m'],
    [['10m', '1h'], '10m'],
  ] as const)('%j → %s', (value, expected) => {
    expect(parseWindowParam(value as string | string[] | undefined)).toBe(expected);
  });

  it('offers only windows the API accepts', () => {
    for (const w of metricsWindows) expect(windowSchema.safeParse(w).success).toBe(true);
  });
});
