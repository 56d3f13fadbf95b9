// The opaque TCP relays a test body runs over: the native one (native/relay.c) and the JS streams. Without the
// addon (not built, not Linux) only the JS one, as the proxy itself would fall back, and the skip is said.
import { loadNativeRelay } from '../../src/tcp/native-relay.js';
import type { TcpRelay } from '../../src/tcp/forward.js';

function relays(): readonly TcpRelay[] {
  const loaded = loadNativeRelay();
  if (loaded.ok) return ['native', 'js'];
  console.warn(`native tcp relay not tested: ${loaded.reason}`);
  return ['js'];
}

export const tcpRelays = relays();
