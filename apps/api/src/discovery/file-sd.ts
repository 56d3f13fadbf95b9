// Prometheus file_sd targets for every meshed pod's proxy admin address, with the target labels viz's queries
// group by (namespace, the owner under its kind: deployment, statefulset…, pod). Prometheus re-reads the file on change, so it follows the registry.
//
// Per-host mode: pods served by one proxy process share its admin address, so targets are deduplicated (one
// scrape per process, never the same series twice). Such a proxy is not one pod's: it is labelled with its `host`
// (the admin address's IP) and no `pod`; `namespace` and the owner are kept only when every pod it serves
// agrees on them (an empty label is an absent label to Prometheus). Its inbound metrics stay per app through
// `target_addr`, which is each pod's own app address.
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { ownerLabel, parseHostPort, type OwnerLabelKey, type Registry } from '@signalbox/shared';

export interface FileSdGroup {
  readonly targets: string[];
  /** The pod's owner under its kind's label (`deployment`, `statefulset`…), as viz relabels `linkerd.io/proxy-<kind>`. */
  readonly labels: Partial<Record<OwnerLabelKey, string>> & {
    readonly namespace: string;
    readonly pod: string;
    /** Only for a proxy shared by several pods (per-host mode). */
    readonly host?: string;
  };
}

export function fileSdTargets(registry: Registry): FileSdGroup[] {
  const byAdmin = new Map<string, { namespace: string; owner: Partial<Record<OwnerLabelKey, string>>; pod: string }[]>();
  for (const ns of registry.namespaces)
    for (const pod of ns.pods) {
      if (!pod.proxy) continue;
      const served = byAdmin.get(pod.proxy.admin) ?? [];
      served.push({ namespace: ns.name, owner: ownerLabel(pod), pod: pod.name });
      byAdmin.set(pod.proxy.admin, served);
    }
  return [...byAdmin].map(([admin, pods]) => {
    const [first] = pods as [(typeof pods)[number]];
    if (pods.length === 1) return { targets: [admin], labels: { namespace: first.namespace, ...first.owner, pod: first.pod } };
    const sameOwner = pods.every((p) => JSON.stringify(p.owner) === JSON.stringify(first.owner));
    return {
      targets: [admin],
      labels: {
        namespace: pods.every((p) => p.namespace === first.namespace) ? first.namespace : '',
        ...(sameOwner ? first.owner : { deployment: '' }),
        pod: '',
        host: parseHostPort(admin)?.host ?? admin,
      },
    };
  });
}

/** Writes a temporary file and renames it over the target, so Prometheus never reads half a file. */
export async function writeFileSd(file: string, registry: Registry): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(fileSdTargets(registry), null, 2)}\n`);
  await rename(tmp, file);
}
