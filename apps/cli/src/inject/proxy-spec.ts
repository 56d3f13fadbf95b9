// What injection adds to a pod template (Linkerd's proxy + proxy-init): the `signalbox-proxy` sidecar (named
// ports, identity from a projected ServiceAccount token bound to identity.signalbox.io, probes, resources, its
// own UID on a read-only root) and the `signalbox-init` container whose iptables rules send inbound TCP to 4143 and
// outbound TCP to 4140, except the proxy's own traffic (UID 2102) and the ports the user skips.
import type { V1Container, V1Volume } from '@kubernetes/client-node';
import {
  apiPort,
  apiService,
  identityTokenAudience,
  image,
  initContainerName,
  proxyContainerName,
  proxyPorts,
  proxyUid,
} from '../kube/mesh.js';

export interface ProxySpecOptions {
  /** The control plane's namespace (where the api Service is). */
  readonly controlPlaneNamespace: string;
  readonly imageRegistry: string;
  readonly trustDomain: string;
  /** PEM: the mesh's trust anchors (install's trust-roots ConfigMap), given to the proxy inline. */
  readonly trustAnchorsPem: string;
  /** Ports or ranges (`8000-8010`) whose inbound / outbound traffic bypasses the proxy. */
  readonly skipInboundPorts: readonly string[];
  readonly skipOutboundPorts: readonly string[];
  /** CIDRs where the cluster's pods and services live: the proxy asks discovery only about addresses inside them. */
  readonly clusterNetworks: readonly string[];
  /**
   * The pod's opaque ports (or ranges), replacing the proxy's default list (Linkerd's); absent: the default list.
   * `signalbox inject` reads them from the template's `config.signalbox.io/opaque-ports` and `--opaque-ports`.
   */
  readonly opaquePorts?: readonly string[];
}

export const identityTokenVolume = 'signalbox-identity-token';
const identityTokenDir = '/var/run/secrets/signalbox.io/serviceaccount';
const identityTokenPath = 'token';

const INBOUND = 'SIGNALBOX_INBOUND';
const INBOUND_REDIRECT = 'SIGNALBOX_IN_REDIRECT';
const OUTPUT = 'SIGNALBOX_OUTPUT';
const OUTPUT_REDIRECT = 'SIGNALBOX_OUT_REDIRECT';

/** iptables' multiport takes at most 15 ports per rule (a range counts twice). */
function multiport(ports: readonly string[]): string[][] {
  const rules: string[][] = [];
  let current: string[] = [];
  let weight = 0;
  for (const p of ports) {
    const w = p.includes('-') ? 2 : 1;
    if (weight + w > 15) {
      rules.push(current);
      current = [];
      weight = 0;
    }
    current.push(p.replace('-', ':'));
    weight += w;
  }
  if (current.length > 0) rules.push(current);
  return rules;
}

/** One step of the init container's nat setup, as `iptables -t nat` arguments. */
export type NatStep =
  /** Create our chain, or flush it when a restarted init container finds it already there. */
  | { readonly chain: string }
  /** `-A <chain> …`: append a rule. */
  | { readonly append: readonly string[] }
  /** `<built-in chain> -j <ours>`: jump to our chain, appended only when the jump is not there yet. */
  | { readonly hook: readonly string[] };

/**
 * The init container's rules (Linkerd's proxy-init, nat table), as data so tests apply exactly these: inbound, every
 * TCP connection to the pod goes to the proxy's inbound port, except the proxy's admin port and skipped ports;
 * outbound, every TCP connection the pod makes goes to the proxy's outbound port, except the proxy's own (by UID),
 * loopback and skipped ports.
 */
export function iptablesRules({ skipInboundPorts, skipOutboundPorts }: Pick<ProxySpecOptions, 'skipInboundPorts' | 'skipOutboundPorts'>): NatStep[] {
  const rule = (chain: string, ...args: string[]): NatStep => ({ append: ['-A', chain, ...args] });
  // The proxy's own listeners are reached directly, as Linkerd's proxy-init skips 4190 and 4191.
  const inboundSkips = [String(proxyPorts.tap.default), String(proxyPorts.admin.default), ...skipInboundPorts];
  return [
    { chain: INBOUND_REDIRECT },
    rule(INBOUND_REDIRECT, '-p', 'tcp', '-j', 'REDIRECT', '--to-port', String(proxyPorts.inbound.default)),
    { chain: INBOUND },
    ...multiport(inboundSkips).map((ports) => rule(INBOUND, '-p', 'tcp', '-m', 'multiport', '--dports', ports.join(','), '-j', 'RETURN')),
    rule(INBOUND, '-p', 'tcp', '-j', INBOUND_REDIRECT),
    { hook: ['PREROUTING', '-j', INBOUND] },
    { chain: OUTPUT_REDIRECT },
    rule(OUTPUT_REDIRECT, '-p', 'tcp', '-j', 'REDIRECT', '--to-port', String(proxyPorts.outbound.default)),
    { chain: OUTPUT },
    rule(OUTPUT, '-m', 'owner', '--uid-owner', String(proxyUid), '-j', 'RETURN'),
    rule(OUTPUT, '-o', 'lo', '-j', 'RETURN'),
    ...multiport(skipOutboundPorts).map((ports) => rule(OUTPUT, '-p', 'tcp', '-m', 'multiport', '--dports', ports.join(','), '-j', 'RETURN')),
    rule(OUTPUT, '-p', 'tcp', '-j', OUTPUT_REDIRECT),
    { hook: ['OUTPUT', '-j', OUTPUT] },
  ];
}

