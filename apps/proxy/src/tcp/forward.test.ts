import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { peek } from '../detect/peek.js';
import { splice, type Splice } from './forward.js';
import { loadNativeRelay, type NativeRelay } from './native-relay.js';

const native = loadNativeRelay();
/** The native relay alone: a connection it refused would pass through the JS one and prove nothing. */
const nativeOnly =
  (relay: NativeRelay): Splice =>
  (client, upstream, spliced) => {
    if (!relay.splice(client, upstream, spliced)) throw new Error('the native relay refused plain TCP sockets');
  };
// The same behaviour from both relays; without the addon (not built, not Linux) the JS one only.
const relays: [string, Splice][] = native.ok ? [['js', splice], ['native', nativeOnly(native.relay)]] : [['js', splice]];

const listen = (server: net.Server) =>
  new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)));

describe.each(relays)('%s relay', (_name, splice) => {
  it("passes on a FIN that came right behind the first chunk, while the socket sat paused after detection", async () => {
    const echo = net.createServer((s) => s.pipe(s));
    const echoPort = await listen(echo);
    const proxy = net.createServer({ allowHalfOpen: true }, (client) =>
      peek(client, 1000, (p) => {
        const up = net.connect({ port: echoPort, host: '127.0.0.1', allowHalfOpen: true }, () =>
          splice(client, up, { fromClient: p.kind === 'data' ? p.bytes : Buffer.alloc(0) }),
        );
      }),
    );
    const port = await listen(proxy);
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => s.end('ping\n'));
        let got = '';
        s.on('data', (d: Buffer) => (got += d.toString())).on('end', () => resolve(got)).on('error', reject);
      });
      expect(reply).toBe('ping\n');
    } finally {
      proxy.close();
      echo.close();
    }
  });
});
