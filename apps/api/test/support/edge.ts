// The traffic figures of an edge in tests about something else (identity, splits): one healthy HTTP request a second.
import type { Edge } from '@signalbox/shared';

export const edgeTraffic: Pick<Edge, 'protocol' | 'rps' | 'successRate' | 'latencyP99Ms' | 'tcpConnections' | 'readBytesPerSec' | 'writeBytesPerSec'> = {
  protocol: 'http',
  rps: 1,
  successRate: 1,
  latencyP99Ms: 1,
  tcpConnections: 1,
  readBytesPerSec: 0,
  writeBytesPerSec: 0,
};
