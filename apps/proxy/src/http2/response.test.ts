import { describe, expect, it } from 'vitest';
import { encodeGrpcMessage } from './response.js';

describe('encodeGrpcMessage', () => {
  it.each([
    ['books.demo:7000 has no endpoints', 'books.demo:7000 has no endpoints'],
    ['100% down', '100%25 down'],
    ['line\nbreak', 'line%0Abreak'],
    ['café', 'caf%C3%A9'],
    ['', ''],
  ])('%j → %j', (input, expected) => expect(encodeGrpcMessage(input)).toBe(expected));
});
