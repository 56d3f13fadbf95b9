import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadOriginalDst } from './original-dst.js';

describe('loadOriginalDst', () => {
  it('reports why interception is off when the addon is missing, without throwing', () => {
    const r = loadOriginalDst('../../native/build/Release/no-such-addon.node');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(process.platform === 'linux' ? /addon did not load.*npm run build/ : /Linux-only/);
  });

  it.runIf(process.platform === 'linux')('says "not redirected" for a connection made straight to the listener', async (ctx) => {
    const r = loadOriginalDst();
    if (!r.ok) return ctx.skip(r.reason);
    const server = net.createServer();
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const accepted = new Promise<net.Socket>((res) => server.once('connection', res));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    const socket = await accepted;
    try {
      expect(r.originalDst(socket)).toBeUndefined();
    } finally {
      client.destroy();
      socket.destroy();
      server.close();
    }
  });
});
