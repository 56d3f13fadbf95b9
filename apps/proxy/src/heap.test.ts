// In nodes of their own: how far old space grows between full collections is per process, and V8's own choice
// depends on the heap's size limit, pinned here to what a machine with plenty of memory gets (4 GB).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// Keeps ~17 MB alive and allocates objects that outlive two scavenges and then die, as node:http2's stream state
// does under load: they are promoted, and old space fills with garbage until a full collection.
const script = `
import v8 from 'node:v8';
if (process.argv[1]) await import(process.argv[1]);
const oldUsed = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
const live = Array.from({ length: 200000 }, (_, i) => ({ i, s: 'live ' + i }));
let peak = 0;
const churn = async (n) => {
  let recent = [];
  for (let i = 0; i < n; i++) {
    recent.push({ i, s: String(i) });
    if (recent.length >= 40000) recent = recent.slice(20000);
    if (i % 2000 === 0) { peak = Math.max(peak, oldUsed()); await new Promise(setImmediate); }
  }
};
await churn(500000);
gc();
const alive = oldUsed();
peak = 0;
await churn(4000000);
console.log(JSON.stringify({ alive, peak, kept: live.length }));
`;

async function peakOverAlive(module?: string): Promise<number> {
  const flags = ['--expose-gc', '--max-old-space-size=4096', '--max-semi-space-size=1', '--input-type=module'];
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, '-e', script, ...(module ? [module] : [])]);
  const { alive, peak } = JSON.parse(stdout) as { alive: number; peak: number };
  return peak / alive;
}

it('lets old space grow to about twice what a full collection kept, where V8 alone lets it reach four times', async () => {
  const [own, v8Default] = await Promise.all([peakOverAlive(path.join(import.meta.dirname, '../dist/heap.js')), peakOverAlive()]);
  // Measured 2.5–2.6 and 4.8–5.0: the peak overshoots the limit while incremental marking finishes.
  expect(v8Default).toBeGreaterThan(4);
  expect(own).toBeLessThan(3.3);
}, 60_000);
