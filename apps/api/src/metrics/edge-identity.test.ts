import { registrySchema, type Edge } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { edgeTraffic } from '../../test/support/edge.js';
import { withClientIds } from './edge-identity.js';

const proxy = (n: number) => ({ inbound: `127.0.0.1:${n + 1}`, outbound: `127.0.0.1:${n + 2}`, admin: `127.0.0.1:${n + 3}` });
const registry = registrySchema.parse({
  namespaces: [
    {
      name: 'demo',
      pods: [
        { name: 'web-0', deployment: 'web', serviceAccount: 'web-sa', app: '127.0.0.1:100', proxy: proxy(100) },
        { name: 'mixed-0', deployment: 'mixed', serviceAccount: 'a', app: '127.0.0.1:200', proxy: proxy(200) },
        { name: 'mixed-1', deployment: 'mixed', serviceAccount: 'b', app: '127.0.0.1:300', proxy: proxy(300) },
        { name: 'plain-0', deployment: 'plain', serviceAccount: 'plain', app: '127.0.0.1:400' },
        { name: 'db-0', deployment: 'db', ownerKind: 'statefulset', serviceAccount: 'db-sa', app: '127.0.0.1:500', proxy: proxy(500) },
      ],
    },
  ],
});
const booksId = 'books.demo.serviceaccount.identity.signalbox.example.org';
const edge = (src: string, secured: boolean, kind: Edge['src']['kind'] = 'deployment'): Edge => ({
  src: { namespace: 'demo', kind, name: src },
  dst: { namespace: 'demo', kind: 'deployment', name: 'books' },
  ...edgeTraffic,
  secured,
  noTlsReason: secured ? null : 'not_provided_by_service_discovery',
  clientId: null,
  serverId: secured ? booksId : null,
});

describe('client identity of an edge', () => {
  it.each([
    ['a secured edge from a meshed workload: its account, in the server’s trust domain', edge('web', true), 'web-sa.demo.serviceaccount.identity.signalbox.example.org'],
    ['an unsecured edge: none', edge('web', false), null],
    ['pods with different accounts: ambiguous, none', edge('mixed', true), null],
    ['an unmeshed source: none', edge('plain', true), null],
    ['a source the registry does not know: none', edge('ghost', true), null],
    ['a StatefulSet source: its pods’ account', edge('db', true, 'statefulset'), 'db-sa.demo.serviceaccount.identity.signalbox.example.org'],
    ['a Deployment named like a StatefulSet: not its pods', edge('db', true), null],
  ])('%s', (_name, input, clientId) => {
    expect(withClientIds([input], registry)[0]?.clientId).toBe(clientId);
  });
});
