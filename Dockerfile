# One image for every Signalbox process (proxy, control plane, dashboard, demo apps); compose picks the command.
FROM node:20-bookworm-slim
WORKDIR /signalbox
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN npm ci --no-audit --no-fund && npm run build
