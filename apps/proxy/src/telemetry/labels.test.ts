import { describe, expect, it } from 'vitest';
import { endpointLabelNames, targetKey, targetLabels } from './labels.js';

describe('targetLabels', () => {
  it('builds outbound labels in Linkerd order with dst_*', () => {
    expect(
      targetLabels({
        direction: 'outbound',
        authority: 'books.demo:7000',
        addr: '127.0.0.1:4143',
        noTlsReason: 'not_provided_by_service_discovery',
        dst: { namespace: 'demo', service: 'books', deployment: 'books', pod: 'books-1', serviceaccount: 'default' },
      }),
    ).toEqual({
      direction: 'outbound',
      authority: 'books.demo:7000',
      target_addr: '127.0.0.1:4143',
      target_ip: '127.0.0.1',
      target_port: '4143',
      tls: 'no_identity',
      no_tls_reason: 'not_provided_by_service_discovery',
      dst_namespace: 'demo',
      dst_service: 'books',
      dst_deployment: 'books',
      dst_pod: 'books-1',
      dst_serviceaccount: 'default',
    });
  });

  it.each([
    ['statefulset', 'dst_statefulset'],
    ['daemonset', 'dst_daemonset'],
    ['replicaset', 'dst_replicaset'],
    ['k8s_job', 'dst_k8s_job'],
  ] as const)('names an endpoint owned by a %s as %s, with dst_deployment empty', (owner, label) => {
    const dst = { namespace: 'demo', service: 'db', deployment: '', pod: 'db-0', serviceaccount: 'db', [owner]: 'db' };
    const labels = targetLabels({ direction: 'outbound', addr: '10.0.0.1:4143', noTlsReason: 'x', dst });
    expect(Object.entries(labels).filter(([k]) => k.startsWith('dst_'))).toEqual([
      ['dst_namespace', 'demo'],
      ['dst_service', 'db'],
      ['dst_deployment', ''],
      ['dst_pod', 'db-0'],
      ['dst_serviceaccount', 'db'],
      [label, 'db'],
    ]);
    expect(endpointLabelNames).toContain(label);
  });

  it('keys differ by the endpoint owner’s kind', () => {
    const dst = { namespace: 'demo', service: 'db', deployment: '', pod: 'db-0', serviceaccount: 'db' };
    const t = (owner: object) => targetKey({ direction: 'outbound', addr: 'a:1', noTlsReason: 'x', dst: { ...dst, ...owner } });
    const keys = [t({}), t({ statefulset: 'db' }), t({ daemonset: 'db' }), t({ replicaset: 'db' }), t({ k8s_job: 'db' })];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('omits authority and dst_* inbound', () => {
    expect(Object.keys(targetLabels({ direction: 'inbound', addr: '[::1]:80', noTlsReason: 'no_tls_from_remote' }))).toEqual([
      'direction',
      'target_addr',
      'target_ip',
      'target_port',
      'tls',
      'no_tls_reason',
    ]);
  });

  it('keys differ when any label differs', () => {
    const t = { direction: 'inbound' as const, addr: 'a:1', noTlsReason: 'x' };
    expect(targetKey(t)).not.toBe(targetKey({ ...t, addr: 'a:2' }));
  });

  it.each([
    ['inbound mTLS', { tls: { clientId: 'web.demo' } }, { tls: 'true', client_id: 'web.demo' }],
    ['outbound mTLS', { tls: { serverId: 'books.demo' } }, { tls: 'true', server_id: 'books.demo' }],
    ['TLS passed through', { tls: 'opaque' as const }, { tls: 'opaque' }],
    ['plaintext', {}, { tls: 'no_identity', no_tls_reason: 'x' }],
  ])('labels %s as Linkerd does', (_what, extra, expected) => {
    const labels = targetLabels({ direction: 'inbound', addr: 'a:1', noTlsReason: 'x', ...extra });
    const { direction: _d, target_addr: _a, target_ip: _i, target_port: _p, ...tls } = labels;
    expect(tls).toEqual(expected);
  });

  it('keys differ by TLS state and peer identity', () => {
    const t = { direction: 'inbound' as const, addr: 'a:1', noTlsReason: 'x' };
    const keys = [t, { ...t, tls: { clientId: 'a' } }, { ...t, tls: { clientId: 'b' } }, { ...t, tls: { serverId: 'a' } }, { ...t, tls: 'opaque' as const }].map(targetKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
