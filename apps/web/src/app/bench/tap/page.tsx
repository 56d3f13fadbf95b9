// `/bench/tap?rate=1000&seconds=20`: the tap view fed synthetic events, for the load measurement
// (apps/web/e2e/tap-load.spec.ts). Not linked from the dashboard.
import type { Metadata } from 'next';
import { TapBench } from '../../../features/tap/tap-bench';

export const metadata: Metadata = { title: 'Tap benchmark · Signalbox', robots: { index: false } };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function count(value: string | string[] | undefined, fallback: number, max: number): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}

export default async function TapBenchPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  return <TapBench rate={count(params.rate, 1000, 20_000)} seconds={count(params.seconds, 20, 300)} />;
}
