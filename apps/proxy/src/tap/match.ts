// The tap match tree evaluated against a request as the proxy sees it (Linkerd's ObserveRequest.match). Pure and
// allocation-free: it runs for every request while someone taps.
import { parseHostPort, type RequestInitEvent, type StringMatch, type TapMatch, type TapPeer, type TapPeerMatch } from '@signalbox/shared';

/**
 * Whether `event` (a request init) satisfies `match`. Method, scheme and authority compare case-insensitively
 * (HTTP says they are case-insensitive, and users type `--method get`); the path compares exactly.
 */
export function matchTap(match: TapMatch, event: RequestInitEvent): boolean {
  if ('all' in match) {
    for (const m of match.all) if (!matchTap(m, event)) return false;
    return true;
  }
  if ('any' in match) {
    for (const m of match.any) if (matchTap(m, event)) return true;
    return false;
  }
  if ('not' in match) return !matchTap(match.not, event);
  if ('direction' in match) return event.direction === match.direction;
  if ('method' in match) return sameText(event.requestInit.method, match.method);
  if ('path' in match) return matchString(match.path, event.requestInit.path, false);
  if ('authority' in match) return matchString(match.authority, event.requestInit.authority, true);
  if ('scheme' in match) return sameText(event.requestInit.scheme, match.scheme);
  if ('source' in match) return matchPeer(match.source, event.source);
  return matchPeer(match.destination, event.destination);
}

function matchString(m: StringMatch, value: string, foldCase: boolean): boolean {
  const v = foldCase ? value.toLowerCase() : value;
  if ('exact' in m) return v === (foldCase ? m.exact.toLowerCase() : m.exact);
  return v.startsWith(foldCase ? m.prefix.toLowerCase() : m.prefix);
}

function sameText(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

function matchPeer(m: TapPeerMatch, peer: TapPeer): boolean {
  if (m.ip !== undefined || m.port !== undefined) {
    const hp = parseHostPort(peer.addr);
    if (!hp) return false;
    if (m.ip !== undefined && hp.host !== m.ip.replace(/^\[|\]$/g, '')) return false;
    if (m.port !== undefined && hp.port !== m.port) return false;
  }
  if (m.labels) for (const key in m.labels) if (peer.meta[key] !== m.labels[key]) return false;
  return true;
}
