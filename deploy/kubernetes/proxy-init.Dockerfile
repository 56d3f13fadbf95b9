# syntax=docker/dockerfile:1
# signalbox-init, the init container `signalbox inject` adds (Linkerd's proxy-init): it runs the nat rules inject
# writes into its args (`/bin/sh -c <script>`, apps/cli/src/inject/proxy-spec.ts) and exits. Only iptables and a
# shell are needed. It runs as root with NET_ADMIN/NET_RAW only (the pod spec drops every other capability), so
# unlike the long-running images it has no USER, port or healthcheck.
# Build context: the repository root (docker build -f deploy/kubernetes/proxy-init.Dockerfile .).
FROM debian:bookworm-slim
# bookworm's `iptables` is the nf_tables backend, which current kubelets and CNIs use too.
RUN apt-get update && apt-get install -y --no-install-recommends iptables && rm -rf /var/lib/apt/lists/*
ENTRYPOINT []
CMD ["iptables", "-t", "nat", "-S"]
