// A deterministic synthetic mesh for measuring the topology at scale (500 workloads, 1 500 edges): edges mostly
// between nearby workloads, as real call graphs cluster, with a mix of HTTP and TCP-only links and failure rates.
import type { Edge, StatRow } from '@signalbox/shared';

export function syntheticMesh(nodeCount: number, edgeCount: number, namespace = 'bench'): { rows: StatRow[]; edges: Edge[] } {
  let seed = 42;
  const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const name = (i: number) => `svc-${String(i).padStart(4, '0')}`;
  const rows: StatRow[] = Array.from({ length: nodeCount }, (_, i) => ({
    kind: 'deployment',
    namespace,
    name: name(i),
    meshedPods: 1,
    totalPods: 1,
    successRate: 0.85 + random() * 0.15,
    rps: random() * 50,
    latencyMs: { p50: 2, p95: 10, p99: 40 },
    tcpConnections: 1,
    readBytesPerSec: 1000,
    writeBytesPerSec: 1000,
  }));
  const seen = new Set<string>();
  const edges: Edge[] = [];
  while (edges.length < edgeCount && seen.size < nodeCount * (nodeCount - 1)) {
    const a = Math.floor(random() * nodeCount);
    const b = (a + 1 + Math.floor(random() * random() * 40)) % nodeCount;
    const key = `${a}>${b}`;
    if (a === b || seen.has(key)) continue;
    seen.add(key);
    const tcp = random() < 0.1;
    edges.push({
      src: { namespace, kind: 'deployment', name: name(a) },
      dst: { namespace, kind: 'deployment', name: name(b) },
      protocol: tcp ? 'tcp' : 'http',
      rps: tcp ? 0 : random() * 100,
      successRate: tcp ? null : 0.85 + random() * 0.15,
      latencyP99Ms: tcp ? null : 5 + random() * 100,
      tcpConnections: 1 + Math.floor(random() * 4),
      readBytesPerSec: random() * 10_000,
      writeBytesPerSec: random() * 10_000,
      secured: false,
      noTlsReason: 'no_identity',
      clientId: null,
      serverId: null,
    });
  }
  return { rows, edges };
}
