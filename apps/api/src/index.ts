// Public surface of @signalbox/api for other workspaces (tests, the demo): re-exports only.
export { parseConfig, type ApiConfig } from './config.js';
export { fileSdTargets, writeFileSd, type FileSdGroup } from './discovery/file-sd.js';
export { createDestinationServer, type DestinationServer } from './discovery/server.js';
export { loadRegistryFile, parseRegistry, RegistryFileError, watchRegistryFile } from './discovery/sources/static-file.js';
export { resolveAuthority, translate, toEndpoint, type Resolution } from './discovery/translator.js';
export { createDiscoveryWatcher, type DiscoveryWatcher } from './discovery/watcher.js';
export { PrometheusQueryError, PrometheusUnavailableError, SignalboxApiError } from './metrics/errors.js';
export { createPrometheusClient, type PrometheusClient } from './metrics/prometheus.js';
export { createApiServer } from './server.js';
export { createTelemetry, type Telemetry } from './telemetry.js';
export { createCallerFactory, type Context } from './trpc/init.js';
export { appRouter, type AppRouter, type RouterInputs, type RouterOutputs } from './trpc/router.js';
export { createTapHub, type TapHub, type TapSession, type TapSessionStats } from './tap/hub.js';
export { connectProxyTap, type ProxyTap } from './tap/proxy-client.js';
export { proxyMatch, splitMaxRps, tapTargets } from './tap/targets.js';
export { createTapEndpoint, type TapEndpoint } from './tap/ws.js';
