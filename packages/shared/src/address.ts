// Socket addresses as they travel in config, registry files and wire messages: "host:port" strings.
import * as z from 'zod';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

const HOST_PORT = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/;

/** Parses "127.0.0.1:4140", "localhost:80" or "[::1]:4191"; returns null when malformed. */
export function parseHostPort(value: string): HostPort | null {
  const m = HOST_PORT.exec(value);
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: (m[1] ?? m[2]) as string, port };
}

export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A "host:port" string, validated. */
export const hostPortSchema = z
  .string()
  .refine((v) => parseHostPort(v) !== null, { message: 'expected "host:port" with a port from 1 to 65535' });

/**
 * Linkerd's default `clusterNetworks`, where meshed pods and services live: every private IPv4 range, carrier-grade
 * NAT and IPv6 unique local addresses. Proxies ask discovery only about intercepted destinations inside them.
 */
export const defaultClusterNetworks: readonly string[] = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', 'fd00::/8'];

/** A comma list of CIDRs (`10.0.0.0/8,fd00::/8`), or one already split. */
export const cidrListSchema = z
  .union([z.string().transform((v) => v.split(',').map((c) => c.trim())), z.array(z.string())])
  .pipe(z.array(z.union([z.cidrv4(), z.cidrv6()])));
