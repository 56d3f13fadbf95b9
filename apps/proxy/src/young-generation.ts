// The young generation's one exception to heap.ts's 1 MiB semi-space: HTTP/2 keeps many objects alive across
// scavenges (each in-flight stream's node:http2 state), and held at 1 MiB an h2c hop spent ~10 % more CPU per
// request on them. Doubling once, to 2 MiB, brings that back (~90 µs/req) for ~8 MB less than V8's fully grown
// 8 MiB semi-spaces. HTTP/1 traffic would double it as well, for ~2 MB and no CPU gain, so this is allowed only once
// HTTP/2 is in use: it is called where node:http2 is first loaded.
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

let allowed = false;

export function letYoungGenerationDoubleOnce(): void {
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
  v8.setFlagsFromString('--semi-space-growth-factor=2');
}

function newSpaceSize(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}
