import type { Endpoint } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { RoundRobin } from './round-robin.js';

const ep = (addr: string): Endpoint => ({
  addr,
  meshed: true,
  labels: { namespace: 'demo', service: 'web', deployment: 'web', pod: addr, serviceaccount: 'default' },
});
const a = ep('10.0.0.1:80');
const b = ep('10.0.0.2:80');
const c = ep('10.0.0.3:80');

describe('RoundRobin', () => {
  it.each<[string, Endpoint[][], number[], (string | undefined)[]]>([
    ['empty set', [[]], [2], [undefined, undefined]],
    ['cycles in order', [[a, b, c]], [6], ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80', '10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80']],
    ['an added endpoint joins the cycle', [[a, b], [a, b, c]], [1, 4], ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80', '10.0.0.1:80', '10.0.0.2:80']],
    ['a removed endpoint is never chosen again', [[a, b, c], [a, c]], [2, 4], ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.1:80', '10.0.0.3:80', '10.0.0.1:80', '10.0.0.3:80']],
    ['set emptied then refilled', [[a], [], [b]], [1, 1, 2], ['10.0.0.1:80', undefined, '10.0.0.2:80', '10.0.0.2:80']],
  ])('%s', (_n, sets, picks, expected) => {
    const rr = new RoundRobin();
    const seen: (string | undefined)[] = [];
    sets.forEach((set, i) => {
      rr.update(set);
      for (let k = 0; k < (picks[i] as number); k++) seen.push(rr.choose()?.endpoint.addr);
    });
    expect(seen).toEqual(expected);
  });
});
