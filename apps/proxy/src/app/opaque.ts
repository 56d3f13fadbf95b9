// The endpoint stage for opaque connections, shared by both directions: connect to the chosen address, count it
// as a `dst` connection, splice the client to it. A failed connect closes the client (there is no way to say why
// in a byte stream; the failure shows in tcp_close_total{errno} of the accepted connection's peer).
import type net from 'node:net';
import type { Drain } from '../listener/drain.js';
import { connect } from '../tcp/connect.js';
import type { Splice } from '../tcp/forward.js';
import type { MetricTarget } from '../telemetry/labels.js';
import type { Telemetry } from '../telemetry/registry.js';

export interface OpaqueTarget {
  readonly host: string;
  readonly port: number;
  readonly tcp: MetricTarget;
}

export interface OpaqueDeps {
  readonly telemetry: Telemetry;
  readonly drain: Drain;
  readonly connectTimeoutMs: number;
  /** The byte relay (tcp/forward.ts `createSplice`). */
  readonly splice: Splice;
}

/** Opens (and counts) the upstream connection; the default is plain TCP to the target. */
export type OpaqueConnect = (target: OpaqueTarget) => Promise<net.Socket>;

/**
 * Forwards `client` (paused, with `first` already read from it) to `target`. `onClosed` runs once the spliced
 * connection is over, or at once when connecting failed (the balancer's pick ends there).
 */
export function forwardOpaque(
  deps: OpaqueDeps,
  client: net.Socket,
  target: OpaqueTarget,
  first: Buffer,
  onClosed: (failed: boolean) => void = noop,
  /** Outbound to a meshed endpoint: mTLS with the opaque transport header (app/endpoint-connect.ts). */
  open?: OpaqueConnect,
): void {
  client.pause();
  const drainable = { socket: client, drain: noop };
  deps.drain.add(drainable);
  const opened =
    open?.(target) ??
    connect(target.host, target.port, deps.connectTimeoutMs).then((s) => {
      deps.telemetry.tcp.track(s, target.tcp, 'dst');
      return s;
    });
  opened.then(
    (upstream) => {
      if (client.destroyed) {
        upstream.destroy();
        return onClosed(false);
      }
      deps.splice(client, upstream, { fromClient: first, onClosed: () => onClosed(false) });
    },
    () => {
      client.destroy();
      onClosed(true);
    },
  );
}

function noop(): void {}
