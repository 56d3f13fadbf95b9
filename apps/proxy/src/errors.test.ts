import { describe, expect, it } from 'vitest';
import { closesConnection, ProxyError, upstreamError, type ProxyErrorCode } from './errors.js';

describe('errors', () => {
  it.each<[ProxyErrorCode, number, boolean]>([
    ['bad-request', 400, true],
    ['header-too-large', 431, true],
    ['method-not-allowed', 405, true],
    ['unknown-authority', 503, false],
    ['no-endpoints', 503, false],
    ['discovery-unavailable', 503, false],
    ['connect-refused', 502, false],
    ['connect-timeout', 502, false],
    ['upstream-reset', 502, false],
  ])('%s → %i (closes: %s)', (code, status, closes) => {
    expect(new ProxyError(code, 'x').status).toBe(status);
    expect(closesConnection(code)).toBe(closes);
  });

  it.each([
    ['ECONNREFUSED', 'connect-refused'],
    ['SB_CONNECT_TIMEOUT', 'connect-timeout'],
    ['ETIMEDOUT', 'connect-timeout'],
    ['ECONNRESET', 'upstream-reset'],
    ['EPIPE', 'upstream-reset'],
  ])('socket error %s → %s', (errno, code) => {
    expect(upstreamError(Object.assign(new Error('x'), { code: errno }), '10.0.0.1:80').code).toBe(code);
  });
});
