// The young generation's one exception to heap.ts's 1 MiB semi-space: HTTP/2 keeps in-flight streams' objects alive
// across scavenges, and at 1 MiB they get promoted and old space swells between major GCs. Doubling it once, to
// 2 MiB, lets a scavenge come after most streams are done. With node:http2 (each stream's state is large and
// long-lived) that took back ~10 % CPU per request (~90 µs/req) for ~8 MB less than V8's fully grown 8 MiB
// semi-spaces. The wire engine held 2 MiB only once its sessions' stream tables stopped keeping finished streams
// alive (wire/stream-table.ts); before that it tipped into promoting everything and needed 3 MiB. An h2c hop under
// h2load -m10 now peaks ~2 MB lower at 2 MiB than at 3, for ~6 % more CPU per request; at 1 MiB ~1.5 % of what it
// allocates is still promoted and the peak is 84 MB. HTTP/1 traffic would grow it as well, for ~2 MB and no CPU
// gain, so this happens only once HTTP/2 is in use, where an engine starts. node:perf_hooks (nine built-in modules,
// ~0.3 MB), which reports the collections, is loaded then too, not by every proxy (clock.ts).
import v8 from 'node:v8';

let allowed = false;

export function letYoungGenerationGrowOnce(): void {
  if (allowed) return;
  allowed = true;
  const initial = newSpaceSize();
  // V8 grows new space (by this factor) after a scavenge that found enough survivors; once it has, no further.
  const { PerformanceObserver } = process.getBuiltinModule('node:perf_hooks');
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
