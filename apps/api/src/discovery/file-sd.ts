// Prometheus file_sd targets for every meshed pod's proxy admin address, with the target labels viz's queries
// group by (namespace, deployment, pod). Prometheus re-reads the file on change, so it follows the registry.
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import type { Registry } from '@signalbox/shared';

export interface FileSdGroup {
  readonly targets: string[];
  readonly labels: { readonly namespace: string; readonly deployment: string; readonly pod: string };
}

export function fileSdTargets(registry: Registry): FileSdGroup[] {
  return registry.namespaces.flatMap((ns) =>
    ns.pods.flatMap((pod) =>
      pod.proxy ? [{ targets: [pod.proxy.admin], labels: { namespace: ns.name, deployment: pod.deployment, pod: pod.name } }] : [],
    ),
  );
}

/** Writes a temporary file and renames it over the target, so Prometheus never reads half a file. */
export async function writeFileSd(file: string, registry: Registry): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(fileSdTargets(registry), null, 2)}\n`);
  await rename(tmp, file);
}
