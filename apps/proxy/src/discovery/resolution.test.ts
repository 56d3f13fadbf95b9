import type { EndpointUpdate, Endpoint } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { Resolution } from './resolution.js';

const ep = (addr: string): Endpoint => ({
  addr,
  meshed: true,
  labels: { namespace: 'demo', service: 'web', deployment: 'web', pod: addr, serviceaccount: 'default' },
});
const add = (...addrs: string[]): EndpointUpdate => ({ type: 'add', endpoints: addrs.map(ep) });

describe('Resolution', () => {
  it.each<[string, [EndpointUpdate, boolean][], string[], boolean]>([
    ['add then add merges', [[add('a:1'), true], [add('b:1'), false]], ['a:1', 'b:1'], true],
    ['add replaces an endpoint with the same addr', [[add('a:1'), true], [add('a:1'), false]], ['a:1'], true],
    ['remove', [[add('a:1', 'b:1'), true], [{ type: 'remove', addrs: ['a:1'] }, false]], ['b:1'], true],
    ['noEndpoints clears', [[add('a:1'), true], [{ type: 'noEndpoints', exists: true }, false]], [], true],
    ['unknown service', [[{ type: 'noEndpoints', exists: false }, true]], [], false],
    ['first message after reconnect replaces the stale set', [[add('a:1', 'b:1'), true], [add('c:1'), true]], ['c:1'], true],
  ])('%s', (_n, updates, addrs, exists) => {
    const r = new Resolution('web.demo:80');
    for (const [u, first] of updates) r.apply(u, first);
    expect(r.endpoints.map((e) => e.addr)).toEqual(addrs);
    expect(r.exists).toBe(exists);
    expect(r.status).toBe('resolved');
  });

  it('keeps the stale set when the stream fails after an answer', () => {
    const r = new Resolution('web.demo:80');
    r.apply(add('a:1'), true);
    r.failed();
    expect([r.status, r.endpoints.length]).toEqual(['resolved', 1]);
  });

  it('is unavailable when the stream fails before any answer, and notifies', () => {
    const r = new Resolution('web.demo:80');
    let calls = 0;
    r.subscribe(() => calls++);
    r.failed();
    expect([r.status, calls]).toEqual(['unavailable', 1]);
  });
});
