// Validates manifests against the Kubernetes API's own schemas, not hand-written checks: kubernetes-models (its
// models are compiled from the Kubernetes OpenAPI spec into ajv validators: types, formats, enums, required fields)
// and, because that spec has no `additionalProperties: false` (the API server rejects unknown fields itself, with
// strict field validation), the field names of @kubernetes/client-node's generated models (the same spec) walked
// to the bottom. Either kind of problem throws, naming the object and the path.
import * as k8s from '@kubernetes/client-node';

interface AttributeType {
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
}
type ModelClass = { getAttributeTypeMap(): AttributeType[] };

const modelClass = (type: string): ModelClass | undefined => {
  const c = (k8s as unknown as Record<string, unknown>)[type];
  return typeof c === 'function' && 'getAttributeTypeMap' in c ? (c as unknown as ModelClass) : undefined;
};

/** `apps/v1` + `Deployment` → `V1Deployment`; `autoscaling/v2` + `HorizontalPodAutoscaler` → `V2HorizontalPodAutoscaler`. */
function clientModelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').at(-1) as string;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

function fieldProblems(value: unknown, type: string, at: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const array = ARRAY.exec(type);
  if (array) {
    if (!Array.isArray(value)) out.push(`${at}: expected an array`);
    else value.forEach((v, i) => fieldProblems(v, array[1] as string, `${at}[${i}]`, out));
    return;
  }
  const map = MAP.exec(type);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) out.push(`${at}: expected a map`);
    else for (const [k, v] of Object.entries(value)) fieldProblems(v, map[1] as string, `${at}.${k}`, out);
    return;
  }
  const model = modelClass(type);
  if (!model) {
    const ok: Record<string, (v: unknown) => boolean> = {
      string: (v) => typeof v === 'string',
      number: (v) => typeof v === 'number',
      boolean: (v) => typeof v === 'boolean',
      Date: (v) => typeof v === 'string',
      IntOrString: (v) => typeof v === 'string' || typeof v === 'number',
    };
    if (ok[type] && !ok[type](value)) out.push(`${at}: expected ${type}, got ${JSON.stringify(value)}`);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    out.push(`${at}: expected an object (${type})`);
    return;
  }
  const attributes = model.getAttributeTypeMap();
  for (const [key, v] of Object.entries(value)) {
    const attribute = attributes.find((a) => a.baseName === key);
    if (!attribute) out.push(`${at}.${key}: unknown field (not in ${type})`);
    else fieldProblems(v, attribute.type, `${at}.${key}`, out);
  }
}

/** Problems in one object (a `List`'s items are checked one by one); empty when valid. */
export async function kubeSchemaProblems(object: unknown): Promise<string[]> {
  const o = object as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: string }; items?: unknown[] };
  if (typeof o?.apiVersion !== 'string' || typeof o.kind !== 'string') return ['not a Kubernetes object: apiVersion and kind are required'];
  if (o.kind === 'List') {
    const nested = await Promise.all((o.items ?? []).map(kubeSchemaProblems));
    return nested.flatMap((problems, i) => problems.map((p) => `items[${i}]: ${p}`));
  }
  const name = `${o.kind}/${o.metadata?.name ?? '(unnamed)'}`;
  const problems: string[] = [];
  const typeName = clientModelName(o.apiVersion, o.kind);
  if (!modelClass(typeName)) return [`${name}: no such kind in the Kubernetes API (${o.apiVersion})`];
  const { apiVersion: _a, kind: _k, ...rest } = o as Record<string, unknown>;
  fieldProblems(rest, typeName, name, problems);

  const group = o.apiVersion.includes('/') ? o.apiVersion : `v1`;
  const models = (await import(`kubernetes-models/${group}`)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = models[o.kind];
  if (!Model) return [...problems, `${name}: kubernetes-models has no ${o.apiVersion} ${o.kind}`];
  try {
    new Model(object).validate();
  } catch (err) {
    const errors = (err as { errors?: { instancePath?: string; message?: string }[] }).errors;
    problems.push(...(errors?.map((e) => `${name}${e.instancePath ?? ''}: ${e.message ?? 'invalid'}`) ?? [`${name}: ${(err as Error).message}`]));
  }
  return problems;
}

/** Throws listing every problem of every object. */
export async function assertValidKubeObjects(objects: readonly unknown[]): Promise<void> {
  const problems = (await Promise.all(objects.map(kubeSchemaProblems))).flat();
  if (problems.length > 0) throw new Error(`invalid Kubernetes objects:\n${problems.join('\n')}`);
}
