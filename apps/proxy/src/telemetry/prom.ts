// The prom-client classes the proxy uses, each required from its own file. prom-client's index also loads its
// Pushgateway (node:https, and with it node:tls, node:crypto and node:zlib), default metrics (node:perf_hooks) and
// cluster aggregator, none of which a proxy uses: ~1 MB of heap and of the node binary's pages, in every proxy.
// The paths are prom-client's lib/ layout at the exact version package.json pins.
import { createRequire } from 'node:module';
import type * as prom from 'prom-client';

const load = createRequire(import.meta.url);

export const Registry: typeof prom.Registry = load('prom-client/lib/registry.js');
export const Counter: typeof prom.Counter = load('prom-client/lib/counter.js');
export const Gauge: typeof prom.Gauge = load('prom-client/lib/gauge.js');
export type Registry = prom.Registry;
export type Counter<T extends string = string> = prom.Counter<T>;
export type Gauge<T extends string = string> = prom.Gauge<T>;
