// `stat` arguments as kubectl and linkerd take them: `deploy`, `deploy/books` or `deploy books`.
import { parseResourceKind, resourceNameSchema, type ResourceKind } from '@signalbox/shared';

export interface StatTarget {
  readonly kind: ResourceKind;
  readonly name: string | undefined;
}

/** Returns the target, or a usage message naming what is wrong. */
export function parseStatTarget(resource: string, extraName: string | undefined): StatTarget | { error: string } {
  const [kindText = '', slashName, ...rest] = resource.split('/');
  if (rest.length > 0) return { error: `"${resource}": expected <kind> or <kind>/<name>` };
  const kind = parseResourceKind(kindText);
  if (!kind) return { error: `unknown resource kind "${kindText}": use deploy, sts, ds, po, svc or ns` };
  if (slashName !== undefined && extraName !== undefined)
    return { error: `name given twice: "${resource}" and "${extraName}"` };
  const name = slashName ?? extraName;
  if (name !== undefined && !resourceNameSchema.safeParse(name).success)
    return { error: `"${name}" is not a resource name (lower-case letters, digits and "-")` };
  return { kind, name };
}
