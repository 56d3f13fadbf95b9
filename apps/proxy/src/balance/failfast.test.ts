import type { Endpoint } from '@signalbox/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Resolution } from '../discovery/resolution.js';
import { chooseEndpoint } from './failfast.js';
import { RoundRobin } from './round-robin.js';

const ep: Endpoint = {
  addr: '10.0.0.1:80',
  meshed: true,
  labels: { namespace: 'demo', service: 'web', deployment: 'web', pod: 'web-1', serviceaccount: 'default' },
};

function wired() {
  const resolution = new Resolution('web.demo:80');
  const balancer = new RoundRobin();
  resolution.subscribe(() => balancer.update(resolution.endpoints));
  return { resolution, balancer };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('chooseEndpoint (failfast)', () => {
  it('serves a waiting request when an endpoint arrives', async () => {
    const { resolution, balancer } = wired();
    const p = chooseEndpoint(balancer, resolution, 1000);
    resolution.apply({ type: 'add', endpoints: [ep] }, true);
    await expect(p.then((pick) => pick.endpoint)).resolves.toBe(ep);
  });

  it.each<[string, (r: Resolution) => void, string]>([
    ['nothing heard', () => {}, 'discovery-unavailable'],
    ['control plane unreachable', (r) => r.failed(), 'discovery-unavailable'],
    ['unknown service', (r) => r.apply({ type: 'noEndpoints', exists: false }, true), 'unknown-authority'],
    ['service without endpoints', (r) => r.apply({ type: 'noEndpoints', exists: true }, true), 'no-endpoints'],
    [
      'all endpoints removed',
      (r) => {
        r.apply({ type: 'add', endpoints: [ep] }, true);
        r.apply({ type: 'remove', addrs: [ep.addr] }, false);
      },
      'no-endpoints',
    ],
  ])('fails after the timeout: %s → %s', async (_n, setup, code) => {
    const { resolution, balancer } = wired();
    setup(resolution);
    const p = chooseEndpoint(balancer, resolution, 1000);
    const check = expect(p).rejects.toMatchObject({ code });
    await vi.advanceTimersByTimeAsync(1000);
    await check;
  });
});
