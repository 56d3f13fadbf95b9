import { labelNames as L } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { ByOutcome } from './by-outcome.js';
import { Counter, Registry } from './prom.js';

const labelNames = ['dst', L.statusCode, L.classification, L.grpcStatus, L.error];

async function counted(count: (by: ByOutcome) => void): Promise<Record<string, number>> {
  const registry = new Registry();
  const by = new ByOutcome({ dst: 'books' });
  new Counter({ name: 'responses', help: 'h', labelNames, registers: [registry], collect() { by.flush(this); } });
  count(by);
  const [metric] = await registry.getMetricsAsJSON();
  return Object.fromEntries((metric?.values ?? []).map((v) => [Object.values(v.labels).join('/'), v.value]));
}

describe('ByOutcome', () => {
  it('counts each distinct outcome in its own series, plain and not', async () => {
    expect(
      await counted((by) => {
        for (let i = 0; i < 3; i++) {
          by.count(200, 'success', '', undefined);
          by.count(200, 'failure', '', undefined); // a route's response class can make any status a failure
          by.count(500, 'failure', '', undefined);
          by.count(0, 'failure', 'upstream-reset', undefined);
          by.count(200, 'success', '', 0);
          by.count(200, 'failure', '', 14);
        }
        by.count(0, 'success', '', undefined);
        by.count(0, 'failure', '', undefined);
      }),
    ).toEqual({
      'books/200/success//': 3,
      'books/200/failure//': 3,
      'books/500/failure//': 3,
      'books//failure//upstream-reset': 3,
      'books/200/success/0/': 3,
      'books/200/failure/14/': 3,
      'books//success//': 1,
      'books//failure//': 1,
    });
  });

  it('hands each count over once: a flush resets what it reported', async () => {
    const registry = new Registry();
    const by = new ByOutcome({ dst: 'books' });
    new Counter({ name: 'responses', help: 'h', labelNames, registers: [registry], collect() { by.flush(this); } });
    by.count(200, 'success', '', undefined);
    await registry.getMetricsAsJSON();
    by.count(200, 'success', '', undefined);
    by.count(503, 'failure', 'no-endpoints', undefined);
    const [metric] = await registry.getMetricsAsJSON();
    expect(metric?.values.map((v) => [v.labels[L.statusCode], v.value])).toEqual([
      ['200', 2],
      ['503', 1],
    ]);
  });
});
