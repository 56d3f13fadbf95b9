#!/usr/bin/env -S node --no-concurrent-recompilation --no-sparkplug --no-parallel-scavenge --expose-gc --use-openssl-ca
// Entry point: parse config, start the proxy, drain on SIGTERM/SIGINT and exit 0.
// The flags on the #! line are the proxy's (packages/launch's proxyCommand and the image pass the same ones), all
// for memory; V8 reads them once, when the isolate is made, so they cannot be set from here (heap.ts's growth
// factor can).
// --no-concurrent-recompilation: optimising on the main thread keeps V8's background compile threads from each
// growing a malloc arena for the optimiser's scratch memory during warm-up, ~2–3 MB of peak RSS per proxy under
// load, at no measured CPU per request; the price is the warm-up's optimisations (~110 ms over the first seconds of
// load, 10 ms at most) pausing requests.
// --no-sparkplug: no baseline tier between the interpreter and the optimiser. A proxy's hot paths are optimised
// within the first second of load either way, and baseline code is kept for everything merely warm (the bundle's
// module bodies, start-up, the admin server): code space 976 → 244 KB under h2c load, ~0.8 MB of peak RSS.
// --no-parallel-scavenge: young-generation collections on the main thread alone. A sidecar has about one core to
// itself, where scavenger tasks on V8's worker threads only take turns with the main thread, and each keeps its own
// allocation buffers and worklists: ~0.9 MB of peak RSS under h2c load. Not all of --single-threaded-gc (~1.1 MB):
// with node:http2 (--h2-engine=node), which promotes far more, taking marking and sweeping off the workers cost
// ~10 MB and a quarter more CPU per request; this costs it ~1 MB. Measured with no CPU per request given up on the
// wire engine or HTTP/1 (README, Performance).
// --expose-gc: for the collections below.
// --use-openssl-ca: the system's CA store (OpenSSL's: SSL_CERT_FILE, SSL_CERT_DIR, its default paths) instead of
// the ~140 certificates Node bundles, which it parses into a store for the first TLS context a process makes, even
// one given its own `ca`: ~0.8 MB of private memory and ~0.2 MB of the binary's pages in every proxy with an
// identity, for a list mTLS never consults (it trusts the mesh's anchors alone). The one connection that trusts
// public CAs is an https control plane, which now trusts what the system does; a slim image with no CA bundle
// parses nothing. NODE_EXTRA_CA_CERTS is still added.
// heap.js first: its module body sets a V8 flag before the others' run (why: heap.ts); then zod's configuration,
// before any schema is built (zod-jitless.ts).
import './heap.js';
import './zod-jitless.js';
import { createProxy } from './app/proxy.js';
import { ConfigError, parseConfig, tapClientIdentity } from './config.js';
import { isoTimestamp } from './utc-time.js';

const log = (msg: string) => console.error(`${isoTimestamp()} signalbox-proxy ${msg}`);

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`signalbox-proxy: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const proxy = await createProxy(config, log);
  // Starting leaves ~2 MB of garbage in the old generation (modules evaluated, config and schemas built) that only a
  // major GC frees, and request traffic, short-lived, may not cause one for a long time: under the bench's load none
  // came at all. Collected here, while nothing is in flight (a few ms each); skipped when run without --expose-gc.
  // Twice: a full GC compacts the pages the one before it found mostly garbage (V8 picks them from the live bytes
  // that sweep counted), so only the second moves the first one's survivors off them and gives those pages back:
  // idle 58.0 → 56.7 MB. Compacting every page at once (--compact-on-every-full-gc) gave back 0.5 MB more but
  // raised the process's peak to 63 MB while it copied.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  log(`outbound ${proxy.outboundAddr} inbound ${proxy.inboundAddr} admin ${proxy.adminAddr} app ${config.app}`);
  if (proxy.tapAddr) log(`tap (mTLS, ${tapClientIdentity(config)} only) ${proxy.tapAddr}`);
  if (proxy.intercept) log('intercept: on (original destinations of redirected connections are their targets)');
  for (const r of proxy.inboundRoutes) log(`inbound ${r.addr} app ${r.app}`);
  for (const m of proxy.outboundTcp) log(`outbound tcp ${m.addr} → ${m.authority}`);
  // However the shutdown started (a signal below, or POST /shutdown), the process ends with it.
  proxy.stopped.then(
    () => {
      log('stopped');
      process.exit(0);
    },
    (err: unknown) => {
      log(`shutdown failed: ${String(err)}`);
      process.exit(1);
    },
  );
  const stop = (signal: string) => {
    log(`${signal}: draining (grace ${config.shutdownGrace} ms)`);
    void proxy.shutdown();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

// Socket errors are handled per connection; anything reaching here is a bug, logged rather than fatal.
process.on('uncaughtException', (err) => log(`uncaught: ${err.stack ?? String(err)}`));
process.on('unhandledRejection', (err) => log(`unhandled rejection: ${String(err)}`));

main().catch((err: unknown) => {
  log(`failed to start: ${(err as Error).message}`);
  process.exit(1);
});
