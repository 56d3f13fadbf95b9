// Kubernetes-shaped resource kinds the mesh reports on, with the short names users type (as kubectl and linkerd do).
import { z } from 'zod';

export const resourceKinds = ['namespace', 'deployment', 'pod'] as const;
export const resourceKindSchema = z.enum(resourceKinds);
export type ResourceKind = z.infer<typeof resourceKindSchema>;

const aliases: Readonly<Record<string, ResourceKind>> = {
  ns: 'namespace', namespace: 'namespace', namespaces: 'namespace',
  deploy: 'deployment', deployment: 'deployment', deployments: 'deployment',
  po: 'pod', pod: 'pod', pods: 'pod',
};

/** "deploy", "deployments", "po" … → the canonical kind, or null when unknown. */
export function parseResourceKind(value: string): ResourceKind | null {
  return aliases[value.toLowerCase()] ?? null;
}

/** DNS-1123 label, as Kubernetes requires for namespace, deployment and pod names. */
export const resourceNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lower-case letters, digits and "-")');
