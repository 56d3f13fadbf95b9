# syntax=docker/dockerfile:1
# The Signalbox dashboard (apps/web): Next.js production build behind its own server (dist/server/main.js), which
# adds the /api/tap WebSocket relay and /healthz. SIGNALBOX_API_URL points it at the control plane.
# Build context: the repository root (docker build -f deploy/docker/web.Dockerfile .).

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
# apps/api is built for its router's types, which the dashboard's tRPC client is checked against; it is not shipped.
RUN npx tsc -b apps/api && npm run build -w @signalbox/web
# Next's standalone output (the server files and only the node_modules files they load) and the files the dashboard's
# server loads, both traced; not the dashboard's production dependencies, which are all of next (see runtime-tree.mjs).
RUN node deploy/docker/runtime-tree.mjs /out --next apps/web=dist/server/main.js

# --- runtime: node, the built output, production node_modules; no npm, no compiler ---
FROM node:20-bookworm-slim AS runtime
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
WORKDIR /signalbox
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
COPY --from=build --chown=root:root /out/ ./
COPY --chmod=0755 deploy/docker/entrypoint.sh /usr/local/bin/signalbox-entrypoint
USER 10002:10002
EXPOSE 3000
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.SIGNALBOX_HEALTH_PORT||3000}/healthz`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/local/bin/signalbox-entrypoint", "node", "apps/web/dist/server/main.js"]
CMD ["-H", "0.0.0.0", "-p", "3000"]
