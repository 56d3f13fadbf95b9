// Linkerd's transport metrics per connection (tcp_open_total, tcp_close_total{errno}, tcp_open_connections,
// tcp_read/write_bytes_total). Bytes come from the socket's own counters, added on close and on each scrape,
// so the data path never touches a metric per chunk.
import type net from 'node:net';
import { Counter, Gauge, type Registry } from './prom.js';
import { labelNames as L, metricNames, type Peer } from '@signalbox/shared';
import { endpointLabelNames, targetKey, targetLabels, type Labels, type MetricTarget } from './labels.js';

interface Tracked {
  readonly socket: net.Socket;
  read: number;
  written: number;
  errno: string;
}

class TcpSeries {
  opened = 0;
  open = 0;
  read = 0;
  written = 0;
  readonly closed = new Map<string, number>();
  readonly live = new Set<Tracked>();
  constructor(readonly labels: Labels) {}

  /** Moves byte counts not yet reported into the series. */
  settle(t: Tracked): void {
    const r = t.socket.bytesRead;
    const w = t.socket.bytesWritten;
    this.read += r - t.read;
    this.written += w - t.written;
    t.read = r;
    t.written = w;
  }
}

export class TcpMetrics {
  readonly #series = new Map<string, TcpSeries>();

  constructor(registry: Registry) {
    const series = this.#series;
    const names = [...endpointLabelNames, L.peer];
    const counter = (name: string, help: string, take: (s: TcpSeries) => number) =>
      new Counter({
        name,
        help,
        labelNames: names,
        registers: [registry],
        collect() {
          for (const s of series.values()) {
            for (const t of s.live) s.settle(t);
            const v = take(s);
            if (v > 0) this.inc(s.labels, v);
          }
        },
      });
    counter(metricNames.tcpOpenTotal, 'Total count of opened connections.', (s) => {
      const v = s.opened;
      s.opened = 0;
      return v;
    });
    counter(metricNames.tcpReadBytesTotal, 'Total count of bytes read from peers.', (s) => {
      const v = s.read;
      s.read = 0;
      return v;
    });
    counter(metricNames.tcpWriteBytesTotal, 'Total count of bytes written to peers.', (s) => {
      const v = s.written;
      s.written = 0;
      return v;
    });
    new Counter({
      name: metricNames.tcpCloseTotal,
      help: 'Total count of closed connections.',
      labelNames: [...names, L.errno],
      registers: [registry],
      collect() {
        for (const s of series.values())
          for (const [errno, n] of s.closed) {
            if (n > 0) this.inc({ ...s.labels, [L.errno]: errno }, n);
            s.closed.set(errno, 0);
          }
      },
    });
    new Gauge({
      name: metricNames.tcpOpenConnections,
      help: 'Number of currently-open connections.',
      labelNames: names,
      registers: [registry],
      collect() {
        for (const s of series.values()) this.set(s.labels, s.open);
      },
    });
  }

  /** Starts counting `socket` under `target`; everything else happens on the socket's own events. */
  track(socket: net.Socket, target: MetricTarget, peer: Peer): void {
    const key = `${targetKey(target)}|${peer}`;
    let s = this.#series.get(key);
    if (!s) {
      s = new TcpSeries({ ...targetLabels(target), [L.peer]: peer });
      this.#series.set(key, s);
    }
    const series = s;
    const t: Tracked = { socket, read: 0, written: 0, errno: '' };
    series.opened++;
    series.open++;
    series.live.add(t);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!t.errno) t.errno = err.code ?? 'EIO';
    });
    socket.once('close', () => {
      series.settle(t);
      series.live.delete(t);
      series.open--;
      series.closed.set(t.errno, (series.closed.get(t.errno) ?? 0) + 1);
    });
  }
}
