# syntax=docker/dockerfile:1
# The Signalbox proxy (apps/proxy): one per pod, beside the app, in its network namespace. Runs as UID 2102, the
# proxy UID Linkerd excludes from the outbound redirect (REFERENCE.md §1.1).
# Build context: the repository root (docker build -f deploy/docker/proxy.Dockerfile .).

# --- build: the whole workspace (npm ci needs every workspace's package.json to match package-lock.json) ---
FROM node:20-bookworm-slim AS build
# The SO_ORIGINAL_DST addon (apps/proxy/native, built by node-gyp with the npm-bundled copy) needs a C toolchain:
# build stage only; the runtime stage gets the compiled .node file and nothing else.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json tsconfig.json ./
COPY packages/ packages/
COPY apps/ apps/
COPY examples/ examples/
COPY deploy/docker/ deploy/docker/
RUN npm ci --no-audit --no-fund
RUN npm run build -w @signalbox/proxy
# Only this image's workspaces, their built output and their production dependencies (see runtime-tree.mjs).
# runtime-tree.mjs fails when a listed path is missing: a failed addon build fails the image, not --intercept or the
# native TCP relay at run time.
RUN node deploy/docker/runtime-tree.mjs /out packages/shared apps/proxy=dist,native/build/Release/original_dst.node,native/build/Release/relay.node

# --- runtime: node, the built output, production node_modules; no npm, no compiler ---
FROM node:20-bookworm-slim AS runtime
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
WORKDIR /signalbox
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
COPY --from=build --chown=root:root /out/ ./
COPY --chmod=0755 deploy/docker/entrypoint.sh /usr/local/bin/signalbox-entrypoint
USER 2102:2102
EXPOSE 4140 4143 4191
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.SIGNALBOX_HEALTH_PORT||4191}/ready`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/local/bin/signalbox-entrypoint", "node", "--no-concurrent-recompilation", "--no-sparkplug", "--no-parallel-scavenge", "--expose-gc", "--use-openssl-ca", "apps/proxy/dist/bundle/main.js"]
CMD ["--inbound=0.0.0.0:4143", "--outbound=127.0.0.1:4140", "--admin=0.0.0.0:4191"]
