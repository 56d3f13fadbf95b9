// The Host rules a server enforces on every request (RFC 9112 §3.2): an HTTP/1.1 request has exactly one Host, an
// HTTP/1.0 request at most one, and its value is an authority. A hop that let two Hosts or a malformed one through
// would let the next hop pick a destination other than the one this proxy routed and counted the request by.
import { hopFields, type Header, type RequestHead } from './parse-head.js';

// uri-host [":" port] (RFC 3986 §3.2.2): an IP literal in brackets or a reg-name, which may be empty.
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(?::\d*)?$/;

/** Why the request's Host fields break the rules, or undefined when they don't. */
export function hostProblem(head: RequestHead): string | undefined {
  // Host is among the fields decoded with the head (hopFields): counted there, no list built per request.
  let host: Header | undefined;
  for (const h of hopFields(head)) {
    if (h.lower !== 'host') continue;
    if (host !== undefined) return 'more than one Host header';
    host = h;
  }
  if (host === undefined) return head.minor === 1 ? 'missing Host header' : undefined;
  return AUTHORITY.test(host.value) ? undefined : 'invalid Host header';
}
