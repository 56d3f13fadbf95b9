// The words `signalbox tap|top` and the dashboard's tap form take for what to tap (`deploy/books`, `sts/db`,
// `ns/demo`), as kubectl and linkerd viz tap spell them, turned into the request's TapResource.
import { parseResourceKind, resourceNameSchema } from './resources.js';
import { tapKinds, type TapKind, type TapResource } from './tap.js';

/** Tap kinds `parseResourceKind` does not know, since `stat` does not report them. */
const moreAliases: Readonly<Record<string, TapKind>> = {
  rs: 'replicaset', replicaset: 'replicaset', replicasets: 'replicaset',
  job: 'job', jobs: 'job',
};

const isTapKind = (kind: string | null): kind is TapKind => kind !== null && (tapKinds as readonly string[]).includes(kind);

/** "sts", "jobs", "po" … → the tap kind, or null when tap cannot target that kind (services, unknown words). */
export function parseTapKind(value: string): TapKind | null {
  const kind = parseResourceKind(value) ?? moreAliases[value.toLowerCase()] ?? null;
  return isTapKind(kind) ? kind : null;
}

/**
 * `<kind>/<name>` in `namespace` (a name is required: tap watches one resource). `ns/<name>` names the namespace
 * itself, so `namespace` is ignored for it, as `linkerd viz tap ns/emojivoto` ignores `-n`.
 */
export function parseTapResource(text: string, namespace: string): TapResource | { error: string } {
  const [kindText = '', name, ...rest] = text.split('/');
  if (rest.length > 0 || name === undefined || name === '') return { error: `"${text}": expected <kind>/<name>, e.g. deploy/books` };
  const kind = parseTapKind(kindText);
  if (!kind) return { error: `cannot tap "${kindText}": use deploy, sts, ds, rs, job, po or ns/<name>` };
  if (!resourceNameSchema.safeParse(name).success) return { error: `"${name}" is not a resource name` };
  if (kind === 'namespace') return { namespace: name, kind, name };
  if (!resourceNameSchema.safeParse(namespace).success) return { error: `"${namespace}" is not a namespace name` };
  return { namespace, kind, name };
}

/** The short name of each kind, as kubectl prints it (what links and the tap form show). */
const shortKinds = {
  namespace: 'ns', deployment: 'deploy', statefulset: 'sts', daemonset: 'ds', replicaset: 'rs', job: 'job', pod: 'po',
} as const satisfies Record<TapKind, string>;

/** `sts/db`: the words `parseTapResource` reads back (with the namespace beside it). */
export function formatTapResource(r: Pick<TapResource, 'kind' | 'name'>): string {
  return `${shortKinds[r.kind]}/${r.name}`;
}
