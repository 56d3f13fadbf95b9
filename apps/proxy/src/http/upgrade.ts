// HTTP/1.1 protocol upgrades (WebSocket): the request keeps `Upgrade` and `Connection: upgrade` on every hop (they
// are hop-by-hop, so each hop re-adds them), and after a 101 both connections leave HTTP and are spliced as
// bytes (Linkerd's http/upgrade). Upgraded upstream sockets never return to the pool.
import { getHeader, listHas } from './framing.js';
import { hopFields, type Header, type RequestHead } from './parse-head.js';

/**
 * The protocol(s) an HTTP/1.1 request asks to switch to, or undefined. `Upgrade` counts only when `Connection`
 * lists it (RFC 9110 §7.8) and only on HTTP/1.1 (an HTTP/1.0 intermediary may have forwarded it blindly).
 */
export function requestedUpgrade(head: RequestHead): string | undefined {
  if (head.minor !== 1) return undefined;
  return upgradeOf(hopFields(head));
}

/** The `Upgrade` value of a message whose `Connection` header lists `upgrade`. */
export function upgradeOf(headers: readonly Header[]): string | undefined {
  const upgrade = getHeader(headers, 'upgrade');
  if (upgrade === undefined || !listHas(headers, 'connection', 'upgrade')) return undefined;
  return upgrade;
}

/** The hop-by-hop lines that carry an upgrade to the next hop. */
export function upgradeLines(protocol: string): string[] {
  return ['connection: upgrade', `upgrade: ${protocol}`];
}
