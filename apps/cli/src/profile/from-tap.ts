// `signalbox profile --tap`: a starting policy proposed from observed traffic, as `linkerd viz profile --tap`
// builds a ServiceProfile: one route per (method, path) the tapped workload received, the busiest first, each
// matching its exact path (`pathRegex` with the path's special characters escaped). Pure; the tap stream and
// the output are the command's.
import type { TapEvent } from '@signalbox/shared';

export interface ProposedRoute {
  readonly name: string;
  readonly match: { readonly method: string; readonly pathRegex: string };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Inbound requests only (what the workload serves), query strings dropped, at most `limit` routes. */
export function routesFromTap(events: readonly TapEvent[], limit: number): ProposedRoute[] {
  const counts = new Map<string, { method: string; path: string; n: number }>();
  for (const e of events) {
    if (e.direction !== 'inbound' || !('requestInit' in e)) continue;
    const { method } = e.requestInit;
    const q = e.requestInit.path.indexOf('?');
    const path = q < 0 ? e.requestInit.path : e.requestInit.path.slice(0, q);
    const key = `${method} ${path}`;
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { method, path, n: 1 });
  }
  return [...counts.entries()]
    .sort(([ka, a], [kb, b]) => b.n - a.n || (ka < kb ? -1 : ka > kb ? 1 : 0))
    .slice(0, limit)
    .map(([name, c]) => ({ name, match: { method: c.method, pathRegex: escapeRegex(c.path) } }));
}

/** The `policy:` block to paste under the service in the registry, as YAML (strings JSON-quoted: valid YAML). */
export function policyYaml(routes: readonly ProposedRoute[], comment: string): string {
  const lines = comment.split('\n').map((l) => `# ${l}`);
  lines.push('policy:');
  if (routes.length === 0) lines.push('  routes: []');
  else {
    lines.push('  routes:');
    for (const r of routes) {
      lines.push(`    - name: ${JSON.stringify(r.name)}`);
      lines.push(`      match: { method: ${JSON.stringify(r.match.method)}, pathRegex: ${JSON.stringify(r.match.pathRegex)} }`);
    }
  }
  return `${lines.join('\n')}\n`;
}