/** The rules as the init container's shell script: re-runnable, since a restarted init container finds its chains. */
export function iptablesScript(o: Pick<ProxySpecOptions, 'skipInboundPorts' | 'skipOutboundPorts'>): string {
  const nat = (...args: readonly string[]) => `iptables -t nat ${args.join(' ')}`;
  const lines = iptablesRules(o).map((step) => {
    if ('chain' in step) return `${nat('-N', step.chain)} 2>/dev/null || ${nat('-F', step.chain)}`;
    if ('append' in step) return nat(...step.append);
    return `${nat('-C', ...step.hook)} 2>/dev/null || ${nat('-A', ...step.hook)}`;
  });
  return `${['set -eu', ...lines, 'iptables -t nat -S'].join('\n')}\n`;
}

export function initContainer(o: Omit<ProxySpecOptions, 'trustAnchorsPem'>): V1Container {
  return {
    name: initContainerName,
    image: image(o.imageRegistry, 'proxy-init'),
    command: ['/bin/sh', '-c'],
    args: [iptablesScript(o)],
    resources: { requests: { cpu: '10m', memory: '10Mi' }, limits: { cpu: '100m', memory: '20Mi' } },
    // iptables needs root with NET_ADMIN/NET_RAW in the pod's network namespace; nothing else.
    securityContext: {
      runAsUser: 0,
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] },
    },
  };
}

/** `appPort`: where the inbound proxy hands plaintext traffic when no original destination is known. */
export function proxyContainer(o: ProxySpecOptions, appPort: number): V1Container {
  const admin = proxyPorts.admin;
  return {
    name: proxyContainerName,
    image: image(o.imageRegistry, 'proxy'),
    ports: [
      { name: proxyPorts.outbound.name, containerPort: proxyPorts.outbound.default },
      { name: proxyPorts.inbound.name, containerPort: proxyPorts.inbound.default },
      { name: admin.name, containerPort: admin.default },
      { name: proxyPorts.tap.name, containerPort: proxyPorts.tap.default },
    ],
    env: [
      { name: 'SIGNALBOX_OUTBOUND_ADDR', value: `127.0.0.1:${proxyPorts.outbound.default}` },
      { name: 'SIGNALBOX_INBOUND_ADDR', value: `0.0.0.0:${proxyPorts.inbound.default}` },
      { name: 'SIGNALBOX_ADMIN_ADDR', value: `0.0.0.0:${admin.default}` },
      { name: 'SIGNALBOX_APP_ADDR', value: `127.0.0.1:${appPort}` },
      { name: 'SIGNALBOX_CONTROL_PLANE_URL', value: `http://${apiService(o.controlPlaneNamespace)}:${apiPort}` },
      // The init container's iptables rules redirect the pod's traffic here: recover each connection's destination.
      { name: 'SIGNALBOX_INTERCEPT', value: 'true' },
      { name: 'SIGNALBOX_CLUSTER_NETWORKS', value: o.clusterNetworks.join(',') },
      { name: 'SIGNALBOX_IDENTITY_SERVICEACCOUNT', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
      { name: 'SIGNALBOX_IDENTITY_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'SIGNALBOX_IDENTITY_TRUST_DOMAIN', value: o.trustDomain },
      { name: 'SIGNALBOX_IDENTITY_TOKEN_FILE', value: `${identityTokenDir}/${identityTokenPath}` },
      // Inline, as Linkerd's injector does: the anchors' ConfigMap lives in the control plane's namespace, which
      // a pod cannot mount from; with them the proxy never trusts an unverified first certify answer.
      { name: 'SIGNALBOX_IDENTITY_TRUST_ANCHORS', value: o.trustAnchorsPem },
      // Identity is always on here, so tap is only served over mTLS to the control plane's tap identity.
      { name: 'SIGNALBOX_TAP_LISTEN_ADDR', value: `0.0.0.0:${proxyPorts.tap.default}` },
      // Empty is meaningful here: no opaque ports at all, the default list replaced by nothing.
      ...(o.opaquePorts === undefined ? [] : [{ name: 'SIGNALBOX_OPAQUE_PORTS', value: o.opaquePorts.join(',') }]),
    ],
    readinessProbe: { httpGet: { path: '/ready', port: admin.name }, initialDelaySeconds: 2, timeoutSeconds: 1 },
    livenessProbe: { httpGet: { path: '/live', port: admin.name }, initialDelaySeconds: 10, timeoutSeconds: 1 },
    // Linkerd's HA proxy values.
    resources: { requests: { cpu: '100m', memory: '20Mi' }, limits: { memory: '250Mi' } },
    securityContext: {
      runAsUser: proxyUid,
      runAsGroup: proxyUid,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [{ name: identityTokenVolume, mountPath: identityTokenDir, readOnly: true }],
  };
}

/** The ServiceAccount token the proxy proves its identity with, bound to our audience and rotated by the kubelet. */
export function identityTokenVolumeSpec(): V1Volume {
  return {
    name: identityTokenVolume,
    projected: { sources: [{ serviceAccountToken: { audience: identityTokenAudience, expirationSeconds: 86_400, path: identityTokenPath } }] },
  };
}
