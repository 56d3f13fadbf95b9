// `/`: the overview of every namespace in the mesh. `?window=` picks the metrics window (default 1m).
import { WindowSelect } from '../components/window-select';
import { metricsWindows, parseWindowParam } from '../features/metrics/window';
import { NamespaceOverview } from '../features/overview/namespace-overview';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  const window = parseWindowParam((await searchParams).window);
  return (
    <>
      <div className="page-header">
        <h1>Overview</h1>
        <WindowSelect value={window} options={metricsWindows} />
      </div>
      <NamespaceOverview window={window} />
    </>
  );
}
