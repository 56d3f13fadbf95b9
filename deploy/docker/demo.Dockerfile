# syntax=docker/dockerfile:1
# The demo apps (examples/demo/src/app-main.ts): one role per container (--role), in its pod proxy's network
# namespace. The healthcheck only checks that the app accepts TCP on its port (SIGNALBOX_HEALTH_PORT, default 8080).
# Build context: the repository root (docker build -f deploy/docker/demo.Dockerfile .).

# --- build: the whole workspace (npm ci needs every workspace's package.json to match package-lock.json) ---
FROM node:20-bookworm-slim AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json tsconfig.json ./
COPY packages/ packages/
COPY apps/ apps/
COPY examples/ examples/
COPY deploy/docker/ deploy/docker/
RUN npm ci --no-audit --no-fund
RUN npx tsc -b examples/demo
# Only this image's workspaces, their built output and their production dependencies (see runtime-tree.mjs).
RUN node deploy/docker/runtime-tree.mjs /out packages/shared packages/launch examples/demo

# --- runtime: node, the built output, production node_modules; no npm, no compiler ---
FROM node:20-bookworm-slim AS runtime
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
WORKDIR /signalbox
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
COPY --from=build --chown=root:root /out/ ./
COPY --chmod=0755 deploy/docker/entrypoint.sh /usr/local/bin/signalbox-entrypoint
USER 10003:10003
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "const s=require(`node:net`).connect(Number(process.env.SIGNALBOX_HEALTH_PORT||8080),`127.0.0.1`);s.on(`connect`,()=>process.exit(0));s.on(`error`,()=>process.exit(1))"]
ENTRYPOINT ["/usr/local/bin/signalbox-entrypoint", "node", "examples/demo/dist/app-main.js"]
CMD ["--role=web", "--listen=127.0.0.1:8080", "--outbound=127.0.0.1:4140"]
