import { describe, expect, it } from 'vitest';
import { API_UNREACHABLE_CODE, fetchFailureReason, unreachableEnvelope, upstreamUrl } from './api-proxy';

describe('upstreamUrl', () => {
  it.each([
    ['/api/trpc/stat', '?input=%7B%7D', 'http://api:8085/trpc/stat?input=%7B%7D'],
    ['/api/trpc/stat,namespaces', '?batch=1&input=x', 'http://api:8085/trpc/stat,namespaces?batch=1&input=x'],
    ['/api/trpc/viz.stat', '', 'http://api:8085/trpc/viz.stat'],
  ])('%s%s → %s', (pathname, search, expected) => {
    expect(upstreamUrl('http://api:8085', pathname, search)).toBe(expected);
  });

  it('drops a trailing slash on the base', () => {
    expect(upstreamUrl('http://api:8085/', '/api/trpc/stat', '')).toBe('http://api:8085/trpc/stat');
  });

  it.each(['/api/trpc/', '/api/trpc/../metrics', '/api/trpc/a/b', '/other/stat'])('rejects %s', (pathname) => {
    expect(upstreamUrl('http://api:8085', pathname, '')).toBeNull();
  });
});

describe('unreachableEnvelope', () => {
  it('is a tRPC error envelope carrying the web-only code', () => {
    const body = unreachableEnvelope('ECONNREFUSED');
    expect(body.error.code).toBe(-32603);
    expect(body.error.message).toContain('ECONNREFUSED');
    expect(body.error.data).toEqual({ code: 'BAD_GATEWAY', httpStatus: 502, signalboxCode: API_UNREACHABLE_CODE });
  });
});

describe('fetchFailureReason', () => {
  it('prefers the socket error code from the cause', () => {
    const error = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(fetchFailureReason(error)).toBe('ECONNREFUSED');
  });
  it('uses the cause message when it has no code', () => {
    expect(fetchFailureReason(new TypeError('fetch failed', { cause: new Error('bad port') }))).toBe('bad port');
  });
  it('names timeouts', () => {
    expect(fetchFailureReason(new DOMException('timeout', 'TimeoutError'))).toBe('request timed out');
  });
  it('falls back to the message', () => {
    expect(fetchFailureReason(new Error('boom'))).toBe('boom');
    expect(fetchFailureReason('weird')).toBe('weird');
  });
});
