// `/namespaces/[ns]`: one namespace's deployments with their golden metrics. `?window=` as on the overview.
import { resourceNameSchema } from '@signalbox/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { WindowSelect } from '../../../components/window-select';
import { DeploymentStats } from '../../../features/metrics/deployment-stats';
import { metricsWindows, parseWindowParam } from '../../../features/metrics/window';

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
        <DeploymentStats namespace={namespace} window={window} />
      ) : (
        <div className="error-banner" role="alert" data-kind="bad-request">
          <strong>“{namespace}” is not a valid namespace name</strong>
          <span className="error-banner-note">Namespace names are DNS-1123 labels: lower-case letters, digits and “-”.</span>
        </div>
      )}
    </>
  );
}
