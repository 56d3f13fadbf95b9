// The control plane's objects: its ServiceAccount with least-privilege RBAC (read the workloads discovery needs,
// create TokenReviews), the identity issuer Secret and trust-roots ConfigMap, the api Deployment and Service, and
// the dashboard. `--ha`: three replicas spread over nodes, with a PodDisruptionBudget (Linkerd's values-ha).
import type {
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1ConfigMap,
  V1Deployment,
  V1PodDisruptionBudget,
  V1PodSpec,
  V1Secret,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import {
  apiPort,
  clusterNetworksKey,
  componentLabel,
  controlPlaneUid,
  image,
  meshConfigMap,
  partOfLabel,
  prometheusPort,
  trustRootsConfigMap,
  trustRootsKey,
  webPort,
} from '../kube/mesh.js';

export interface ControlPlaneOptions {
  readonly namespace: string;
  readonly ha: boolean;
  readonly imageRegistry: string;
  readonly trustDomain: string;
  /** CIDRs of the cluster's pods and services, recorded for `inject` (the proxies ask discovery only about these). */
  readonly clusterNetworks: readonly string[];
  /** PEM: the trust anchor bundle, the issuer certificate and its key. */
  readonly identity: { readonly trustAnchorsPem: string; readonly issuerCertPem: string; readonly issuerKeyPem: string };
}

const identityMount = '/var/run/signalbox/identity';

/** Least privilege: what the Kubernetes source and the TokenReview validator call, nothing more. */
export const controlPlaneRules = [
  { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['replicasets', 'deployments', 'statefulsets', 'daemonsets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
] as const;

function hardened(spec: V1PodSpec, component: string, ha: boolean): V1PodSpec {
  return {
    ...spec,
    securityContext: { runAsNonRoot: true, runAsUser: controlPlaneUid, runAsGroup: controlPlaneUid, fsGroup: controlPlaneUid, seccompProfile: { type: 'RuntimeDefault' } },
    ...(ha
      ? {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { [componentLabel]: component } }, topologyKey: 'kubernetes.io/hostname' }],
            },
          },
        }
      : {}),
  };
}

const containerSecurity = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };

export function controlPlaneObjects(o: ControlPlaneOptions) {
  const { namespace } = o;
  const labels = (component: string) => ({ [partOfLabel]: namespace, [componentLabel]: component });
  const replicas = o.ha ? 3 : 1;
  const api = 'signalbox-api';
  /** A component's Deployment (hardened; spread over nodes with --ha) and the Service in front of its `http` port. */
  const component = (name: 'api' | 'web', port: number, pod: V1PodSpec): [V1Deployment, V1Service] => [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `signalbox-${name}`, namespace, labels: labels(name) },
      spec: {
        replicas,
        selector: { matchLabels: { [componentLabel]: name } },
        template: { metadata: { labels: labels(name) }, spec: hardened(pod, name, o.ha) },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `signalbox-${name}`, namespace, labels: labels(name) },
      spec: { selector: { [componentLabel]: name }, ports: [{ name: 'http', port, targetPort: 'http' }] },
    },
  ];

  const objects: (V1ServiceAccount | V1ClusterRole | V1ClusterRoleBinding | V1Secret | V1ConfigMap | V1Deployment | V1Service | V1PodDisruptionBudget)[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: api, namespace, labels: labels('api') } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `${api}-${namespace}`, labels: labels('api') },
      rules: controlPlaneRules.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${api}-${namespace}`, labels: labels('api') },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${api}-${namespace}` },
      subjects: [{ kind: 'ServiceAccount', name: api, namespace }],
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'signalbox-identity-issuer', namespace, labels: labels('identity') },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': o.identity.issuerCertPem, 'tls.key': o.identity.issuerKeyPem },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: trustRootsConfigMap, namespace, labels: labels('identity') },
      data: { [trustRootsKey]: o.identity.trustAnchorsPem },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: meshConfigMap, namespace, labels: labels('config') },
      data: { [clusterNetworksKey]: o.clusterNetworks.join(',') },
    },
    ...component('api', apiPort, {
      serviceAccountName: api,
      containers: [
        {
          name: 'api',
          image: image(o.imageRegistry, 'api'),
          args: [
            `--listen=0.0.0.0:${apiPort}`,
            '--discovery=kubernetes',
            `--prometheus-url=http://signalbox-prometheus.${namespace}.svc.cluster.local:${prometheusPort}`,
            `--trust-domain=${o.trustDomain}`,
            `--trust-anchors-file=${identityMount}/trust-roots/${trustRootsKey}`,
            `--issuer-cert-file=${identityMount}/issuer/tls.crt`,
            `--issuer-key-file=${identityMount}/issuer/tls.key`,
          ],
          ports: [{ name: 'http', containerPort: apiPort }],
          readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
          livenessProbe: { httpGet: { path: '/live', port: 'http' }, initialDelaySeconds: 10 },
          resources: { requests: { cpu: '100m', memory: '50Mi' }, limits: { memory: '250Mi' } },
          securityContext: containerSecurity,
          volumeMounts: [
            { name: 'issuer', mountPath: `${identityMount}/issuer`, readOnly: true },
            { name: 'trust-roots', mountPath: `${identityMount}/trust-roots`, readOnly: true },
          ],
        },
      ],
      // Group-readable for fsGroup: the key file is owned by root in the volume.
      volumes: [
        { name: 'issuer', secret: { secretName: 'signalbox-identity-issuer', defaultMode: 0o440 } },
        { name: 'trust-roots', configMap: { name: trustRootsConfigMap } },
      ],
    }),
    ...component('web', webPort, {
      containers: [
        {
          name: 'web',
          image: image(o.imageRegistry, 'web'),
          args: ['--hostname=0.0.0.0', `--port=${webPort}`],
          env: [{ name: 'SIGNALBOX_API_URL', value: `http://${api}.${namespace}.svc.cluster.local:${apiPort}` }],
          ports: [{ name: 'http', containerPort: webPort }],
          readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 10 },
          resources: { requests: { cpu: '100m', memory: '100Mi' }, limits: { memory: '500Mi' } },
          securityContext: { ...containerSecurity, readOnlyRootFilesystem: false },
        },
      ],
    }),
  ];
  if (o.ha)
    for (const name of ['api', 'web'])
      objects.push({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: `signalbox-${name}`, namespace, labels: labels(name) },
        spec: { maxUnavailable: 1, selector: { matchLabels: { [componentLabel]: name } } },
      });
  return objects;
}
