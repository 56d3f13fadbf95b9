// The native relay through its TS wrapper, on real loopback sockets: client ⇄ [accepted | relay | upstream] ⇄
// server, where the bracket is what a proxy hands over after detection and connect.
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { eventually } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from './connect.js';
import { loadNativeRelay, type NativeRelay } from './native-relay.js';

const loaded = loadNativeRelay();
// The addon is part of the proxy's build; a machine that cannot build it runs the JS relay and skips these.
const describeNative = loaded.ok ? describe : describe.skip;

interface Relayed {
  /** The test's client, connected to the "proxy". */
  readonly client: net.Socket;
  /** The "app" end, accepted by the upstream server. */
  readonly server: net.Socket;
  /** The proxy's two sockets, shells once handed over. */
  readonly accepted: net.Socket;
  readonly upstream: net.Socket;
  /** Resolves when both shells have closed (splice's onClosed). */
  readonly closed: Promise<void>;
}

const listen = (server: net.Server) =>
  new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)));

/** How a socket closed: the code of its first error, undefined when it closed cleanly. */
const closeCode = (s: net.Socket) =>
  new Promise<string | undefined>((resolve) => {
    let code: string | undefined;
    s.on('error', (err: NodeJS.ErrnoException) => (code ??= err.code));
    s.once('close', () => resolve(code));
  });

/** Accepted sockets of `server`, looked up by the connecting socket's local port (connections race). */
function acceptor(server: net.Server): (port: number) => Promise<net.Socket> {
  const arrived = new Map<number, net.Socket>();
  const waiting = new Map<number, (s: net.Socket) => void>();
  server.on('connection', (s: net.Socket) => {
    const port = s.remotePort as number;
    const w = waiting.get(port);
    if (w) {
      waiting.delete(port);
      w(s);
    } else arrived.set(port, s);
  });
  return (port) =>
    new Promise((resolve) => {
      const s = arrived.get(port);
      if (s) {
        arrived.delete(port);
        resolve(s);
      } else waiting.set(port, resolve);
    });
}

function collect(s: net.Socket): { text: () => string; ended: Promise<void> } {
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(d));
  const ended = new Promise<void>((r) => s.once('end', () => r()));
  return { text: () => Buffer.concat(chunks).toString(), ended };
}

const openFds = () => readdirSync('/proc/self/fd').length;

