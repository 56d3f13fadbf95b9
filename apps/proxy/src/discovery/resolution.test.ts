import type { EndpointUpdate, Endpoint } from '@signalbox/shared';
import { describe, expect, it, vi } from 'vitest';
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

  it('holds the last answer about an address, each replacing the previous one', () => {
    const r = new Resolution('10.96.0.10:80');
    r.applyAddress({ type: 'address', service: 'web.demo.svc.cluster.local:80' });
    r.applyAddress({ type: 'address', endpoint: ep('10.0.0.1:4143') });
    expect([r.status, r.address]).toEqual(['resolved', { type: 'address', endpoint: ep('10.0.0.1:4143') }]);
  });

  it('is opaque when an address answer, its endpoint, or any endpoint of a service carries the hint', () => {
    const hinted = { ...ep('a:1'), protocolHint: 'opaque' as const };
    const address = new Resolution('10.96.0.10:7000');
    expect(address.opaque).toBe(false);
    address.applyAddress({ type: 'address', service: 'db.demo.svc.cluster.local:7000', protocolHint: 'opaque' });
    expect(address.opaque).toBe(true);
    address.applyAddress({ type: 'address', service: 'db.demo.svc.cluster.local:7000' });
    expect(address.opaque).toBe(false);
    address.applyAddress({ type: 'address', endpoint: hinted });
    expect(address.opaque).toBe(true);

    const service = new Resolution('db.demo:7000');
    service.apply(add('b:1'), true);
    expect(service.opaque).toBe(false);
    service.apply({ type: 'add', endpoints: [hinted] }, false);
    expect(service.opaque).toBe(true);
    service.apply({ type: 'remove', addrs: ['a:1'] }, false);
    expect(service.opaque).toBe(false);
  });

  it('answered: at once when resolved, on the first answer or failure, else after the timeout', async () => {
    vi.useFakeTimers();
    try {
      const order: string[] = [];
      const answered = new Resolution('10.0.0.1:80');
      const failing = new Resolution('10.0.0.2:80');
      const silent = new Resolution('10.0.0.3:80');
      void answered.answered(1000).then(() => order.push('answered'));
      void failing.answered(1000).then(() => order.push('failed'));
      void silent.answered(1000).then(() => order.push('timeout'));
      answered.applyAddress({ type: 'address' });
      failing.failed();
      await vi.advanceTimersByTimeAsync(999);
      expect(order).toEqual(['answered', 'failed']);
      await vi.advanceTimersByTimeAsync(1);
      expect(order).toEqual(['answered', 'failed', 'timeout']);
      await answered.answered(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
