// Tap's cost on the hot path: the same Signalbox hop with tap enabled but nobody subscribed, and with one
// subscriber at maxRps 100 (as `signalbox tap` asks by default), so the bench compares both in one run.
import { proxyTapSubscriptionSchema, tapPaths } from '@signalbox/shared';
import WebSocket from 'ws';

const token = 'bench-tap-token-0123456789';

/** Flags that turn tap on for a hop under test. */
export const tapFlags = { 'tap-token': token } as const;

/**
 * Subscribes to the proxy's admin `/tap` as the control plane would and keeps reading, counting events, until
 * closed. Resolves once the subscription is sent.
 */
export async function subscribeTap(adminPort: number, maxRps = 100): Promise<{ events: () => number; close: () => void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${adminPort}${tapPaths.proxy}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  let events = 0;
  ws.on('message', () => (events += 1));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify(proxyTapSubscriptionSchema.parse({ v: 1, maxRps, extractHeaders: true })));
  return { events: () => events, close: () => ws.close() };
}