describeNative('native relay', () => {
  const relay = (loaded as { relay: NativeRelay }).relay;
  const proxyServer = net.createServer({ allowHalfOpen: true, pauseOnConnect: false });
  const upstreamServer = net.createServer({ allowHalfOpen: true });
  const accepted = acceptor(proxyServer);
  const atUpstream = acceptor(upstreamServer);
  let proxyPort = 0;
  let upstreamPort = 0;

  beforeAll(async () => {
    proxyPort = await listen(proxyServer);
    upstreamPort = await listen(upstreamServer);
  });
  afterAll(() => {
    proxyServer.close();
    upstreamServer.close();
  });

  /** `beforeHandOff` runs with the accepted socket before the relay takes it (bytes Node has buffered). */
  async function relayed(fromClient?: Buffer, beforeHandOff?: (client: net.Socket, accepted: net.Socket) => Promise<void>): Promise<Relayed> {
    const client = net.connect({ port: proxyPort, host: '127.0.0.1', allowHalfOpen: true });
    await new Promise((r) => client.once('connect', r));
    const proxied = await accepted(client.localPort as number);
    proxied.pause();
    const upstream = await connect('127.0.0.1', upstreamPort, 2000);
    const server = await atUpstream(upstream.localPort as number);
    // Resets are part of what is tested; the tests that care look at the codes with closeCode.
    for (const s of [client, server]) s.on('error', () => {});
    await beforeHandOff?.(client, proxied);
    let onClosed!: () => void;
    const closed = new Promise<void>((r) => (onClosed = r));
    expect(relay.splice(proxied, upstream, { ...(fromClient ? { fromClient } : {}), onClosed })).toBe(true);
    return { client, server, accepted: proxied, upstream, closed };
  }

  it('relays both ways: detection bytes first, then what Node had buffered, then the rest', async () => {
    const r = await relayed(Buffer.from('first:'), async (client, accepted) => {
      client.write('buffered:');
      await eventually(() => expect(accepted.readableLength).toBe(9), { intervalMs: 5 });
    });
    const atServer = collect(r.server);
    const atClient = collect(r.client);
    r.client.write('live');
    await eventually(() => expect(atServer.text()).toBe('first:buffered:live'), { intervalMs: 5 });
    r.server.write('pong');
    await eventually(() => expect(atClient.text()).toBe('pong'), { intervalMs: 5 });
    r.client.end();
    r.server.end();
    await r.closed;
  });

  it('counts bytes live and keeps the final counts after close, on the sockets Node handed over', async () => {
    const r = await relayed(Buffer.from('12345'), async (client, accepted) => {
      client.write('12345');
      await eventually(() => expect(accepted.readableLength).toBe(5), { intervalMs: 5 });
      accepted.read(); // stands in for detection: Node read these 5
    });
    const atServer = collect(r.server);
    r.client.write('abc');
    await eventually(() => expect(atServer.text()).toBe('12345abc'), { intervalMs: 5 });
    r.server.write('xy');
    await eventually(() => expect([r.accepted.bytesRead, r.accepted.bytesWritten, r.upstream.bytesRead, r.upstream.bytesWritten]).toEqual([8, 2, 2, 8]), {
      intervalMs: 5,
    });
    r.client.end();
    r.server.end('z');
    await r.closed;
    expect([r.accepted.bytesRead, r.accepted.bytesWritten, r.upstream.bytesRead, r.upstream.bytesWritten]).toEqual([8, 3, 3, 8]);
    expect(relay.open).toBe(0);
  });

  it.each([
    ['client', 'server'],
    ['server', 'client'],
  ] as const)('passes a half-close from the %s on and still delivers what the %s sends after it', async (first, second) => {
    const r = await relayed();
    const side = { client: r.client, server: r.server };
    // What each side receives: the other's bytes, through the relay.
    const heard = { client: collect(r.client), server: collect(r.server) };
    side[first].end(`from ${first}`);
    await heard[second].ended;
    expect(heard[second].text()).toBe(`from ${first}`);
    side[second].end(`from ${second}`);
    await heard[first].ended;
    expect(heard[first].text()).toBe(`from ${second}`);
    await r.closed;
    expect([r.accepted.errored, r.upstream.errored]).toEqual([null, null]);
  });

  it('resets the server when the client resets, and reports ECONNRESET on the client side', async () => {
    const r = await relayed();
    const atServer = collect(r.server);
    r.client.write('x');
    await eventually(() => expect(atServer.text()).toBe('x'), { intervalMs: 5 });
    const closed = [r.server, r.accepted, r.upstream].map(closeCode);
    r.client.resetAndDestroy();
    // As the JS relay: the reset side's errno on its socket, a reset (not a FIN) passed on, the other side clean.
    expect(await Promise.all(closed)).toEqual(['ECONNRESET', 'ECONNRESET', undefined]);
  });

  it('resets the client when the server resets, even after the client half-closed', async () => {
    const r = await relayed();
    const atServer = collect(r.server);
    r.client.end('bye');
    await atServer.ended;
    const closed = [r.client, r.accepted, r.upstream].map(closeCode);
    r.server.resetAndDestroy();
    expect(await Promise.all(closed)).toEqual(['ECONNRESET', undefined, 'ECONNRESET']);
  });

  it('closes both sockets, without a reset, when JS destroys one (drain, shutdown)', async () => {
    const r = await relayed();
    const atServer = collect(r.server);
    const atClient = collect(r.client);
    r.accepted.destroy();
    await r.closed;
    await Promise.all([atServer.ended, atClient.ended]);
    expect(r.upstream.destroyed).toBe(true);
    const closed = [r.client, r.server].map(closeCode);
    r.client.end();
    r.server.end();
    expect(await Promise.all(closed)).toEqual([undefined, undefined]);
  });

  it('moves 64 MiB to a slow reader with at most one chunk held in the relay (backpressure)', async () => {
    const total = 64 * 1024 * 1024;
    const payload = Buffer.alloc(total);
    for (let i = 0; i < total; i += 4) payload.writeUInt32LE(i, i);
    const r = await relayed();
    r.client.pause();
    r.server.end(payload);
    // The client reads nothing: the relay must stall once the kernel buffers on its side are full.
    let last = -1;
    await eventually(
      () => {
        const now = r.upstream.bytesRead;
        const stalled = now === last;
        last = now;
        expect(stalled).toBe(true);
      },
      { intervalMs: 50 },
    );
    expect(r.upstream.bytesRead).toBeLessThan(total / 2);
    expect(r.upstream.bytesRead - r.accepted.bytesWritten).toBeLessThanOrEqual(64 * 1024);
    const chunks: Buffer[] = [];
    r.client.on('data', (d: Buffer) => chunks.push(d));
    const ended = new Promise<void>((resolve) => r.client.once('end', () => resolve()));
    r.client.resume();
    await ended;
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
    r.client.end();
    await r.closed;
  });

  it('refuses, touching nothing, sockets Node still has bytes to write for (the JS relay then takes them)', async () => {
    const client = net.connect({ port: proxyPort, host: '127.0.0.1', allowHalfOpen: true });
    await new Promise((r) => client.once('connect', r));
    client.on('error', () => {});
    const proxied = await accepted(client.localPort as number);
    const upstream = await connect('127.0.0.1', upstreamPort, 2000);
    const server = await atUpstream(upstream.localPort as number);
    server.pause();
    upstream.write(Buffer.alloc(16 * 1024 * 1024)); // more than the kernel buffers take at once
    expect(upstream.writableLength).toBeGreaterThan(0);
    expect(relay.splice(proxied, upstream)).toBe(false);
    expect(relay.open).toBe(0);
    proxied.write('still a Node socket');
    const atClient = collect(client);
    await eventually(() => expect(atClient.text()).toBe('still a Node socket'), { intervalMs: 5 });
    for (const s of [client, proxied, upstream, server]) s.destroy();
  });

  it('relays many connections at once, each its own bytes', async () => {
    const n = 200;
    const conns = await Promise.all(Array.from({ length: n }, () => relayed()));
    const echoed = conns.map((r, i) => {
      r.server.on('data', (d: Buffer) => r.server.write(d));
      const got = collect(r.client);
      r.client.write(`conn-${i};`.repeat(100));
      return got;
    });
    await eventually(() => echoed.forEach((got, i) => expect(got.text()).toBe(`conn-${i};`.repeat(100))), { intervalMs: 20 });
    for (const r of conns) r.client.end();
    for (const r of conns) r.server.end();
    await Promise.all(conns.map((r) => r.closed));
    expect(relay.open).toBe(0);
  });

  it('leaves no file descriptor behind', async () => {
    // Warm up first: the relay thread's epoll and eventfd are opened once, on first use.
    const warm = await relayed();
    warm.client.destroy();
    warm.server.destroy();
    await warm.closed;
    const before = openFds();
    const conns = await Promise.all(Array.from({ length: 50 }, () => relayed()));
    expect(openFds()).toBeGreaterThan(before);
    conns.forEach((r, i) => {
      if (i % 3 === 0) r.client.resetAndDestroy();
      else if (i % 3 === 1) r.accepted.destroy();
      else {
        r.client.end();
        r.server.end();
      }
    });
    await Promise.all(conns.map((r) => r.closed));
    for (const r of conns) {
      r.client.destroy();
      r.server.destroy();
    }
    await eventually(() => expect(openFds()).toBe(before), { intervalMs: 20 });
  });
});
