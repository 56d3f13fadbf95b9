// Registry files users get wrong, and the messages that must point them at the line to fix.
import { describe, expect, it } from 'vitest';
import { issuePath, parseRegistry, RegistryFileError } from './static-file.js';

const FILE = '/x/reg.yaml';

const good = `
namespaces:
  - name: demo
    pods:
      - name: books-1
        deployment: books
        app: 127.0.0.1:7001
        proxy: { inbound: 127.0.0.1:7101, outbound: 127.0.0.1:7201, admin: 127.0.0.1:7301 }
      - name: books-2
        deployment: books
        app: 127.0.0.1:7002
    services:
      - { name: books, port: 7000, deployment: books }
`;

/** Two meshed pods; SECOND is the second pod's proxy block. */
const perHost = good.replace('        app: 127.0.0.1:7002\n', '        app: 127.0.0.1:7002\n        proxy: SECOND\n');

function problems(text: string): string[] {
  try {
    parseRegistry(text, FILE);
  } catch (err) {
    if (err instanceof RegistryFileError) return [...err.problems];
    throw err;
  }
  throw new Error('expected the registry to be refused');
}

describe('parseRegistry', () => {
  it('accepts a good registry, filling defaults', () => {
    const registry = parseRegistry(good, FILE);
    expect(registry.namespaces[0]?.pods.map((p) => [p.name, p.serviceAccount, p.proxy?.inbound])).toEqual([
      ['books-1', 'default', '127.0.0.1:7101'],
      ['books-2', 'default', undefined],
    ]);
  });

  it('accepts pods that share one per-host proxy (same outbound and admin, own inbound)', () => {
    const text = perHost.replace('SECOND', '{ inbound: 127.0.0.1:7102, outbound: 127.0.0.1:7201, admin: 127.0.0.1:7301 }');
    expect(parseRegistry(text, FILE).namespaces[0]?.pods.map((p) => p.proxy?.admin)).toEqual(['127.0.0.1:7301', '127.0.0.1:7301']);
  });

  it('accepts services with cluster IPs, one IP on several services on different ports', () => {
    const text = good.replace(
      '      - { name: books, port: 7000, deployment: books }',
      '      - { name: books, port: 7000, deployment: books, clusterIPs: [10.96.0.10, "fd00::10"] }\n      - { name: shelf, port: 7001, deployment: books, clusterIPs: [10.96.0.10] }',
    );
    expect(parseRegistry(text, FILE).namespaces[0]?.services.map((s) => s.clusterIPs)).toEqual([['10.96.0.10', 'fd00::10'], ['10.96.0.10']]);
  });

  it('accepts an empty namespace list', () => {
    expect(parseRegistry('namespaces: []\n', FILE)).toEqual({ namespaces: [] });
  });

  it.each([
    {
      what: 'bad YAML syntax, with line:col',
      text: 'namespaces:\n  - name: demo\n    pods: [\n',
      expected: [/^registry \/x\/reg\.yaml:\d+:\d+: /],
    },
    {
      what: 'a duplicate YAML key',
      text: 'namespaces: []\nnamespaces: []\n',
      expected: [/^registry \/x\/reg\.yaml:2:1: .*[Mm]ap keys must be unique/],
    },
    {
      what: 'an unknown key',
      text: good.replace('        deployment: books\n        app: 127.0.0.1:7001', '        deployment: books\n        colour: red\n        app: 127.0.0.1:7001'),
      expected: [/^registry \/x\/reg\.yaml: namespaces\[0\]\.pods\[0\]: .*"colour".* \(line 5, column 9\)$/],
    },
    {
      what: 'a bad address',
      text: good.replace('app: 127.0.0.1:7002', 'app: 127.0.0.1:99999'),
      expected: [
        'registry /x/reg.yaml: namespaces[0].pods[1].app: expected "host:port" with a port from 1 to 65535 (line 11, column 14)',
      ],
    },
    {
      what: 'an address without a port',
      text: good.replace('inbound: 127.0.0.1:7101', 'inbound: localhost'),
      expected: [/^registry \/x\/reg\.yaml: namespaces\[0\]\.pods\[0\]\.proxy\.inbound: expected "host:port"/],
    },
    {
      what: 'a duplicate pod',
      text: good.replace('name: books-2', 'name: books-1'),
      expected: [/^registry \/x\/reg\.yaml: namespaces\[0\]\.pods\[1\]\.name: duplicate pod name "books-1" \(line 9, /],
    },
    {
      what: 'a duplicate address',
      text: good.replace('app: 127.0.0.1:7002', 'app: 127.0.0.1:7101'),
      expected: [
        /^registry \/x\/reg\.yaml: namespaces\[0\]\.pods\[1\]\.app: address 127\.0\.0\.1:7101 is also used by demo\/books-1\.inbound/,
      ],
    },
    {
      what: 'a shared admin address with a different outbound (two proxies, one admin)',
      text: perHost.replace('SECOND', '{ inbound: 127.0.0.1:7102, outbound: 127.0.0.1:7202, admin: 127.0.0.1:7301 }'),
      expected: [/^registry \/x\/reg\.yaml: namespaces\[0\]\.pods\[1\]\.proxy\.admin: address 127\.0\.0\.1:7301 is also used by demo\/books-1\.admin/],
    },
    {
      what: 'a shared inbound address (a per-host proxy needs one inbound listener per pod)',
      text: perHost.replace('SECOND', '{ inbound: 127.0.0.1:7101, outbound: 127.0.0.1:7201, admin: 127.0.0.1:7301 }'),
      expected: [/^registry \/x\/reg\.yaml: namespaces\[0\]\.pods\[1\]\.proxy\.inbound: address 127\.0\.0\.1:7101 is also used by demo\/books-1\.inbound/],
    },
    {
      what: "one pod's admin address as another's outbound",
      text: perHost.replace('SECOND', '{ inbound: 127.0.0.1:7102, outbound: 127.0.0.1:7301, admin: 127.0.0.1:7201 }'),
      expected: [/pods\[1\]\.proxy\.outbound: address 127\.0\.0\.1:7301 is also used by demo\/books-1\.admin/, /pods\[1\]\.proxy\.admin: address 127\.0\.0\.1:7201 is also used by demo\/books-1\.outbound/],
    },
    {
      what: 'a cluster IP that is not an IP',
      text: good.replace('deployment: books }', 'deployment: books, clusterIPs: [books.local] }'),
      expected: [/^registry \/x\/reg\.yaml: namespaces\[0\]\.services\[0\]\.clusterIPs\[0\]: /],
    },
    {
      what: 'one cluster IP and port for two services',
      text: good.replace(
        '      - { name: books, port: 7000, deployment: books }',
        '      - { name: books, port: 7000, deployment: books, clusterIPs: [10.96.0.10] }\n      - { name: shelf, port: 7000, deployment: books, clusterIPs: [10.96.0.10] }',
      ),
      expected: [/^registry \/x\/reg\.yaml: namespaces\[0\]\.services\[1\]\.clusterIPs\[0\]: 10\.96\.0\.10:7000 is also service demo\/books/],
    },
    {
      what: 'a missing field',
      text: good.replace('        deployment: books\n        app: 127.0.0.1:7002\n', '        app: 127.0.0.1:7002\n'),
      expected: [/^registry \/x\/reg\.yaml: namespaces\[0\]\.pods\[1\]\.deployment: .*expected string.* \(line 9, column 9\)$/],
    },
    {
      what: 'a bad name',
      text: good.replace('name: demo', 'name: Demo_NS'),
      expected: [/^registry \/x\/reg\.yaml: namespaces\[0\]\.name: must be a DNS-1123 label/],
    },
    {
      what: 'an empty file',
      text: '',
      expected: [/^registry \/x\/reg\.yaml: namespaces: .*expected array/],
    },
    {
      what: 'two problems at once',
      text: good.replace('port: 7000', 'port: 0').replace('app: 127.0.0.1:7002', 'app: nope'),
      expected: [/pods\[1\]\.app: expected "host:port"/, /services\[0\]\.port: /],
    },
  ])('refuses $what', ({ text, expected }) => {
    const found = problems(text);
    expect(found).toHaveLength(expected.length);
    expected.forEach((e, i) => (typeof e === 'string' ? expect(found[i]).toBe(e) : expect(found[i]).toMatch(e)));
  });
});

describe('issuePath', () => {
  it.each([
    [[], '(top level)'],
    [['namespaces'], 'namespaces'],
    [['namespaces', 0, 'pods', 1, 'app'], 'namespaces[0].pods[1].app'],
  ] as const)('%j → %s', (segments, expected) => {
    expect(issuePath(segments)).toBe(expected);
  });
});
