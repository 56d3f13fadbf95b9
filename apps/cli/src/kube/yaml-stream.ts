// Kubernetes objects as one multi-document YAML stream (what `kubectl apply -f -` reads), keys in the order written.
import { stringify } from 'yaml';

export function yamlStream(objects: readonly object[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
}
