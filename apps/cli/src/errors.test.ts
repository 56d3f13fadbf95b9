import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { describeApiError } from './errors.js';

const API = 'http://127.0.0.1:8085';

describe('describeApiError', () => {
  it('names the API and the socket error when it cannot be reached', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8085'), { code: 'ECONNREFUSED' });
    const err = TRPCClientError.from(new TypeError('fetch failed', { cause: socket }));
    expect(describeApiError(err, API)).toEqual({
      message: 'cannot reach the Signalbox API at http://127.0.0.1:8085: connect ECONNREFUSED 127.0.0.1:8085',
      exitCode: 1,
    });
  });

  it('says metrics are unavailable when Prometheus is down', () => {
    const err = TRPCClientError.from({
      error: { message: 'Prometheus at http://127.0.0.1:9090 is unavailable: timed out', code: -32603, data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, signalboxCode: 'PROMETHEUS_UNAVAILABLE' } },
    });
    expect(describeApiError(err, API).message).toMatch(/^metrics are unavailable: the Signalbox API cannot reach Prometheus \(Prometheus at .* timed out\)$/);
  });

  it('passes other API errors on with their code', () => {
    const err = TRPCClientError.from({ error: { message: 'boom', code: -32603, data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500, signalboxCode: null } } });
    expect(describeApiError(err, API)).toEqual({ message: 'the Signalbox API answered INTERNAL_SERVER_ERROR: boom', exitCode: 1 });
  });
});
