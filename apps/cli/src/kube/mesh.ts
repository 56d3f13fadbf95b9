// What `install`, `inject`, `uninstall` and `check` agree on: names, images, ports and labels of the mesh on
// Kubernetes (Linkerd's shapes with signalbox.io for linkerd.io).
import { identityTokenAudience, initContainerName, proxyContainerName, proxyPorts, skipInboundPortsAnnotation } from '@signalbox/api';

export const defaultNamespace = 'signalbox';
export const version = '0.1.0';
/** Images the project's Dockerfiles build; `--image-registry` changes the prefix. */
export const defaultImageRegistry = 'ghcr.io/signalbox';
/** The Dockerfile (build context: the repository root) of each image the manifests name. */
export const imageDockerfiles = {
  api: 'deploy/docker/api.Dockerfile',
  proxy: 'deploy/docker/proxy.Dockerfile',
  'proxy-init': 'deploy/kubernetes/proxy-init.Dockerfile',
  web: 'deploy/docker/web.Dockerfile',
} as const;
export const image = (registry: string, name: keyof typeof imageDockerfiles) => `${registry}/${name}:${version}`;
export const prometheusImage = 'prom/prometheus:v2.42.0';

export const apiPort = 8085;
export const webPort = 3000;
export const prometheusPort = 9090;
export { identityTokenAudience, initContainerName, proxyContainerName, proxyPorts, skipInboundPortsAnnotation };
/** The proxy's UID (Linkerd's 2102): iptables lets its own traffic out unredirected. */
export const proxyUid = 2102;
export const controlPlaneUid = 2103;

/** Every object we create carries it, so `uninstall` and `check` find them. */
export const partOfLabel = 'signalbox.io/control-plane-ns';
export const componentLabel = 'signalbox.io/control-plane-component';
/** `signalbox.io/inject: disabled` on a workload or its pod template opts it out. */
export const injectAnnotation = 'signalbox.io/inject';
export const proxyVersionAnnotation = 'signalbox.io/proxy-version';
/** `signalbox.io/proxy-deployment: books` etc. on injected pods: Prometheus relabels them to `deployment`. */
export const ownerLabelPrefix = 'signalbox.io/proxy-';

export const apiService = (namespace: string) => `signalbox-api.${namespace}.svc.cluster.local`;

/** The ConfigMap `install` puts the trust anchors in, and its key; `inject` copies them into each proxy's env. */
export const trustRootsConfigMap = 'signalbox-identity-trust-roots';
export const trustRootsKey = 'ca-bundle.crt';

/**
 * Install's own settings that `inject` needs later (Linkerd keeps them in linkerd-config): `clusterNetworks`, the
 * comma list given to `install --cluster-networks`.
 */
export const meshConfigMap = 'signalbox-config';
export const clusterNetworksKey = 'clusterNetworks';
