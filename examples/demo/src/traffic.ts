// The traffic generator: a steady, modest request rate at the front service (the machine has two cores).
import type { MeshClient } from './mesh-client.js';
import { serviceAuthority } from './topology.js';

export interface TrafficStats {
  sent: number;
  ok: number;
  failed: number;
}

/** Sends `rps` requests a second until stopped; returns the stop function and live counters. */
export function startTraffic(mesh: MeshClient, rps: number): { stop: () => void; stats: TrafficStats } {
  const stats: TrafficStats = { sent: 0, ok: 0, failed: 0 };
  const timer = setInterval(() => {
    stats.sent += 1;
    mesh(serviceAuthority('web'), '/').then(
      (r) => (r.status === 200 ? stats.ok++ : stats.failed++),
      () => stats.failed++,
    );
  }, 1000 / rps);
  return { stop: () => clearInterval(timer), stats };
}
