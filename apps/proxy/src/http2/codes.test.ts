import { constants } from 'node:http2';
import { describe, expect, it } from 'vitest';
import * as codes from './codes.js';

describe('HTTP/2 codes', () => {
  it.each(Object.entries(codes))('%s is node:http2\'s', (name, value) => {
    expect(constants[name as keyof typeof constants]).toBe(value);
  });
});
