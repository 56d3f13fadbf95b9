// Which logical destination a request names (the Linkerd "logical" target): the absolute-form URI's host:port,
// else the Host header, lower-cased, with the default port made explicit.
import net from 'node:net';
import { parseHostPort } from '@signalbox/shared';
import { memoize } from '../memo.js';
import { fieldsNamed, type RequestHead } from './parse-head.js';

export interface RequestAuthority {
  /** Normalised `host:port` (IPv6 hosts in brackets). */
  readonly authority: string;
  readonly host: string;
  readonly port: number;
  /** The origin-form target to send upstream. */
  readonly path: string;
}

const HOST = /^(?:\[[0-9a-f:.]+\]|[a-z0-9._~!$&'()*+,;=-]+)(?::\d{1,5})?$/;

export function requestAuthority(head: RequestHead): RequestAuthority | string {
  let hostValue: string;
  let path = head.target;
  const hosts = fieldsNamed(head, 'host');
  if (hosts.length > 1) return 'more than one Host header';
  if (head.target.charCodeAt(0) !== 0x2f && head.target !== '*') {
    const m = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(head.target);
    if (!m) return 'invalid absolute-form target';
    if ((m[1] as string).toLowerCase() !== 'http') return 'only http:// targets are proxied';
    hostValue = m[2] as string;
    path = m[3] || '/';
    if (path.charCodeAt(0) !== 0x2f) path = `/${path}`;
  } else {
    const h = hosts[0];
    if (!h) return 'missing Host header';
    hostValue = h.value;
  }
  return normaliseAuthority(hostValue, path);
}

/**
 * Each Host value is validated and normalised once: the same strings come back every time, so maps keyed by them
 * downstream (discovery, balancers, metrics) hash nothing per request.
 */
const normalised = memoize(normalise);

export function normaliseAuthority(value: string, path = '/'): RequestAuthority | string {
  const n = normalised(value);
  return typeof n === 'string' ? n : { authority: n.authority, host: n.host, port: n.port, path };
}

function normalise(value: string): Omit<RequestAuthority, 'path'> | string {
  const v = value.toLowerCase();
  if (!v || !HOST.test(v)) return 'invalid authority';
  const withPort = /:\d+$/.test(v) && !v.endsWith(']') ? v : `${v}:80`;
  const hp = parseHostPort(withPort);
  if (!hp) return 'invalid authority';
  const host = hp.host.endsWith('.') ? hp.host.slice(0, -1) : hp.host;
  const authority = host.includes(':') ? `[${host}]:${hp.port}` : `${host}:${hp.port}`;
  return { authority, host, port: hp.port };
}

export function isIpLiteral(host: string): boolean {
  // Names are most hosts: neither an IPv4 address (starts with a digit) nor IPv6 (has a colon) can be one.
  const first = host.charCodeAt(0);
  if ((first < 0x30 || first > 0x39) && !host.includes(':')) return false;
  return net.isIP(host) !== 0;
}

/** The authority-form target of a CONNECT request (`books.demo:7001`): the port is required (RFC 9110 §9.3.6). */
export function connectAuthority(target: string): RequestAuthority | string {
  if (!/^[^/?#@]+:\d{1,5}$/.test(target)) return 'CONNECT needs a host:port target';
  return normaliseAuthority(target);
}

/** The origin-form of a request-target (absolute-form loses its scheme and authority). */
export function originForm(target: string): string {
  if (target.charCodeAt(0) === 0x2f || target === '*') return target;
  return target.replace(/^https?:\/\/[^/?#]*/i, '') || '/';
}
