// Builders for the Kubernetes objects discovery reads, shaped as the API serves them (JSON, not client classes):
// a Deployment's pod (ReplicaSet owner + pod-template-hash), a meshed pod (the signalbox-proxy container), a
// Service and its EndpointSlice. Used by the model's unit tests and the fake API's integration tests.
import type { V1EndpointSlice, V1OwnerReference, V1Pod, V1Service } from '@kubernetes/client-node';

export interface PodSpec {
  readonly namespace?: string;
  readonly name: string;
  readonly ip?: string | undefined;
  /** `Deployment/books` (through a ReplicaSet `books-<hash>`), `StatefulSet/db`, `DaemonSet/agent`, `ReplicaSet/rs`, `Job/j`; none: a bare pod. */
  readonly owner?: string;
  readonly serviceAccount?: string;
  readonly meshed?: boolean;
  /** The sidecar has the mTLS tap port `signalbox-tap` 4190, as `signalbox inject` adds it now. */
  readonly tap?: boolean;
  readonly appPort?: number;
  readonly ready?: boolean;
  readonly phase?: string;
}

export const podTemplateHash = '5d8f7c9b4';

export function pod({ namespace = 'demo', name, ip, owner, serviceAccount = 'default', meshed = true, tap = false, appPort = 8080, ready = true, phase = 'Running' }: PodSpec): V1Pod {
  let ownerReferences: V1OwnerReference[] | undefined;
  const labels: Record<string, string> = { app: name.split('-')[0] as string };
  if (owner) {
    const [kind, ownerName] = owner.split('/') as [string, string];
    const viaRs = kind === 'Deployment';
    if (viaRs) labels['pod-template-hash'] = podTemplateHash;
    ownerReferences = [
      {
        apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
        kind: viaRs ? 'ReplicaSet' : kind,
        name: viaRs ? `${ownerName}-${podTemplateHash}` : ownerName,
        uid: `uid-${ownerName}`,
        controller: true,
      },
    ];
  }
  const containers: NonNullable<V1Pod['spec']>['containers'] = [{ name: 'app', image: 'example/app:1', ports: [{ name: 'http', containerPort: appPort }] }];
  if (meshed)
    containers.push({
      name: 'signalbox-proxy',
      image: 'signalbox/proxy:dev',
      ports: [
        { name: 'signalbox-out', containerPort: 4140 },
        { name: 'signalbox-in', containerPort: 4143 },
        { name: 'signalbox-admin', containerPort: 4191 },
        ...(tap ? [{ name: 'signalbox-tap', containerPort: 4190 }] : []),
      ],
    });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, labels, ...(ownerReferences ? { ownerReferences } : {}) },
    spec: { serviceAccountName: serviceAccount, containers },
    status: {
      phase,
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

export function service({ namespace = 'demo', name, ports = [{ port: 80, targetPort: 8080 }] }: { namespace?: string; name: string; ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[] }): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name },
    spec: { selector: { app: name }, ports: ports.map((p) => ({ protocol: 'TCP', ...p })) },
  };
}

export interface SliceEndpoint {
  readonly pod: string;
  readonly ip: string;
  readonly ready?: boolean;
}

export function endpointSlice({
  namespace = 'demo',
  service,
  name = `${service}-abcde`,
  endpoints,
  ports = [{ name: '', port: 8080 }],
}: {
  namespace?: string;
  service: string;
  name?: string;
  endpoints: readonly SliceEndpoint[];
  ports?: { name?: string; port: number }[];
}): V1EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace, name, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true, serving: e.ready ?? true, terminating: false },
      targetRef: { kind: 'Pod', namespace, name: e.pod },
    })),
    ports: ports.map((p) => ({ protocol: 'TCP', ...p })),
  };
}
