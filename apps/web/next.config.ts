// Next.js config for the dashboard. Nothing here reaches the network: the machine builds and runs offline.
import path from 'node:path';
import type { NextConfig } from 'next';

const root = path.join(import.meta.dirname, '../../');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  // The monorepo root holds the hoisted node_modules and the workspace packages (@signalbox/shared).
  outputFileTracingRoot: root,
  turbopack: { root },
};

export default nextConfig;
