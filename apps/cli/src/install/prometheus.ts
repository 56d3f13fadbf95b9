// Prometheus on Kubernetes: the scrape config (kubernetes_sd on pods, the proxy container's `signalbox-admin` port,
// relabelled to namespace/pod and the owner labels the injector adds, as Linkerd viz's `linkerd-proxy` job does) and
// the objects that run it (ServiceAccount with read access to pods, ConfigMap, Deployment, Service).
import type { V1ClusterRole, V1ClusterRoleBinding, V1ConfigMap, V1Deployment, V1Service, V1ServiceAccount } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { componentLabel, partOfLabel, prometheusImage, prometheusPort, proxyContainerName, proxyPorts } from '../kube/mesh.js';

/** The scrape config object (stringified into the ConfigMap; `promtool check config` is run on it in tests). */
export function prometheusConfig(namespace: string): Record<string, unknown> {
  return {
    global: { scrape_interval: '10s', scrape_timeout: '10s', evaluation_interval: '10s' },
    scrape_configs: [
      {
        job_name: 'signalbox-proxy',
        kubernetes_sd_configs: [{ role: 'pod' }],
        relabel_configs: [
          // Only the proxy container's admin port, on pods that may be running.
          {
            source_labels: ['__meta_kubernetes_pod_container_name', '__meta_kubernetes_pod_container_port_name'],
            action: 'keep',
            regex: `^${proxyContainerName};${proxyPorts.admin.name}$`,
          },
          { source_labels: ['__meta_kubernetes_pod_phase'], action: 'drop', regex: 'Succeeded|Failed' },
          { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
          { source_labels: ['__meta_kubernetes_pod_name'], action: 'replace', target_label: 'pod' },
          // Prometheus' own `job` label must not be overwritten: a Job owner becomes `k8s_job`, as in viz.
          { source_labels: ['__meta_kubernetes_pod_label_signalbox_io_proxy_job'], action: 'replace', target_label: 'k8s_job' },
          { action: 'labeldrop', regex: '__meta_kubernetes_pod_label_signalbox_io_proxy_job' },
          // signalbox.io/proxy-deployment → deployment, -statefulset → statefulset, -daemonset, -replicaset, -cronjob.
          { action: 'labelmap', regex: '__meta_kubernetes_pod_label_signalbox_io_proxy_(.+)' },
          { action: 'labeldrop', regex: '__meta_kubernetes_pod_label_signalbox_io_proxy_(.+)' },
          { source_labels: ['__meta_kubernetes_pod_label_pod_template_hash'], action: 'replace', target_label: 'pod_template_hash' },
        ],
      },
      {
        job_name: 'signalbox-controller',
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [namespace] } }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_pod_label_signalbox_io_control_plane_component', '__meta_kubernetes_pod_container_port_name'], action: 'keep', regex: '^api;http$' },
          { source_labels: ['__meta_kubernetes_pod_name'], action: 'replace', target_label: 'pod' },
          { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
        ],
      },
    ],
  };
}

export function prometheusObjects(namespace: string): [V1ServiceAccount, V1ClusterRole, V1ClusterRoleBinding, V1ConfigMap, V1Deployment, V1Service] {
  const name = 'signalbox-prometheus';
  const labels = { [partOfLabel]: namespace, [componentLabel]: 'prometheus' };
  const metadata = { name, namespace, labels };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `${name}-${namespace}`, labels },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${name}-${namespace}`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${name}-${namespace}` },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config`, namespace, labels }, data: { 'prometheus.yml': stringify(prometheusConfig(namespace)) } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: { [componentLabel]: 'prometheus' } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'prometheus',
                image: prometheusImage,
                args: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/data', '--storage.tsdb.retention.time=6h', '--log.level=warn'],
                ports: [{ name: 'http', containerPort: prometheusPort }],
                readinessProbe: { httpGet: { path: '/-/ready', port: 'http' } },
                livenessProbe: { httpGet: { path: '/-/healthy', port: 'http' } },
                resources: { requests: { cpu: '300m', memory: '300Mi' }, limits: { memory: '8Gi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/prometheus', readOnly: true },
                  { name: 'data', mountPath: '/data' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: `${name}-config` } },
              { name: 'data', emptyDir: {} },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: { selector: { [componentLabel]: 'prometheus' }, ports: [{ name: 'http', port: prometheusPort, targetPort: 'http' }] },
    },
  ];
}
