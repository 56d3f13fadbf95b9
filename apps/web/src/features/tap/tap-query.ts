// The tap view's query as the URL holds it (`/tap?resource=deploy/web&namespace=demo&to=deploy/books&path=/books`),
// and the TapRequest it becomes, as `signalbox tap` builds one: method, scheme and authority exact, path a prefix.
import {
  defaultTapMaxRps,
  parseTapResource,
  type TapMatch,
  type TapRequestInput,
  type TapResource,
} from '@signalbox/shared';

/** Every field of the form, as text (what the URL and the inputs hold). Empty means "not set". */
export interface TapQuery {
  readonly resource: string;
  readonly namespace: string;
  readonly to: string;
  readonly toNamespace: string;
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly scheme: string;
  readonly maxRps: string;
  /** Request and response headers in events (sensitive ones redacted by the proxy). On unless `headers=0`. */
  readonly headers: boolean;
}

export const emptyTapQuery: TapQuery = {
  resource: '',
  namespace: 'default',
  to: '',
  toNamespace: '',
  method: '',
  path: '',
  authority: '',
  scheme: '',
  maxRps: '',
  headers: true,
};

/** URL parameter of each text field (Linkerd's names; `to_namespace` as the topology's edge links write it). */
const params = {
  resource: 'resource',
  namespace: 'namespace',
  to: 'to',
  toNamespace: 'to_namespace',
  method: 'method',
  path: 'path',
  authority: 'authority',
  scheme: 'scheme',
  maxRps: 'max_rps',
} as const satisfies Record<Exclude<keyof TapQuery, 'headers'>, string>;

type SearchParamsLike = { get(name: string): string | null };

/** A page's `searchParams` record as URLSearchParams (repeated parameters: not ours, ignored). */
export function searchParamsOf(record: Readonly<Record<string, string | string[] | undefined>>): URLSearchParams {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(record)) if (typeof v === 'string') search.set(k, v);
  return search;
}

export function tapQueryFromParams(search: SearchParamsLike): TapQuery {
  const text = (name: string, fallback = '') => (search.get(name) ?? fallback).trim();
  return {
    resource: text(params.resource),
    namespace: text(params.namespace, emptyTapQuery.namespace) || emptyTapQuery.namespace,
    to: text(params.to),
    toNamespace: text(params.toNamespace),
    method: text(params.method),
    path: text(params.path),
    authority: text(params.authority),
    scheme: text(params.scheme),
    maxRps: text(params.maxRps),
    headers: search.get('headers') !== '0',
  };
}

/** The query string for a query (`resource=deploy/web&namespace=demo…`), set fields only, `/` left readable. */
export function tapQueryString(query: TapQuery): string {
  const parts: string[] = [];
  for (const [field, name] of Object.entries(params) as [keyof typeof params, string][]) {
    const value = query[field].trim();
    if (value !== '') parts.push(`${name}=${encodeURIComponent(value).replace(/%2F/g, '/')}`);
  }
  if (!query.headers) parts.push('headers=0');
  return parts.join('&');
}

/** The TapRequest for a query, or the first problem with it (shown under the form). */
export function tapRequestFor(query: TapQuery): TapRequestInput | { error: string } {
  if (query.resource === '') return { error: 'Choose a resource to tap, e.g. deploy/web' };
  const target = parseTapResource(query.resource, query.namespace);
  if ('error' in target) return { error: `Resource: ${target.error}` };
  let to: TapResource | undefined;
  if (query.to !== '') {
    const parsed = parseTapResource(query.to, query.toNamespace || query.namespace);
    if ('error' in parsed) return { error: `To: ${parsed.error}` };
    to = parsed;
  }
  let maxRps = defaultTapMaxRps;
  if (query.maxRps !== '') {
    maxRps = Number(query.maxRps);
    if (!Number.isInteger(maxRps) || maxRps < 1 || maxRps > 10_000) return { error: 'Max RPS: a whole number from 1 to 10000' };
  }
  if (query.path !== '' && !query.path.startsWith('/')) return { error: 'Path: a prefix starting with “/”' };
  const leaves: TapMatch[] = [];
  if (query.method) leaves.push({ method: query.method.toUpperCase() });
  if (query.scheme) leaves.push({ scheme: query.scheme });
  if (query.authority) leaves.push({ authority: { exact: query.authority } });
  if (query.path) leaves.push({ path: { prefix: query.path } });
  const match: TapMatch | undefined = leaves.length === 0 ? undefined : leaves.length === 1 ? leaves[0] : { all: leaves };
  return {
    v: 1,
    target,
    ...(to ? { to } : {}),
    ...(match ? { match } : {}),
    maxRps,
    extractHeaders: query.headers,
  };
}

/** `/tap?…` for a query: where a top row, an edge or the form's submit leads. */
export function tapPageHref(query: Partial<TapQuery> & Pick<TapQuery, 'resource' | 'namespace'>): string {
  return `/tap?${tapQueryString({ ...emptyTapQuery, ...query })}`;
}
