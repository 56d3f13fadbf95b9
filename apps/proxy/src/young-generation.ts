// The young generation's one exception to heap.ts's 1 MiB semi-space: HTTP/2 keeps in-flight streams' objects alive
// across scavenges, and at 1 MiB they get promoted and old space swells between major GCs. With node:http2 (each
// stream's state is large and long-lived) doubling once, to 2 MiB, took back ~10 % CPU per request (~90 µs/req)
// for ~8 MB less than V8's fully grown 8 MiB semi-spaces. The wire engine's streams are small and short: at 3 MiB a
// scavenge comes after a stream is done, nothing is promoted, and an h2c hop under h2load -m10 peaked at 62 MB
// instead of 85 with ~50 % more req/s (2, 4, 6 and 8 MiB measured too: 90, 66, 69 and 73 MB). HTTP/1 traffic would
// grow it as well, for ~2 MB and no CPU gain, so this happens only once HTTP/2 is in use, where an engine starts.
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { H2Engine } from './http2/engine.js';

let allowed = false;

/** The factor, over 1 MiB, the engine's semi-spaces may grow to. */
const growth: Record<H2Engine, number> = { node: 2, wire: 3 };

export function letYoungGenerationGrowOnce(engine: H2Engine): void {
  if (allowed) return;
  allowed = true;
  const initial = newSpaceSize();
  // V8 grows new space (by this factor) after a scavenge that found enough survivors; once it has, no further.
  const observer = new PerformanceObserver(() => {
    if (newSpaceSize() <= initial) return;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
  v8.setFlagsFromString(`--semi-space-growth-factor=${growth[engine]}`);
}

function newSpaceSize(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}
