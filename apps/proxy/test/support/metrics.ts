// Reading a running proxy's metrics in tests: sums over the series a test cares about.
import type { RunningProxy } from '../../src/app/proxy.js';

/** The sum of `name`'s series whose labels include `labels`. */
export async function metric(proxy: RunningProxy, name: string, labels: Record<string, string>): Promise<number> {
  const text = await proxy.telemetry.registry.metrics();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const have = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
