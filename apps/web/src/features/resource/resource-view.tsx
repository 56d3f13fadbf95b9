'use client';
// A resource's detail page body: header (meshed status, numbers, pods), charts over the chosen range, inbound and
// outbound edges, the routes of the services behind it and the live-calls section. The `resource` query is shared
// (react-query dedupes it) so the edge and route tables know which workloads and services stand behind the resource.
import { useQuery } from '@tanstack/react-query';
import type { DetailKind } from '../../lib/links';
import { liveQueryOptions } from '../../lib/query-client';
import { useTRPC } from '../../lib/trpc';
import { LiveCalls } from './live-calls';
import { ResourceCharts } from './resource-charts';
import { ResourceEdgesTables } from './resource-edges-tables';
import { ResourceHeader } from './resource-header';
import { ResourceRoutes } from './resource-routes';
import { edgesNote, edgeWorkloads, liveCallsTarget } from './resource-workloads';
import type { TimeRange } from './time-range';

export function ResourceView({ kind, namespace, name, range }: { kind: DetailKind; namespace: string; name: string; range: TimeRange }) {
  const trpc = useTRPC();
  const resource = useQuery(trpc.resource.queryOptions({ kind, namespace, name }, liveQueryOptions));
  const detail = resource.data;
  return (
    <div className="stack">
      <ResourceHeader kind={kind} namespace={namespace} name={name} window={range.window} />
      <ResourceCharts kind={kind} namespace={namespace} name={name} range={range} />
      <ResourceEdgesTables namespace={namespace} workloads={edgeWorkloads(detail)} window={range.window} note={edgesNote(kind, detail)} />
      <ResourceRoutes namespace={namespace} services={kind === 'service' ? [name] : detail?.services} window={range.window} />
      <LiveCalls target={liveCallsTarget(kind, namespace, name, detail)} />
    </div>
  );
}
