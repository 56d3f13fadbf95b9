// Kubernetes-shaped resource kinds the mesh reports on, with the short names users type (as kubectl and linkerd do).
import * as z from 'zod';

/**
 * `service` is reported from the client side (outbound traffic by `dst_service`), as `linkerd viz stat svc` does:
 * a service has no proxy of its own, so unmeshed clients are invisible.
 */
export const resourceKinds = ['namespace', 'deployment', 'statefulset', 'daemonset', 'pod', 'service'] as const;
export const resourceKindSchema = z.enum(resourceKinds);
export type ResourceKind = z.infer<typeof resourceKindSchema>;

const aliases: Readonly<Record<string, ResourceKind>> = {
  ns: 'namespace', namespace: 'namespace', namespaces: 'namespace',
  deploy: 'deployment', deployment: 'deployment', deployments: 'deployment',
  sts: 'statefulset', statefulset: 'statefulset', statefulsets: 'statefulset',
  ds: 'daemonset', daemonset: 'daemonset', daemonsets: 'daemonset',
  po: 'pod', pod: 'pod', pods: 'pod',
  svc: 'service', service: 'service', services: 'service',
};

/**
 * Kinds whose resources are pods' owners (the registry's `ownerKind`), named by a Prometheus target label; edges
 * join them, as `linkerd viz edges` draws them.
 */
export const workloadKinds = ['deployment', 'statefulset', 'daemonset'] as const satisfies readonly ResourceKind[];
export type WorkloadKind = (typeof workloadKinds)[number];

/** "deploy", "deployments", "po" … → the canonical kind, or null when unknown. */
export function parseResourceKind(value: string): ResourceKind | null {
  return aliases[value.toLowerCase()] ?? null;
}

/** DNS-1123 label, as Kubernetes requires for namespace, deployment, pod and service names. */
export const resourceNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lower-case letters, digits and "-")');
