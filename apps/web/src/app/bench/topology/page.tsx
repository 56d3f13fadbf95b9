// `/bench/topology?nodes=500&edges=1500`: the topology on a synthetic mesh, for the scale measurement
// (apps/web/e2e/topology-scale.spec.ts). Not linked from the dashboard.
import type { Metadata } from 'next';
import { TopologyBench } from '../../../features/topology/topology-bench';

export const metadata: Metadata = { title: 'Topology benchmark · Signalbox', robots: { index: false } };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function count(value: string | string[] | undefined, fallback: number, max: number): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}

export default async function TopologyBenchPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  return <TopologyBench nodes={count(params.nodes, 500, 5000)} edges={count(params.edges, 1500, 20000)} />;
}
