#!/bin/sh
# Entry point of the Signalbox images: secrets come as files on a volume, not in the compose file. When
# SIGNALBOX_TAP_TOKEN_FILE names a file, its content becomes SIGNALBOX_TAP_TOKEN (read by the proxy and the control
# plane as --tap-token), then the command runs in this process (exec: signals go straight to node).
set -eu
if [ -n "${SIGNALBOX_TAP_TOKEN_FILE:-}" ]; then
  SIGNALBOX_TAP_TOKEN=$(cat "$SIGNALBOX_TAP_TOKEN_FILE")
  export SIGNALBOX_TAP_TOKEN
fi
exec "$@"
