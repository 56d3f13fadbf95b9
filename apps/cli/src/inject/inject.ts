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
  readonly report: readonly { readonly name: string; readonly outcome: InjectOutcome; readonly notes?: readonly string[] }[];
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
 * A port-list annotation of the template with the flag's ports added (the template's own annotation adds to the
 * flag, as Linkerd's config annotations do): `ports`, what the proxy and its init container get; `recorded`, what
 * the annotation says afterwards (entries that are no port or range stay there, not lost, but are ignored, as
 * Linkerd ignores them); `note`, what inject tells the user it ignored.
 */
function annotatedPorts(template: Template, annotation: string, flag: readonly string[]): { ports: string[]; recorded: string[]; note?: string } {
  const written = template.metadata?.annotations?.[annotation] ?? '';
  const valid = validPortRanges(written);
  const ignored = written.split(',').map((p) => p.trim()).filter((p) => p !== '' && !valid.includes(p));
  const ports = [...new Set([...valid, ...flag])];
  const note = ignored.length > 0 ? `${annotation}: ignored ${ignored.map((p) => `"${p}"`).join(', ')} (not a port or a range like 8000-8010)` : undefined;
  return { ports, recorded: [...ports, ...ignored], ...(note ? { note } : {}) };
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
  const skipped = annotatedPorts(template, skipInboundPortsAnnotation, options.skipInboundPorts);
  const opaque = annotatedPorts(template, opaquePortsAnnotation, options.opaquePorts ?? []);
  // Neither the annotation nor the flag: the proxy keeps Linkerd's default list. An empty annotation is no ports.
  const opaqueSaid = template.metadata?.annotations?.[opaquePortsAnnotation] !== undefined || opaque.ports.length > 0;
  spec.containers = [proxyContainer({ ...options, opaquePorts: opaqueSaid ? opaque.ports : undefined }, appPort), ...(spec.containers ?? [])];
  spec.initContainers = [
    initContainer({ ...options, skipInboundPorts: skipped.ports }),
    ...(spec.initContainers ?? []).filter((c) => c.name !== initContainerName),
  ];
  spec.volumes = [...(spec.volumes ?? []).filter((v) => v.name !== identityTokenVolume), identityTokenVolumeSpec()];
  const kind = String(input.kind).toLowerCase();
  template.metadata = {
    ...template.metadata,
    annotations: {
      ...template.metadata?.annotations,
      [proxyVersionAnnotation]: version,
      // Discovery reads it: peers must reach these ports in plaintext, since the proxy never sees their traffic.
      ...(skipped.recorded.length > 0 ? { [skipInboundPortsAnnotation]: skipped.recorded.join(',') } : {}),
      // Discovery reads it too: clients' proxies are told these ports are opaque and skip detection.
      ...(opaqueSaid ? { [opaquePortsAnnotation]: opaque.recorded.join(',') } : {}),
    },
    // A bare Pod is its own workload: nothing to name.
    labels: { ...template.metadata?.labels, ...(input.kind === 'Pod' ? {} : { [`${ownerLabelPrefix}${kind}`]: input.metadata?.name ?? '' }) },
  };
  const notes = [skipped.note, opaque.note].filter((n) => n !== undefined);
  return { object, report: [{ name, outcome: 'injected', ...(notes.length > 0 ? { notes } : {}) }] };
}
