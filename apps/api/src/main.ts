#!/usr/bin/env node
// Control plane entry: config → discovery source (the registry file, failing fast when it is bad; or the Kubernetes
// API, listening once it is listed) → discovery state → HTTP server; then follow the source, keeping the last good
// model when a registry edit is broken. SIGTERM/SIGINT end streams and exit 0.
import { tapServiceIdentity } from '@signalbox/shared';
import { parseConfig, type ApiConfig } from './config.js';
import { writeFileSd } from './discovery/file-sd.js';
import { createDestinationServer } from './discovery/server.js';
import { createKubernetesSource } from './discovery/sources/kubernetes.js';
import { createStaticFileSource, RegistryFileError } from './discovery/sources/static-file.js';
import { startDiscovery, type Discovery, type DiscoverySource } from './discovery/watcher.js';
import { IdentityCaError } from './identity/ca.js';
import { createIdentityService, type IdentityService } from './identity/service.js';
import { createTokenReviewValidator } from './identity/validator-tokenreview.js';
import { KubeConfigError, loadKubeConfig } from './kube/config.js';
import { createPrometheusClient } from './metrics/prometheus.js';
import { createApiServer } from './server.js';
import { createTapHub } from './tap/hub.js';
import { createTapCertSource, type TapCertSource } from './tap/identity.js';
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

  const telemetry = createTelemetry();
  let kc: ReturnType<typeof loadKubeConfig> | undefined;
  let source: DiscoverySource;
  if (config.discovery.kind === 'kubernetes') {
    try {
      kc = loadKubeConfig(config.discovery.kubeconfig);
    } catch (err) {
      return fail(err instanceof KubeConfigError ? err.message : String(err));
    }
    source = createKubernetesSource({ kc, log });
  } else source = createStaticFileSource(config.discovery.registryFile, { log });

  const fileSd = config.fileSdPath;
  // Writes run one after another, so an older model never lands after a newer one.
  let writing = Promise.resolve();
  const writeTargets = (registry: Parameters<typeof writeFileSd>[1]) => {
    if (!fileSd) return writing;
    writing = writing.then(() =>
      writeFileSd(fileSd, registry).catch((err: unknown) => console.error(`signalbox-api: cannot write file_sd ${fileSd}: ${(err as Error).message}`)),
    );
    return writing;
  };
  let discovery: Discovery;
  try {
    discovery = await startDiscovery(source, {
      trustDomain: config.identity?.trustDomain,
      onUpdate(registry) {
        telemetry.registryReloads.inc({ result: 'success' });
        void writeTargets(registry);
      },
      onError(error) {
        telemetry.registryReloads.inc({ result: 'failure' });
        console.error(error instanceof RegistryFileError ? `${error.message}\nsignalbox-api: keeping the last good registry` : `signalbox-api: ${error.message}`);
      },
    });
  } catch (err) {
    return fail(err instanceof RegistryFileError ? err.message : `${source.description}: ${String(err)}`);
  }
  const watcher = discovery.watcher;
  let identity: IdentityService | undefined;
  if (config.identity)
    try {
      identity = await createIdentityService({
        config: config.identity,
        registry: watcher.registry,
        ...(kc ? { validator: createTokenReviewValidator({ kc, trustDomain: config.identity.trustDomain }) } : {}),
        log,
        onResult: (result) => telemetry.certify.inc({ result }),
      });
    } catch (err) {
      return fail(err instanceof IdentityCaError ? err.message : `identity: ${String(err)}`);
    }
  const destination = createDestinationServer({ watcher, onStreamsChanged: (n) => telemetry.destinationStreams.set(n) });
  const prometheus = createPrometheusClient({ url: config.prometheusUrl });
  // The control plane's own tap identity, issued by its CA in-process: proxies with identity on accept only it.
  let tapCert: TapCertSource | undefined;
  if (identity && config.identity) {
    tapCert = createTapCertSource({ issuer: identity.issuer, identity: tapServiceIdentity(identity.trustDomain), lifetimeMs: config.identity.certLifetimeMs, log });
    const first = await tapCert.ready.catch((err: unknown) => fail(`tap identity: ${String(err)}`));
    log(`tap identity ${first.identity} valid until ${first.notAfter.toISOString()}`);
  }
  const tapHub = createTapHub({
    registry: watcher.registry,
    proxyToken: config.tapToken,
    pingIntervalMs: config.tapPingIntervalMs,
    ...(tapCert && identity ? { tls: { material: tapCert.current, trustDomain: identity.trustDomain } } : {}),
  });
  const tap = createTapEndpoint({ hub: tapHub, authToken: config.tapAuthToken });
  const server = createApiServer({
    context: { registry: watcher.registry, prometheus, ...(identity ? { identity: { trustDomain: identity.trustDomain, trustAnchorsPem: identity.issuer.trustAnchorsPem, issuerCertPem: identity.issuer.certPem } } : {}) },
    destination,
    telemetry,
    tap,
    ...(identity ? { identity: identity.endpoint } : {}),
  });

  await writeTargets(watcher.registry());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, resolve);
  }).catch((err: unknown) => fail(`cannot listen on ${config.listen.host}:${config.listen.port}: ${(err as Error).message}`));
  log(`listening on ${config.listen.host}:${config.listen.port}, ${source.description}, prometheus ${config.prometheusUrl}`);
  if (!config.tapToken) log('no --tap-token: proxies will refuse tap subscriptions');
  if (!config.tapAuthToken && !['127.0.0.1', 'localhost', '::1'].includes(config.listen.host))
    log(`warning: listening on ${config.listen.host} without --tap-auth-token: anyone who reaches the API can tap`);

  const shutdown = (signal: string) => {
    log(`${signal}: closing ${destination.streamCount} destination stream(s)`);
    discovery.close();
    destination.closeAll();
    tap.closeAll();
    tapHub.closeAll();
    tapCert?.close();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // A client that never lets go of its socket must not hold the shutdown forever.
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
