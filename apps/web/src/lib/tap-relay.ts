// The dashboard's tap relay, shared by its server (src/server/tap-proxy.ts) and the browser (features/tap): the
// browser opens `ws://<dashboard>/api/tap`, and the dashboard's server relays it to the control plane's `/v1/tap`,
// so the browser never needs the API's address or token. Close reasons of the relay's own making start with these
// codes (the API's own codes, SB_TAP_*, pass through unchanged).

/** The dashboard's WebSocket path for tap. */
export const TAP_RELAY_PATH = '/api/tap';

export const tapRelayCodes = {
  /** The dashboard's server could not open a WebSocket to the API (refused, timed out, DNS…). */
  apiUnreachable: 'SB_TAP_API_UNREACHABLE',
  /** The API refused the relay's upgrade (401/403: the dashboard's SIGNALBOX_TAP_AUTH_TOKEN is missing or wrong). */
  apiRefused: 'SB_TAP_API_REFUSED',
  /** The API's socket ended without a close frame (the API died or the network dropped). */
  apiLost: 'SB_TAP_API_LOST',
  /** The API's socket stayed open but stopped answering pings (the API is frozen or the connection half-open). */
  apiStalled: 'SB_TAP_API_STALLED',
} as const;
