// Next.js config for the dashboard. Nothing here reaches the network: the machine builds and runs offline.
import path from 'node:path';
import type { NextConfig } from 'next';

const root = path.join(import.meta.dirname, '../../');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  // .next/standalone: the server files plus only the node_modules files they load (traced), for the image
  // (deploy/docker/web.Dockerfile); `next build` still writes the usual .next the repo's server runs from.
  output: 'standalone',
  // No next/image here. With the optimizer off Next never loads sharp, so the image leaves it out (runtime-tree.mjs).
  images: { unoptimized: true },
  // The monorepo root holds the hoisted node_modules and the workspace packages (@signalbox/shared).
  outputFileTracingRoot: root,
  turbopack: { root },
};

export default nextConfig;
