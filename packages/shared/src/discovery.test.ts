import { describe, expect, it } from 'vitest';
import { destinationGetSchema, destinationUpdateSchema } from './discovery.js';

describe('protocol hints on the destination stream', () => {
  const ep = { addr: '10.0.0.7:7000', meshed: false, labels: { namespace: 'demo', service: 'mysql', deployment: 'mysql', pod: 'mysql-0', serviceaccount: 'default' } };

  it('carries an opaque hint on endpoints and service answers, and none by default', () => {
    expect(destinationUpdateSchema.parse({ type: 'add', endpoints: [{ ...ep, protocolHint: 'opaque' }] })).toEqual({ type: 'add', endpoints: [{ ...ep, protocolHint: 'opaque' }] });
    expect(destinationUpdateSchema.parse({ type: 'address', service: 'mysql.demo.svc.cluster.local:7000', protocolHint: 'opaque' })).toMatchObject({ protocolHint: 'opaque' });
    expect(destinationUpdateSchema.parse({ type: 'add', endpoints: [ep] })).toEqual({ type: 'add', endpoints: [ep] });
  });

  it('rejects a hint it does not know', () => {
    const r = destinationUpdateSchema.safeParse({ type: 'add', endpoints: [{ ...ep, protocolHint: 'smtp' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['endpoints', 0, 'protocolHint']);
  });

  it('serves v=3 streams, the ones that carry hints', () => {
    expect(destinationGetSchema.parse({ v: 3, authority: 'mysql.demo:7000' }).v).toBe(3);
    expect(destinationGetSchema.safeParse({ v: 4, authority: 'mysql.demo:7000' }).success).toBe(false);
  });
});
