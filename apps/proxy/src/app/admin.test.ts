import { describe, expect, it } from 'vitest';
import { isLoopback } from './admin.js';

describe('isLoopback (who may POST /shutdown)', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.3.2.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.7', false],
    ['::ffff:10.0.0.7', false],
    ['fe80::1', false],
    ['1.127.0.0', false],
    [undefined, false],
  ])('%s → %s', (addr, expected) => {
    expect(isLoopback(addr)).toBe(expected);
  });
});
