// One resource as discovery knows it (`resource`): the detail page's header (meshed pods) and its pods.
import * as z from 'zod';
import { registryPodSchema } from './registry.js';
import { resourceKindSchema, resourceNameSchema } from './resources.js';

export const resourceInputSchema = z.strictObject({
  kind: resourceKindSchema,
  namespace: resourceNameSchema,
  name: resourceNameSchema,
});
export type ResourceInput = z.infer<typeof resourceInputSchema>;

export const resourcePodSchema = z.strictObject({
  name: z.string(),
  /** The pod's workload, of kind `ownerKind` (`pod`: none, the pod is its own). */
  deployment: z.string(),
  ownerKind: registryPodSchema.shape.ownerKind.unwrap(),
  serviceAccount: z.string(),
  meshed: z.boolean(),
});
export type ResourcePod = z.infer<typeof resourcePodSchema>;

export const resourceDetailSchema = z.strictObject({
  kind: resourceKindSchema,
  namespace: z.string(),
  name: z.string(),
  meshedPods: z.number().int(),
  totalPods: z.number().int(),
  /** The workloads behind the resource: itself, a pod's owner, a service's selected deployment, a namespace's all. */
  deployments: z.array(z.string()),
  /** Services selecting those workloads. */
  services: z.array(z.string()),
  pods: z.array(resourcePodSchema),
});
export type ResourceDetail = z.infer<typeof resourceDetailSchema>;
