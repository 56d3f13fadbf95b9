import { describe, expect, it } from 'vitest';
import { classify, grpcStatus, isGrpcContentType, responseGrpcStatus } from './classify.js';

describe('classify', () => {
  it.each([
    // status, grpc, error, expected
    [200, undefined, '', 'success'],
    [404, undefined, '', 'success'],
    [499, undefined, '', 'success'],
    [500, undefined, '', 'failure'],
    [503, undefined, '', 'failure'],
    [200, undefined, 'upstream-reset', 'failure'],
    [0, undefined, 'client-gone', 'failure'],
    [200, 0, '', 'success'],
    [200, 0, 'upstream-reset', 'failure'],
    // gRPC status decides, not the HTTP status
    [500, 5, '', 'success'],
  ] as const)('status %s grpc %s error %j → %s', (status, grpc, error, expected) => {
    expect(classify(status, grpc, error)).toBe(expected);
  });

  const failures = new Set([2, 4, 7, 13, 14, 15]);
  it.each(Object.entries(grpcStatus))('grpc %s (%i) follows Linkerd defaults', (_name, code) => {
    expect(classify(200, code, '')).toBe(failures.has(code) ? 'failure' : 'success');
  });
});

describe('isGrpcContentType', () => {
  it.each([
    ['application/grpc', true],
    ['application/grpc+proto', true],
    ['application/grpc+json', true],
    ['application/grpc-web', true],
    ['Application/GRPC', true],
    ['application/grpcx', false],
    ['application/json', false],
    [undefined, false],
  ] as const)('%s → %s', (ct, expected) => expect(isGrpcContentType(ct)).toBe(expected));
});

describe('responseGrpcStatus', () => {
  it.each([
    // content-type, header grpc-status (trailers-only), trailer grpc-status, expected
    ['application/grpc', undefined, '0', 0],
    ['application/grpc', undefined, '5', 5],
    ['application/grpc', '14', undefined, 14],
    ['application/grpc', '0', '13', 13],
    ['application/grpc', undefined, undefined, grpcStatus.unknown],
    ['application/grpc', undefined, 'nope', grpcStatus.unknown],
    ['text/plain', undefined, undefined, undefined],
    [undefined, undefined, '4', 4],
  ] as const)('%s header %s trailer %s → %s', (ct, header, trailer, expected) => {
    expect(responseGrpcStatus(ct, header, trailer)).toBe(expected);
  });
});
