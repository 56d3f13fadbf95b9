// Graph derivation and filters on JSON fixtures shaped like the API's answers for the demo mesh (plus an idle
// workload and a TCP-only link to another namespace's cache).
import { edgesResultSchema, statResultSchema } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { filterGraph, neighbourhood, noFilter } from './filter-graph';
import edgesJson from './fixtures/demo-edges.json';
import statJson from './fixtures/demo-stat.json';
import { toGraph } from './to-graph';

const { edges } = edgesResultSchema.parse(edgesJson);
const { rows } = statResultSchema.parse(statJson);
const graph = toGraph('demo', rows, edges);

describe('toGraph', () => {
  it('has a node per workload, external ones from edges, sorted by id', () => {
    expect(graph.nodes.map((n) => [n.id, n.external, n.idle])).toEqual([
      ['data/cache', true, false],
      ['demo/authors', false, false],
      ['demo/books', false, false],
      ['demo/idle', false, true],
      ['demo/traffic', false, false],
      ['demo/web', false, false],
    ]);
    expect(graph.nodes.find((n) => n.id === 'demo/books')).toMatchObject({ rps: 9.8, successRate: 0.898, meshedPods: 2 });
    expect(graph.nodes.find((n) => n.id === 'data/cache')).toMatchObject({ rps: null, successRate: null, meshedPods: null });
  });

  it('has a link per edge, HTTP and TCP, keyed src>dst', () => {
    expect(graph.links.map((l) => [l.id, l.edge.protocol])).toEqual([
      ['demo/traffic>demo/web', 'http'],
      ['demo/web>data/cache', 'tcp'],
      ['demo/web>demo/authors', 'http'],
      ['demo/web>demo/books', 'http'],
    ]);
  });

  it('makes StatefulSets and DaemonSets nodes of their own kind, apart from a Deployment of the same name', () => {
    const [first] = edges;
    const toSts = { ...first!, src: { namespace: 'demo', kind: 'daemonset' as const, name: 'agent' }, dst: { namespace: 'demo', kind: 'statefulset' as const, name: 'books' } };
    const dbRow = { ...rows[0]!, kind: 'statefulset' as const, namespace: 'demo', name: 'books' };
    const g = toGraph('demo', [...rows, dbRow], [...edges, toSts]);
    expect(g.nodes.filter((n) => n.name === 'books' || n.name === 'agent').map((n) => [n.id, n.kind, n.rps !== null])).toEqual([
      ['demo/books', 'deployment', true],
      ['demo/daemonset/agent', 'daemonset', false],
      ['demo/statefulset/books', 'statefulset', true],
    ]);
    expect(g.links.map((l) => l.id)).toContain('demo/daemonset/agent>demo/statefulset/books');
  });

  it('is the same for the same answers (a stable layout key)', () => {
    expect(toGraph('demo', [...rows].reverse(), [...edges].reverse())).toEqual(graph);
  });
});

describe('filterGraph', () => {
  const ids = (g: { nodes: readonly { id: string }[] }) => g.nodes.map((n) => n.id);

  it('keeps everything without a filter', () => {
    const g = filterGraph(graph, noFilter);
    expect(ids(g)).toEqual(ids(graph));
    expect(g.links).toHaveLength(4);
  });

  it('hides idle workloads', () => {
    expect(ids(filterGraph(graph, { ...noFilter, hideIdle: true }))).not.toContain('demo/idle');
  });

  it('focuses on a neighbourhood of N hops', () => {
    expect(ids(filterGraph(graph, { ...noFilter, focus: 'demo/books', hops: 1 }))).toEqual(['demo/books', 'demo/web']);
    expect(ids(filterGraph(graph, { ...noFilter, focus: 'demo/books', hops: 2 }))).toEqual([
      'data/cache',
      'demo/authors',
      'demo/books',
      'demo/traffic',
      'demo/web',
    ]);
    const unknown = filterGraph(graph, { ...noFilter, focus: 'demo/ghost' });
    expect(unknown.focus).toBeNull();
    expect(unknown.nodes).toHaveLength(graph.nodes.length);
  });

  it('finds by name and keeps direct neighbours, case-insensitively', () => {
    const g = filterGraph(graph, { ...noFilter, search: 'BOOK' });
    expect([...g.matches]).toEqual(['demo/books']);
    expect(ids(g)).toEqual(['demo/books', 'demo/web']);
    expect(g.links.map((l) => l.id)).toEqual(['demo/web>demo/books']);
    expect(filterGraph(graph, { ...noFilter, search: 'nothing' }).nodes).toEqual([]);
  });

  it('follows links both ways for neighbourhoods', () => {
    expect([...neighbourhood(graph.links, 'demo/authors', 1)].sort()).toEqual(['demo/authors', 'demo/web']);
    expect(neighbourhood(graph.links, 'demo/idle', 3)).toEqual(new Set(['demo/idle']));
  });
});
