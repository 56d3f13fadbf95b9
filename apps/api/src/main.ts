#!/usr/bin/env node
// Control plane entry: config → registry (fail fast on a bad file) → discovery state → HTTP server; then follow
// registry edits, keeping the last good registry when an edit is broken. SIGTERM/SIGINT end streams and exit 0.
import { parseConfig, type ApiConfig } from './config.js';
import { writeFileSd } from './discovery/file-sd.js';
import { createDestinationServer } from './discovery/server.js';
import { loadRegistryFile, RegistryFileError, watchRegistryFile } from './discovery/sources/static-file.js';
import { createDiscoveryWatcher } from './discovery/watcher.js';
import { IdentityCaError } from './identity/ca.js';
import { createIdentityService, type IdentityService } from './identity/service.js';
import { createPrometheusClient } from './metrics/prometheus.js';
import { createApiServer } from './server.js';
import { createTapHub } from './tap/hub.js';
import { createTapEndpoint } from './tap/ws.js';
import { createTelemetry } from './telemetry.js';

const log = (message: string) => console.log(`signalbox-api: ${message}`);
const fail = (message: string): never => {
  console.error(`signalbox-api: ${message}`);
  process.exit(1);
};

async function main(): Promise<void> {
  let config: ApiConfig;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    return fail((err as Error).message);
  }

  let loaded: Awaited<ReturnType<typeof loadRegistryFile>>;
  try {
    loaded = await loadRegistryFile(config.registryFile);
  } catch (err) {
    return fail(err instanceof RegistryFileError ? err.message : String(err));
  }

  const telemetry = createTelemetry();
  const watcher = createDiscoveryWatcher(loaded.registry, config.identity?.trustDomain);
  let identity: IdentityService | undefined;
  if (config.identity)
    try {
      identity = await createIdentityService({
        config: config.identity,
        registry: watcher.registry,
        log,
        onResult: (result) => telemetry.certify.inc({ result }),
      });
    } catch (err) {
      return fail(err instanceof IdentityCaError ? err.message : `identity: ${String(err)}`);
    }
  const destination = createDestinationServer({ watcher, onStreamsChanged: (n) => telemetry.destinationStreams.set(n) });
  const prometheus = createPrometheusClient({ url: config.prometheusUrl });
  const tapHub = createTapHub({ registry: watcher.registry, proxyToken: config.tapToken });
  const tap = createTapEndpoint({ hub: tapHub, authToken: config.tapAuthToken });
  const server = createApiServer({
    context: { registry: watcher.registry, prometheus, ...(identity ? { identity: { trustDomain: identity.trustDomain, trustAnchorsPem: identity.issuer.trustAnchorsPem, issuerCertPem: identity.issuer.certPem } } : {}) },
    destination,
    telemetry,
    tap,
    ...(identity ? { identity: identity.endpoint } : {}),
  });

  const fileSd = config.fileSdPath;
  const writeTargets = async () => {
    if (!fileSd) return;
    try {
      await writeFileSd(fileSd, watcher.registry());
    } catch (err) {
      console.error(`signalbox-api: cannot write file_sd ${fileSd}: ${(err as Error).message}`);
    }
  };
  await writeTargets();

  const registryWatch = watchRegistryFile({
    file: config.registryFile,
    initialText: loaded.text,
    onRegistry(registry) {
      watcher.update(registry);
      telemetry.registryReloads.inc({ result: 'success' });
      log(`registry ${config.registryFile} reloaded`);
      void writeTargets();
    },
    onError(error) {
      telemetry.registryReloads.inc({ result: 'failure' });
      console.error(`${error.message}\nsignalbox-api: keeping the last good registry`);
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, resolve);
  }).catch((err: unknown) => fail(`cannot listen on ${config.listen.host}:${config.listen.port}: ${(err as Error).message}`));
  log(`listening on ${config.listen.host}:${config.listen.port}, registry ${config.registryFile}, prometheus ${config.prometheusUrl}`);
  if (!config.tapToken) log('no --tap-token: proxies will refuse tap subscriptions');
  if (!config.tapAuthToken && !['127.0.0.1', 'localhost', '::1'].includes(config.listen.host))
    log(`warning: listening on ${config.listen.host} without --tap-auth-token: anyone who reaches the API can tap`);

  const shutdown = (signal: string) => {
    log(`${signal}: closing ${destination.streamCount} destination stream(s)`);
    registryWatch.close();
    destination.closeAll();
    tap.closeAll();
    tapHub.closeAll();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // A client that never lets go of its socket must not hold the shutdown forever.
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
