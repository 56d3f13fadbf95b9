// Hide healthy, alone and with the other filters, on a small mesh where each workload is there for one case:
// client → web (fine) → books (failing, over a failing edge) → stock (TCP only); web → authors (fine), web → ratings
// (fine edge, failing server); other/ext → authors (fine, another namespace); lonely (idle).
import type { Edge } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { filterGraph, healthyNodes, noFilter, type GraphFilter } from './filter-graph';
import type { Graph, GraphLink, GraphNode } from './to-graph';

function node(id: string, successRate: number | null, idle = false): GraphNode {
  const [namespace, name] = id.split('/') as [string, string];
  return {
    id,
    namespace,
    kind: 'deployment',
    name,
    external: namespace !== 'demo',
    rps: successRate === null ? null : 5,
    successRate,
    meshedPods: 1,
    totalPods: 1,
    idle,
  };
}

function link(source: string, target: string, successRate: number | null, protocol: Edge['protocol'] = 'http'): GraphLink {
  const ref = (id: string) => ({ namespace: id.split('/')[0]!, kind: 'deployment' as const, name: id.split('/')[1]! });
  const edge: Edge = {
    src: ref(source),
    dst: ref(target),
    protocol,
    rps: protocol === 'http' ? 5 : 0,
    successRate,
    latencyP99Ms: 10,
    tcpConnections: 1,
    readBytesPerSec: 100,
    writeBytesPerSec: 100,
    secured: true,
    noTlsReason: null,
    clientId: null,
    serverId: null,
  };
  return { id: `${source}>${target}`, source, target, edge };
}

const mesh: Graph = {
  nodes: [
    node('demo/authors', 1),
    node('demo/books', 0.88),
    node('demo/client', null),
    node('demo/lonely', null, true),
    node('demo/ratings', 0.93),
    node('demo/stock', null),
    node('demo/web', 0.99),
    node('other/ext', null),
  ],
  links: [
    link('demo/books', 'demo/stock', null, 'tcp'),
    link('demo/client', 'demo/web', 0.99),
    link('demo/web', 'demo/authors', 1),
    link('demo/web', 'demo/books', 0.9),
    link('demo/web', 'demo/ratings', 1),
    link('other/ext', 'demo/authors', 1),
  ],
};

describe('filterGraph: hide healthy', () => {
  const cases: [string, Partial<GraphFilter>, string[], string[]][] = [
    [
      'hides workloads with traffic and no failures; keeps failing ones, both ends of a failing edge, and idle ones',
      { hideHealthy: true },
      ['demo/books', 'demo/lonely', 'demo/ratings', 'demo/web'],
      ['demo/web>demo/books', 'demo/web>demo/ratings'],
    ],
    [
      'with hide idle, leaves the failing part only',
      { hideHealthy: true, hideIdle: true },
      ['demo/books', 'demo/ratings', 'demo/web'],
      ['demo/web>demo/books', 'demo/web>demo/ratings'],
    ],
    ['hide idle alone leaves healthy workloads', { hideIdle: true }, mesh.nodes.filter((n) => !n.idle).map((n) => n.id), mesh.links.map((l) => l.id)],
    [
      'search looks within what is left: a match keeps its remaining neighbours',
      { hideHealthy: true, search: 'rat' },
      ['demo/ratings', 'demo/web'],
      ['demo/web>demo/ratings'],
    ],
    ['search finds nothing among hidden workloads', { hideHealthy: true, search: 'authors' }, [], []],
    ['focus looks within what is left', { hideHealthy: true, hideIdle: true, focus: 'demo/books', hops: 1 }, ['demo/books', 'demo/web'], ['demo/web>demo/books']],
  ];
  it.each(cases)('%s', (_name, filter, nodes, links) => {
    const g = filterGraph(mesh, { ...noFilter, ...filter });
    expect(g.nodes.map((n) => n.id)).toEqual(nodes);
    expect(g.links.map((l) => l.id)).toEqual(links);
  });
});

describe('healthyNodes', () => {
  // a (no inbound requests) calls b: which of the two are healthy.
  const threshold: [string, number | null, number | null, string[]][] = [
    ['everything succeeds', 1, 1, ['demo/a', 'demo/b']],
    ['95 % is still good (the colour scale)', 0.95, 0.95, ['demo/a', 'demo/b']],
    ['the server answers below 95 %: only the server', 0.949, 1, ['demo/a']],
    ['the edge fails below 95 %: both ends', 1, 0.949, []],
    ['no requests answered is not a failure', null, null, ['demo/a', 'demo/b']],
  ];
  it.each(threshold)('%s', (_name, serverRate, edgeRate, healthy) => {
    const g: Graph = { nodes: [node('demo/a', null), node('demo/b', serverRate)], links: [link('demo/a', 'demo/b', edgeRate)] };
    expect(healthyNodes(g)).toEqual(new Set(healthy));
  });

  it('never calls an idle workload healthy', () => {
    expect(healthyNodes({ nodes: [node('demo/lonely', 1, true)], links: [] })).toEqual(new Set());
  });
});
