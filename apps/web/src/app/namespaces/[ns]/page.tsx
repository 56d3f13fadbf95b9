// `/namespaces/[ns]`: one namespace's topology and its deployments, statefulsets and daemonsets (when it has any), pods
// and services with their golden metrics.
// `?window=` as on the overview; the topology keeps its filters and zoom in the URL too.
import { resourceNameSchema } from '@signalbox/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { WindowSelect } from '../../../components/window-select';
import { ResourceStats } from '../../../features/metrics/resource-stats';
import { metricsWindows, parseWindowParam } from '../../../features/metrics/window';
import { NamespaceTopology } from '../../../features/topology/namespace-topology';

type Params = Promise<{ ns: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { ns } = await params;
  return { title: `${ns} · Signalbox` };
}

export default async function NamespacePage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const namespace = (await params).ns;
  const window = parseWindowParam((await searchParams).window);
  const valid = resourceNameSchema.safeParse(namespace).success;
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href={`/?window=${window}`}>Namespaces</Link> / <span>{namespace}</span>
      </nav>
      <div className="page-header">
        <h1>
          Namespace <span className="resource-name">{namespace}</span>
        </h1>
        <WindowSelect value={window} options={metricsWindows} />
      </div>
      {valid ? (
        <div className="stack">
          <NamespaceTopology namespace={namespace} window={window} />
          <ResourceStats kind="deployment" namespace={namespace} window={window} />
          <ResourceStats kind="statefulset" namespace={namespace} window={window} onlyWhenPresent />
          <ResourceStats kind="daemonset" namespace={namespace} window={window} onlyWhenPresent />
          <ResourceStats kind="pod" namespace={namespace} window={window} />
          <ResourceStats kind="service" namespace={namespace} window={window} />
        </div>
      ) : (
        <div className="error-banner" role="alert" data-kind="bad-request">
          <strong>“{namespace}” is not a valid namespace name</strong>
          <span className="error-banner-note">Namespace names are DNS-1123 labels: lower-case letters, digits and “-”.</span>
        </div>
      )}
    </>
  );
}
