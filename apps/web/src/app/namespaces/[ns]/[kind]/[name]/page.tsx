// `/namespaces/[ns]/[kind]/[name]`: one deployment, statefulset, daemonset, pod or service: meshed status, charts over
// a live window (`?window=`) or an absolute range (`?from=&to=`), its edges, and live calls. Kind aliases (deploy,
// sts, ds, po, svc) are accepted; links use the full names.
import { resourceNameSchema } from '@signalbox/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ResourceView } from '../../../../../features/resource/resource-view';
import { parseTimeRange } from '../../../../../features/resource/time-range';
import { TimeRangeSelect } from '../../../../../features/resource/time-range-select';
import { detailKindOf, namespaceHref } from '../../../../../lib/links';

type Params = Promise<{ ns: string; kind: string; name: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { ns, kind, name } = await params;
  return { title: `${kind}/${name} · ${ns} · Signalbox` };
}

export default async function ResourcePage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { ns, kind: kindParam, name } = await params;
  const kind = detailKindOf(kindParam);
  if (kind === null) notFound();
  const range = parseTimeRange(await searchParams);
  const valid = resourceNameSchema.safeParse(ns).success && resourceNameSchema.safeParse(name).success;
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href={`/?window=${range.window}`}>Namespaces</Link> / <Link href={namespaceHref(ns, range.window)}>{ns}</Link> /{' '}
        <span>
          {kind}/{name}
        </span>
      </nav>
      <div className="page-header">
        <h1>
          <span className="kind-label">{kind}</span> <span className="resource-name">{name}</span>
        </h1>
        <TimeRangeSelect range={range} />
      </div>
      {valid ? (
        <ResourceView kind={kind} namespace={ns} name={name} range={range} />
      ) : (
        <div className="error-banner" role="alert" data-kind="bad-request">
          <strong>“{ns}/{name}” is not a valid resource name</strong>
          <span className="error-banner-note">Names are DNS-1123 labels: lower-case letters, digits and “-”.</span>
        </div>
      )}
    </>
  );
}
