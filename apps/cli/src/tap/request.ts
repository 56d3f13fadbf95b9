// `tap`/`top` flags → the TapRequest the control plane takes, as linkerd viz builds its TapByResourceRequest:
// `--method`, `--scheme`, `--authority` (exact) and `--path` (prefix) all must hold.
import { parseTapResource, type TapMatch, type TapRequestInput, type TapResource } from '@signalbox/shared';

export interface TapFlags {
  readonly namespace: string;
  readonly to?: string | undefined;
  readonly toNamespace?: string | undefined;
  readonly method?: string | undefined;
  readonly scheme?: string | undefined;
  readonly authority?: string | undefined;
  readonly path?: string | undefined;
  readonly maxRps?: number | undefined;
  readonly extractHeaders?: boolean | undefined;
}

export function buildTapRequest(target: string, flags: TapFlags): TapRequestInput | { error: string } {
  const resource = parseTapResource(target, flags.namespace);
  if ('error' in resource) return resource;
  let to: TapResource | undefined;
  if (flags.to !== undefined) {
    const parsed = parseTapResource(flags.to, flags.toNamespace ?? flags.namespace);
    if ('error' in parsed) return { error: `--to: ${parsed.error}` };
    to = parsed;
  }
  const leaves: TapMatch[] = [];
  if (flags.method) leaves.push({ method: flags.method.toUpperCase() });
  if (flags.scheme) leaves.push({ scheme: flags.scheme });
  if (flags.authority) leaves.push({ authority: { exact: flags.authority } });
  if (flags.path) leaves.push({ path: { prefix: flags.path } });
  const match: TapMatch | undefined = leaves.length === 0 ? undefined : leaves.length === 1 ? leaves[0] : { all: leaves };
  return {
    v: 1,
    target: resource,
    ...(to ? { to } : {}),
    ...(match ? { match } : {}),
    ...(flags.maxRps !== undefined ? { maxRps: flags.maxRps } : {}),
    ...(flags.extractHeaders ? { extractHeaders: true } : {}),
  };
}
