// Pure core of `signalbox inject`: one Kubernetes object in, the same object with the proxy added to its pod
// template out. Workloads: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod; a List's items one by
// one; anything else is left alone. Injecting twice is injecting once; `signalbox.io/inject: disabled` opts out.
import type { V1ObjectMeta, V1PodSpec } from '@kubernetes/client-node';
import { opaquePortsAnnotation, validPortRanges } from '@signalbox/shared';
import { injectAnnotation, initContainerName, ownerLabelPrefix, proxyContainerName, proxyVersionAnnotation, skipInboundPortsAnnotation, version } from '../kube/mesh.js';
import { identityTokenVolume, identityTokenVolumeSpec, initContainer, proxyContainer, type ProxySpecOptions } from './proxy-spec.js';

export type InjectOutcome = 'injected' | 'already injected' | 'disabled by annotation' | 'not a workload';

export interface InjectResult {
  readonly object: unknown;
  /** One line per workload (Lists have several), e.g. `deployment/books injected`. */
  readonly report: readonly { readonly name: string; readonly outcome: InjectOutcome }[];
}

interface Template {
  metadata?: V1ObjectMeta;
  spec?: V1PodSpec;
}

type Obj = { kind?: unknown; metadata?: V1ObjectMeta; spec?: Record<string, unknown>; items?: unknown[] };

/** Where a kind keeps its pod template. */
function templateOf(o: Obj): Template | undefined {
  switch (o.kind) {
    case 'Pod':
      return o as Template;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return o.spec?.template as Template | undefined;
    case 'CronJob':
      return ((o.spec?.jobTemplate as { spec?: { template?: Template } } | undefined)?.spec?.template) ?? undefined;
    default:
      return undefined;
  }
}

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The template's opaque-ports annotation plus `--opaque-ports` (the flag adds, as with skipped ports); undefined
 * when neither says anything, so the proxy keeps Linkerd's default list. An empty annotation is an empty list.
 */
function podOpaquePorts(annotation: string | undefined, flag: readonly string[] = []): string[] | undefined {
  if (annotation === undefined && flag.length === 0) return undefined;
  return [...new Set([...validPortRanges(annotation ?? ''), ...flag])];
}

export function injectObject(input: unknown, options: ProxySpecOptions): InjectResult {
  if (!isObject(input)) return { object: input, report: [] };
  if (typeof input.kind === 'string' && input.kind.endsWith('List') && Array.isArray(input.items)) {
    const results = input.items.map((item) => injectObject(item, options));
    if (!results.some((r) => r.report.some((x) => x.outcome === 'injected'))) return { object: input, report: results.flatMap((r) => r.report) };
    return { object: { ...input, items: results.map((r) => r.object) }, report: results.flatMap((r) => r.report) };
  }
  const name = `${String(input.kind ?? 'object').toLowerCase()}/${input.metadata?.name ?? '(unnamed)'}`;
  const found = templateOf(input);
  if (!found?.spec) return { object: input, report: [{ name, outcome: 'not a workload' }] };
  if (input.metadata?.annotations?.[injectAnnotation] === 'disabled' || found.metadata?.annotations?.[injectAnnotation] === 'disabled')
    return { object: input, report: [{ name, outcome: 'disabled by annotation' }] };
  if (found.spec.containers?.some((c) => c.name === proxyContainerName)) return { object: input, report: [{ name, outcome: 'already injected' }] };

  const object = structuredClone(input);
  const template = templateOf(object) as Template & { spec: V1PodSpec };
  const spec = template.spec;
  const appPort = spec.containers?.flatMap((c) => c.ports ?? [])[0]?.containerPort ?? 80;
  // The template's own annotation adds to the flag, as Linkerd's config annotations do; the union is recorded back.
  const skipInboundPorts = [
    ...new Set([...validPortRanges(template.metadata?.annotations?.[skipInboundPortsAnnotation] ?? ''), ...options.skipInboundPorts]),
  ];
  const opaquePorts = podOpaquePorts(template.metadata?.annotations?.[opaquePortsAnnotation], options.opaquePorts);
  spec.containers = [proxyContainer({ ...options, opaquePorts }, appPort), ...(spec.containers ?? [])];
  spec.initContainers = [initContainer({ ...options, skipInboundPorts }), ...(spec.initContainers ?? []).filter((c) => c.name !== initContainerName)];
  spec.volumes = [...(spec.volumes ?? []).filter((v) => v.name !== identityTokenVolume), identityTokenVolumeSpec()];
  const kind = String(input.kind).toLowerCase();
  template.metadata = {
    ...template.metadata,
    annotations: {
      ...template.metadata?.annotations,
      [proxyVersionAnnotation]: version,
      // Discovery reads it: peers must reach these ports in plaintext, since the proxy never sees their traffic.
      ...(skipInboundPorts.length > 0 ? { [skipInboundPortsAnnotation]: skipInboundPorts.join(',') } : {}),
      // Discovery reads it too: clients' proxies are told these ports are opaque and skip detection.
      ...(opaquePorts === undefined ? {} : { [opaquePortsAnnotation]: opaquePorts.join(',') }),
    },
    // A bare Pod is its own workload: nothing to name.
    labels: { ...template.metadata?.labels, ...(input.kind === 'Pod' ? {} : { [`${ownerLabelPrefix}${kind}`]: input.metadata?.name ?? '' }) },
  };
  return { object, report: [{ name, outcome: 'injected' }] };
}
