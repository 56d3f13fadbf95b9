import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { describeApiError, shouldRetry } from './api-error';
import { unreachableEnvelope } from './api-proxy';

function trpcError(message: string, data: Record<string, unknown>) {
  return TRPCClientError.from({ error: { message, code: -32603, data } });
}

describe('describeApiError', () => {
  it('names Prometheus when it is unreachable', () => {
    const error = trpcError('connect ECONNREFUSED', {
      code: 'SERVICE_UNAVAILABLE',
      httpStatus: 503,
      signalboxCode: 'PROMETHEUS_UNAVAILABLE',
    });
    expect(describeApiError(error)).toEqual({
      kind: 'prometheus-unavailable',
      message: 'Metrics unavailable: Prometheus is unreachable',
      detail: 'connect ECONNREFUSED',
    });
  });

  it('names a Prometheus error', () => {
    const error = trpcError('bad_data', { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500, signalboxCode: 'PROMETHEUS_ERROR' });
    expect(describeApiError(error).kind).toBe('prometheus-error');
  });

  it('names the API when the dashboard route could not reach it', () => {
    const error = TRPCClientError.from(unreachableEnvelope('ECONNREFUSED'));
    expect(describeApiError(error)).toMatchObject({ kind: 'api-unreachable', message: 'Cannot reach the Signalbox API' });
  });

  it('names the API when the request itself failed (no data)', () => {
    const error = TRPCClientError.from(new TypeError('Failed to fetch'));
    expect(describeApiError(error)).toMatchObject({ kind: 'api-unreachable', detail: 'Failed to fetch' });
    expect(describeApiError(new Error('offline')).kind).toBe('api-unreachable');
  });

  it('recognises an unknown resource', () => {
    expect(describeApiError(trpcError('pod demo/x is not in the registry', { code: 'NOT_FOUND', httpStatus: 404 }))).toEqual({
      kind: 'not-found',
      message: 'Not found',
      detail: 'pod demo/x is not in the registry',
    });
  });

  it('recognises bad requests and falls back to a generic message', () => {
    expect(describeApiError(trpcError('window', { code: 'BAD_REQUEST', httpStatus: 400 })).kind).toBe('bad-request');
    expect(describeApiError(trpcError('boom', { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 }))).toMatchObject({
      kind: 'unknown',
      message: 'The Signalbox API answered with an error',
    });
  });
});

describe('shouldRetry', () => {
  it('retries once, except bad requests and unknown resources', () => {
    const unavailable = trpcError('x', { signalboxCode: 'PROMETHEUS_UNAVAILABLE' });
    expect(shouldRetry(0, unavailable)).toBe(true);
    expect(shouldRetry(1, unavailable)).toBe(false);
    expect(shouldRetry(0, trpcError('x', { code: 'BAD_REQUEST', httpStatus: 400 }))).toBe(false);
    expect(shouldRetry(0, trpcError('x', { code: 'NOT_FOUND', httpStatus: 404 }))).toBe(false);
  });
});
